"""Download links, their limits, fresh links by email, and the buyer's library."""

import os

import pytest

from tests.browser import page, submit_form
from tests.database import all_rows
from tests.factories import ProductFactory, UserFactory, bought, give_file, sellable_product
from tests.mailbox import emails_to, links_in, path_of
from yumroad.checkout.services import start_purchase
from yumroad.downloads.services import MAX_FRESH_LINKS, download_url
from yumroad.models import Order
from yumroad.product_files import file_path


def link_of(order: Order) -> str:
    return path_of(download_url(order))


def test_a_link_downloads_the_file_with_safe_headers(client):
    product = give_file(ProductFactory(), b"%PDF-1.7 the book", 'Flask "Book"\r\n; evil=1 ünïcode.pdf')
    response = client.get(link_of(bought(product)), buffered=True)

    assert response.status_code == 200
    assert response.data == b"%PDF-1.7 the book"
    assert response.mimetype == "application/octet-stream"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\r" not in disposition and "\n" not in disposition
    assert "filename*=UTF-8''Flask%20Book%3B%20evil%3D1%20%C3%BCn%C3%AFcode.pdf" in disposition
    assert all_rows(Order)[0].download_count == 1


def test_a_link_works_as_many_times_as_the_limit(app, client):
    app.config["DOWNLOAD_LIMIT"] = 2
    link = link_of(bought())

    assert client.get(link, buffered=True).status_code == 200
    assert client.get(link, buffered=True).status_code == 200
    exhausted = client.get(link)

    assert exhausted.status_code == 410
    html = page(exhausted)
    assert "used as many times as it allows" in html.select_one("h1").text
    assert html.select_one("form[action='/download/fresh-links'] input[name=email]")
    assert all_rows(Order)[0].download_count == 2


def test_an_expired_link_offers_fresh_ones(app, client):
    link = link_of(bought())
    app.config["DOWNLOAD_LINK_MAX_AGE"] = -1  # every link is now older than allowed

    response = client.get(link)

    assert response.status_code == 410
    assert "This download link has expired." in page(response).select_one("h1").text
    assert all_rows(Order)[0].download_count == 0


@pytest.mark.parametrize("mangle", [lambda link: link[:-3], lambda link: link + "x", lambda link: "/download/abc.def"])
def test_a_tampered_link_is_refused(client, mangle):
    response = client.get(mangle(link_of(bought())))
    assert response.status_code == 410
    assert "This download link is not valid" in response.text


def test_a_link_to_an_unpaid_order_is_refused(client):
    order = start_purchase(sellable_product(), None, "buyer@example.com")
    assert client.get(link_of(order)).status_code == 410


def test_fresh_links_replace_the_old_ones(app, client):
    app.config["DOWNLOAD_LIMIT"] = 1
    first = bought()
    bought()
    old_link = link_of(first)
    client.get(old_link, buffered=True)

    response = submit_form(client, "/download/fresh-links", {"email": "BUYER@example.com"})

    assert response.location == "/download/fresh-links"
    assert "fresh download links are on their way" in client.get(response.location).text
    fresh_email = emails_to(app, "buyer@example.com")[-1]
    assert fresh_email["Subject"] == "Your Yumroad download links"
    fresh_links = [path_of(link) for link in links_in(fresh_email) if "/download/" in link]
    assert len(fresh_links) == 2
    for link in fresh_links:
        assert client.get(link, buffered=True).status_code == 200
    replaced = client.get(old_link)
    assert replaced.status_code == 410
    assert "replaced by a newer one" in replaced.text


def test_fresh_links_for_an_unknown_email_say_the_same_and_send_nothing(app, client):
    response = submit_form(client, "/download/fresh-links", {"email": "nobody@example.com"})
    assert "fresh download links are on their way" in client.get(response.location).text
    assert emails_to(app, "nobody@example.com") == []


def test_the_fresh_links_form_checks_the_email(client):
    response = submit_form(client, "/download/fresh-links", {"email": "nope"})
    assert "Enter a valid email address" in response.text


def test_the_library_lists_a_buyers_purchases_with_links(log_in):
    buyer = UserFactory(email="buyer@example.com", email_verified_at=None)
    bought(sellable_product(name="Mine Product"), buyer.email, buyer)
    # Not bought through the account, whose address is unconfirmed (see test_email_verification.py).
    bought(sellable_product(name="Guest Purchase"), buyer.email)
    bought(sellable_product(name="Someone Else's"), "other@example.com")
    client = log_in(buyer)

    html = page(client.get("/library"))

    assert [row.select_one("p").text.strip() for row in html.select("main .list-group-item")] == ["Mine Product"]
    link = html.select_one("main a[href*='/download/']")["href"]
    assert client.get(link, buffered=True).status_code == 200


def test_the_library_empty_state(log_in):
    html = page(log_in(UserFactory()).get("/library"))
    assert "Nothing here yet" in html.text
    assert html.select_one("main a[href='/product/']")


def test_the_library_needs_a_login(client):
    assert client.get("/library").location == "/login?next=/library"


def test_a_store_owner_is_in_the_nav_with_sales_and_library(log_in, creator):
    nav = page(log_in(creator).get("/")).select_one("nav")
    assert nav.select_one("a[href='/library']")
    assert nav.select_one("a[href='/dashboard']")


def test_a_file_missing_from_storage_is_a_clear_404_that_uses_no_download(client, caplog):
    order = bought()
    os.remove(file_path(order.product.file))
    response = client.get(link_of(order))
    assert response.status_code == 404
    assert "This file is missing." in response.text
    assert "is missing from storage" in caplog.text
    assert all_rows(Order)[0].download_count == 0


def test_head_requests_and_resumed_downloads_do_not_count(client):
    link = link_of(bought(give_file(ProductFactory(), b"0123456789")))

    assert client.head(link, buffered=True).status_code == 200
    resumed = client.get(link, headers={"Range": "bytes=5-"}, buffered=True)
    assert (resumed.status_code, resumed.data) == (206, b"56789")
    assert all_rows(Order)[0].download_count == 0

    from_the_start = client.get(link, headers={"Range": "bytes=0-4"}, buffered=True)
    assert (from_the_start.status_code, from_the_start.data) == (206, b"01234")
    assert all_rows(Order)[0].download_count == 1


def test_fresh_links_are_sent_a_bounded_number_of_times(app, client):
    bought()
    for _ in range(MAX_FRESH_LINKS + 2):
        submit_form(client, "/download/fresh-links", {"email": "buyer@example.com"})
    fresh_emails = [m for m in emails_to(app, "buyer@example.com") if m["Subject"] == "Your Yumroad download links"]
    assert len(fresh_emails) == MAX_FRESH_LINKS
    assert all_rows(Order)[0].download_link_version == MAX_FRESH_LINKS + 1
