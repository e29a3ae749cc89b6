"""Buying in test mode, through the HTML forms, as a guest and as a logged-in buyer."""

import pytest

from tests.browser import field_value, page, submit_form
from tests.database import all_rows, count_rows
from tests.factories import ProductFactory, StoreFactory, give_file, sellable_product
from tests.mailbox import emails_to, html_of, links_in, path_of, text_of
from yumroad.extensions import db
from yumroad.models import Order, OrderStatus, PaymentEvent

SUCCEEDS = "4242 4242 4242 4242"
DECLINED = "4000 0000 0000 0002"


def buy_as_guest(client, product, email="guest@example.com"):
    return submit_form(client, f"/product/{product.id}", {"email": email}, selector="form[action$='/buy']")


def pay(client, order_location, card):
    return submit_form(client, order_location, {"card_number": card})


def the_order() -> Order:
    [order] = all_rows(Order)
    return order


# --- the product page -------------------------------------------------------------------------


def test_a_product_page_has_a_buy_button_with_the_price(client):
    product = sellable_product(price_cents=1250)
    box = page(client.get(f"/product/{product.id}")).select_one("form[action$='/buy']")
    assert box.select_one("button").text.strip() == "Buy for $12.50"
    assert box.select_one("input[name=email]")  # a guest gives an email


def test_a_free_product_says_get_it_free(client):
    product = sellable_product(price_cents=0)
    assert "Get it free" in page(client.get(f"/product/{product.id}")).select_one("form[action$='/buy']").text


def test_a_logged_in_buyer_does_not_retype_their_email(log_in, creator):
    product = sellable_product()
    box = page(log_in(creator).get(f"/product/{product.id}")).select_one("form[action$='/buy']")
    assert not box.select("input[name=email]")
    assert creator.email in box.text


def test_a_product_without_a_file_is_not_for_sale_yet(client):
    product = ProductFactory()
    html = page(client.get(f"/product/{product.id}"))
    assert not html.select("form[action$='/buy']")
    assert "Not available yet" in html.text

    response = client.post(f"/product/{product.id}/buy", data={"email": "guest@example.com"})
    assert response.location == f"/product/{product.id}"
    assert count_rows(Order) == 0


def test_the_creator_sees_the_file_instead_of_a_buy_button(log_in, creator):
    product = sellable_product(store=creator.store)
    html = page(log_in(creator).get(f"/product/{product.id}"))
    assert not html.select("form[action$='/buy']")
    assert "Buyers get goods.zip" in html.text


# --- a guest buys ----------------------------------------------------------------------------


def test_a_guest_buys_pays_gets_the_receipt_and_downloads(app, client):
    product = sellable_product(name="Brush Pack", price_cents=1250)

    response = buy_as_guest(client, product, " Guest@Example.com ")

    order = the_order()
    assert (order.status, order.buyer_email, order.buyer_id) == (OrderStatus.PENDING, "guest@example.com", None)
    assert (order.amount_cents, order.currency, order.provider) == (1250, "USD", "test")
    assert order.provider_reference.startswith("pi_test_")
    assert response.location == f"/checkout/{order.public_id}"
    pay_page = page(client.get(response.location))
    assert "TEST MODE" in pay_page.text
    assert "Pay $12.50" in pay_page.select_one("form button").text

    paid = pay(client, response.location, SUCCEEDS)

    assert paid.location == f"/checkout/{order.public_id}/done"
    order = the_order()
    assert order.status == OrderStatus.PAID
    assert order.paid_at is not None
    thank_you = page(client.get(paid.location))
    assert "Thank you!" in thank_you.text
    download_link = thank_you.select_one("main a[href*='/download/']")["href"]

    [receipt] = emails_to(app, "guest@example.com")
    assert receipt["Subject"] == "Your receipt: Brush Pack"
    assert "$12.50" in text_of(receipt)
    assert "Brush Pack" in html_of(receipt)
    [sale_notice] = emails_to(app, product.creator.email)
    assert sale_notice["Subject"] == "You made a sale: Brush Pack"
    assert "guest@example.com" in text_of(sale_notice)

    for link in (download_link, path_of(links_in(receipt)[0])):
        downloaded = client.get(link, buffered=True)
        assert downloaded.status_code == 200
        assert downloaded.data == b"PK\x03\x04 the goods"
        assert downloaded.headers["Content-Disposition"] == "attachment; filename=goods.zip"


def test_a_guest_must_give_a_valid_email(client):
    product = sellable_product()
    response = buy_as_guest(client, product, "not an email")
    assert response.status_code == 200
    html = page(response)
    assert "Enter a valid email address" in html.select_one("#email ~ .invalid-feedback").text
    assert field_value(html, "#email") == "not an email"
    assert count_rows(Order) == 0


def test_a_declined_card_fails_the_order_and_another_card_can_pay(app, client):
    product = sellable_product()
    pay_page = buy_as_guest(client, product).location

    declined = pay(client, pay_page, DECLINED)

    assert declined.status_code == 200
    assert "Your card was declined." in page(declined).select_one("#card_number ~ .invalid-feedback").text
    assert the_order().status == OrderStatus.FAILED
    assert "Try again" in client.get(f"{pay_page}/done").text
    assert emails_to(app, "guest@example.com") == []

    assert pay(client, pay_page, SUCCEEDS).location == f"{pay_page}/done"
    assert the_order().status == OrderStatus.PAID
    assert len(emails_to(app, "guest@example.com")) == 1


def test_test_mode_knows_two_cards_only(client):
    pay_page = buy_as_guest(client, sellable_product()).location
    response = pay(client, pay_page, "5555 5555 5555 4444")
    assert "In test mode, use 4242" in page(response).select_one("#card_number ~ .invalid-feedback").text
    assert the_order().status == OrderStatus.PENDING


def test_the_pay_page_of_a_paid_order_sends_to_the_thank_you_page(client):
    pay_page = buy_as_guest(client, sellable_product()).location
    pay(client, pay_page, SUCCEEDS)
    assert client.get(pay_page).location == f"{pay_page}/done"
    assert client.post(pay_page, data={"card_number": SUCCEEDS}).location == f"{pay_page}/done"
    assert count_rows(PaymentEvent) == 1


def test_the_return_page_shows_a_pending_order_without_fulfilling_it(app, client):
    pay_page = buy_as_guest(client, sellable_product()).location
    waiting = page(client.get(f"{pay_page}/done"))
    assert "Waiting for your payment" in waiting.text
    assert waiting.select_one("meta[http-equiv=refresh]")
    assert the_order().status == OrderStatus.PENDING
    assert emails_to(app, "guest@example.com") == []


@pytest.mark.parametrize("path", ["/checkout/nope", "/checkout/nope/done"])
def test_unknown_orders_are_404s(client, path):
    assert client.get(path).status_code == 404


def test_the_amount_is_captured_when_the_order_is_made(client):
    product = sellable_product(price_cents=1000)
    pay_page = buy_as_guest(client, product).location
    product.price_cents = 9900
    db.session.commit()

    pay(client, pay_page, SUCCEEDS)

    order = the_order()
    assert (order.amount_cents, order.status) == (1000, OrderStatus.PAID)


def test_a_free_product_is_delivered_at_once(app, client):
    product = sellable_product(price_cents=0)

    response = buy_as_guest(client, product)

    order = the_order()
    assert (order.status, order.amount_cents, order.provider) == (OrderStatus.PAID, 0, "free")
    assert response.location == f"/checkout/{order.public_id}/done"
    assert "Free" in text_of(emails_to(app, "guest@example.com")[0])


# --- logged-in buyers, creators, deleted products ------------------------------------------------


def test_a_logged_in_purchase_belongs_to_the_account_and_its_library(app, log_in):
    buyer = StoreFactory(user__email="buyer@example.com").user
    client = log_in(buyer)
    product = sellable_product(name="Flask Book")

    pay_page = submit_form(client, f"/product/{product.id}", {}, selector="form[action$='/buy']").location
    pay(client, pay_page, SUCCEEDS)

    order = the_order()
    assert (order.buyer_id, order.buyer_email) == (buyer.id, "buyer@example.com")
    library = page(client.get("/library"))
    assert "Flask Book" in library.text
    link = library.select_one("main a[href*='/download/']")["href"]
    assert client.get(link, buffered=True).data == b"PK\x03\x04 the goods"
    assert "/library" in text_of(emails_to(app, "buyer@example.com")[-1])


def test_creators_cannot_buy_their_own_products(log_in, creator):
    product = sellable_product(store=creator.store)
    client = log_in(creator)
    response = client.post(f"/product/{product.id}/buy")
    assert response.location == f"/product/{product.id}"
    assert "your own product" in client.get(response.location).text
    assert count_rows(Order) == 0


def test_deleted_products_cannot_be_bought(client):
    product = sellable_product()
    product.deleted_at = product.created_at
    db.session.commit()
    assert client.post(f"/product/{product.id}/buy", data={"email": "guest@example.com"}).status_code == 404
    assert count_rows(Order) == 0


def test_a_buyer_keeps_their_download_after_the_product_is_deleted(client, log_in, creator):
    product = give_file(ProductFactory(store=creator.store))
    pay_page = buy_as_guest(client, product).location
    pay(client, pay_page, SUCCEEDS)
    link = page(client.get(f"{pay_page}/done")).select_one("main a[href*='/download/']")["href"]

    log_in(creator).post(f"/product/{product.id}/delete")

    assert client.get(f"/product/{product.id}").status_code == 404
    assert client.get(link, buffered=True).data == b"PK\x03\x04 the goods"


@pytest.mark.parametrize("email", ["ünï@example.com", "🙂@example.com"])
def test_an_address_mail_cannot_reach_is_refused_in_the_form(client, email):
    response = buy_as_guest(client, sellable_product(), email)
    assert "Enter a valid email address" in page(response).select_one("#email ~ .invalid-feedback").text
    assert count_rows(Order) == 0


def test_an_international_domain_is_fine(app, client):
    pay(client, buy_as_guest(client, sellable_product(), "buyer@exämple.com").location, SUCCEEDS)
    assert the_order().status == OrderStatus.PAID
    [receipt] = emails_to(app, "buyer@xn--exmple-cua.com")
    assert receipt["Subject"].startswith("Your receipt")


def test_a_pending_order_of_a_deleted_product_is_not_offered_for_payment(client):
    product = sellable_product()
    pay_page = buy_as_guest(client, product).location
    product.deleted_at = product.created_at
    db.session.commit()

    response = client.get(pay_page)

    assert response.location == "/"
    assert "no longer for sale" in client.get("/").text
    assert client.post(pay_page, data={"card_number": SUCCEEDS}).location == "/"
    assert the_order().status == OrderStatus.PENDING


def test_the_receipt_links_to_fresh_links(app, client):
    pay(client, buy_as_guest(client, sellable_product()).location, SUCCEEDS)
    [receipt] = emails_to(app, "guest@example.com")
    assert "http://yumroad.test/download/fresh-links" in links_in(receipt)


def test_only_the_browser_that_bought_sees_the_download_on_the_thank_you_page(app, client):
    done_page = f"{buy_as_guest(client, sellable_product()).location}/done"
    pay(client, done_page.removesuffix("/done"), SUCCEEDS)
    assert page(client.get(done_page)).select("main a.btn[href*='/download/']")

    stranger = app.test_client()
    html = page(stranger.get(done_page))
    assert not html.select("main a.btn[href*='/download/']")
    assert "We sent the receipt and the download link to guest@example.com" in html.text


def test_the_buy_address_opened_again_is_the_product_page(client):
    """A refused buy form (a wrong code) leaves /product/<id>/buy in the address bar: reloading it by
    opening it again must not answer 405."""
    product = sellable_product()

    assert client.get(f"/product/{product.id}/buy").location == f"/product/{product.id}"
