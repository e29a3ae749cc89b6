"""Buyers, in the browser: a guest finds a product by search, pays in test mode, is declined the next
time, gets the receipt and downloads the file; a logged-in buyer finds it in the library and reviews it."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE
from tests.e2e.journeys import DECLINED_CARD, SUCCEEDING_CARD, buy, download_from, find_by_search, log_in
from tests.factories import UserFactory
from tests.mailbox import emails_to, links_in

GUEST = "guest@example.com"


@pytest.mark.parametrize("window", [{}, PHONE], ids=["desktop", "phone"])
def test_a_guest_finds_buys_and_downloads_a_product(app, open_browser, look, listed_product, window):
    page = open_browser(**window)
    find_by_search(page, look, "watercolour", listed_product["name"])

    buy(page, look, email=GUEST, card=SUCCEEDING_CARD)
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    download = download_from(page, page.get_by_role("link", name="Download goods.zip"))
    assert download.startswith(b"PK")

    [receipt] = emails_to(app, GUEST)
    [link] = [link for link in links_in(receipt) if "/download/" in link and "fresh-links" not in link]
    assert download_from(page, link) == download

    page.goto(f"/product/{listed_product['id']}")
    look(page, "product-again")
    buy(page, look, email=GUEST, card=DECLINED_CARD)
    expect(page.get_by_text("Your card was declined. Try another card.")).to_be_visible()
    expect(page.get_by_text("The last payment was declined")).to_have_count(0)  # said once, by the card
    page.goto(page.url)
    look(page, "declined-order-again")
    expect(page.get_by_text("The last payment was declined. You can try again.")).to_be_visible()
    assert len(emails_to(app, GUEST)) == 1, "a declined payment sends no receipt"


def test_a_buyer_finds_the_purchase_in_the_library_and_reviews_it(app, page: Page, look, listed_product):
    with app.app_context():
        UserFactory(email="reader@example.com")
    log_in(page, look, "reader@example.com")
    find_by_search(page, look, "brush", listed_product["name"])
    buy(page, look, card=SUCCEEDING_CARD)

    page.get_by_role("link", name="Go to your library").click()
    look(page, "library")
    expect(page.get_by_role("link", name=listed_product["name"])).to_be_visible()
    page.get_by_role("link", name="Rate it").click()
    look(page, "review")
    page.get_by_label("4 — good").check()
    page.get_by_label("Your review").fill("Lovely brushes, they blend like real paint.")
    page.get_by_role("button", name="review").click()
    look(page, "reviewed")

    page.goto(f"/product/{listed_product['id']}")
    look(page, "product-with-review")
    expect(page.get_by_text("Lovely brushes, they blend like real paint.")).to_be_visible()
