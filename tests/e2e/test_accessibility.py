"""Every other page, empty or refusing, checked by axe-core on a desktop and a phone; and the keyboard."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import CREATOR, PHONE
from tests.e2e.journeys import log_in, visit_each
from tests.factories import StoreFactory, bought
from yumroad.discounts.services import create_discount
from yumroad.extensions import db
from yumroad.models import Product, utc_now

WINDOWS = pytest.mark.parametrize("window", [{}, PHONE], ids=["desktop", "phone"])


@WINDOWS
def test_the_pages_a_visitor_reaches(open_browser, look, listed_product, window):
    page = open_browser(**window)
    visit_each(
        page,
        look,
        {
            "/stores": "stores",
            f"/store/{listed_product['store_id']}": "store",
            "/product/?q=nothing+like+this": "search-without-results",
            "/download/fresh-links": "fresh-links",
            "/reset-password": "forgotten-password",
            "/dashboard": "log-in-first",  # after the redirect to the log-in page
        },
    )
    assert page.goto("/product/999999").status == 404
    look(page, "not-found")

    page.goto("/login")
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    look(page, "log-in-refused")  # by the server
    expect(page.get_by_text("Wrong email or password.")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("nobody@example.com")

    page.goto("/register")
    look(page, "sign-up")
    page.get_by_label("Email").fill("not an email")
    page.get_by_role("button", name="Create").click()
    look(page, "sign-up-checked")  # by the browser, before anything is sent
    email = page.get_by_label("Email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_value("not an email")
    message_id = email.get_attribute("aria-describedby").split()[0]
    expect(page.locator(f"[id='{message_id}']")).not_to_be_empty()


@WINDOWS
def test_the_pages_a_new_creator_works_on(app, open_browser, look, window):
    with app.app_context():
        store_id = StoreFactory(name="Empty Shelf", user__email=CREATOR).id
    page = open_browser(**window)
    log_in(page, look, CREATOR)
    visit_each(
        page,
        look,
        {
            "/dashboard": "dashboard-without-sales",
            f"/store/{store_id}": "store-without-products",
            f"/store/{store_id}/sales": "sales-without-orders",
            f"/store/{store_id}/discounts": "discounts-without-codes",
            "/library": "library-without-purchases",
            "/settings": "settings",
            "/product/new": "product-new",
        },
    )

    page.get_by_role("button", name="Create product").click()
    look(page, "product-checked")  # by the browser: nothing is sent
    expect(page.get_by_label("Name", exact=True)).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Name", exact=True).fill("Risograph Zine")
    page.get_by_label("Price (USD)", exact=True).fill("12.50")
    page.get_by_label("Suggested price (USD)").fill("5")
    page.get_by_role("button", name="Create product").click()
    look(page, "product-refused")  # by the server, which alone compares the two prices
    expect(page.get_by_text("The suggested price cannot be below the price.")).to_be_visible()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Risograph Zine")


@WINDOWS
def test_the_account_pages_of_an_unconfirmed_creator(app, open_browser, look, window):
    with app.app_context():
        StoreFactory(name="Empty Shelf", user__email=CREATOR, user__email_verified_at=None)
    page = open_browser(**window)
    log_in(page, look, CREATOR)  # every page now has the banner asking to confirm the address
    expect(page.get_by_role("region", name="Confirm your email address")).to_be_visible()
    assert page.goto("/verify-email/not-a-real-link").status == 404
    look(page, "bad-confirmation-link")
    expect(page.get_by_role("button", name="Send the link again")).to_be_visible()

    page.goto("/settings")
    look(page, "settings-unconfirmed")
    page.get_by_label("New email address").fill("someone.new@example.com")
    page.get_by_label("Your password").fill("not the password")
    page.get_by_role("button", name="Change my email address").click()
    look(page, "settings-refused")  # by the server: the password is wrong
    expect(page.get_by_text("Wrong password.")).to_be_visible()
    expect(page.get_by_label("New email address")).to_have_value("someone.new@example.com")

    page.get_by_role("button", name="Send the link again").click()
    look(page, "confirmation-link-sent")
    expect(page.get_by_text(f"We sent a new link to {CREATOR}.")).to_be_visible()


def test_the_keyboard_reaches_the_content_first_and_shows_where_it_is(page: Page, look, listed_product):
    page.goto("/")
    look(page, "landing")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    on_top = skip.evaluate(
        "link => { const box = link.getBoundingClientRect();"
        " return link.contains(document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2)); }"
    )
    assert on_top, "the focused skip link is hidden under something"
    assert _focus_ring(page) != "none", "the focused link shows no outline"

    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused_inside_main = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused_inside_main, "after the skip link, Tab goes into the page's content"
    assert _focus_ring(page) != "none"


def _focus_ring(page: Page) -> str:
    return page.evaluate("getComputedStyle(document.activeElement).outlineStyle")


@WINDOWS
def test_the_pages_of_a_selling_creator(app, open_browser, look, listed_product, window):
    with app.app_context():
        product = db.session.get(Product, listed_product["id"])
        bought(product, email="fan.with.a.rather.long.address@example.com")
        create_discount(product.store, "SPRINGTIMESALE", 20, None, product=product, max_uses=100)
        create_discount(product.store, "HALF-OFF", None, 600, expires_at=utc_now() + timedelta(days=30))
    page = open_browser(**window)
    log_in(page, look, CREATOR)
    store = f"/store/{listed_product['store_id']}"
    visit_each(
        page,
        look,
        {"/dashboard": "dashboard", f"{store}/sales": "sales", f"{store}/discounts": "codes", "/library": "library"},
    )
    page.goto(f"/store/{listed_product['store_id']}/discounts")
    page.get_by_text("Delete… SPRINGTIMESALE").click()
    page.get_by_role("button", name="Yes, delete SPRINGTIMESALE").click()
    look(page, "discount-deleted")
    expect(page.get_by_role("cell", name="SPRINGTIMESALE")).to_have_count(0)
    expect(page.get_by_role("cell", name="HALF-OFF")).to_be_visible()
