"""What the forms' scripts do in a real browser: messages that come and go, and uploads that fail."""

from playwright.sync_api import Page, expect

from tests.e2e.conftest import CREATOR
from tests.e2e.journeys import log_in
from tests.factories import StoreFactory, UserFactory, bought
from yumroad.extensions import db
from yumroad.models import Product


def test_a_message_goes_once_the_field_is_fixed_even_one_the_server_wrote(app, page: Page, look):
    with app.app_context():
        UserFactory(email="taken@example.com")
    page.goto("/register")
    page.get_by_label("Email").fill("taken@example.com")
    page.get_by_label("Password", exact=True).fill("correct horse battery")
    page.get_by_label("Confirm password").fill("correct horse battery")
    page.get_by_label("Store name").fill("Second Shop")
    page.get_by_role("button", name="Create").click()
    look(page, "sign-up-refused")
    email = page.get_by_label("Email")
    expect(page.get_by_text("This email is already registered")).to_be_visible()

    email.fill("no at sign")
    email.blur()
    expect(email).to_have_attribute("aria-invalid", "true")  # the browser's message, in the server's box
    expect(page.get_by_text("This email is already registered")).to_have_count(0)

    email.fill("new@example.com")
    email.blur()
    expect(email).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator(".invalid-feedback:visible")).to_have_count(0)


def test_a_price_the_browser_refuses_is_explained_in_our_words(app, page: Page, look):
    with app.app_context():
        StoreFactory(user__email=CREATOR)
    log_in(page, look, CREATOR)
    page.goto("/product/new")
    look(page, "product-new")
    price = page.get_by_label("Price (USD)", exact=True)
    for typed in ("abc", ".", "12.345", "-5"):
        price.fill(typed)
        price.blur()
        message = page.locator(f"[id='{price.get_attribute('aria-describedby').split()[0]}']")
        expect(message).to_have_text("Enter a price such as 12.50: digits, with at most two decimals.")
    price.fill("12.50")
    expect(price).not_to_have_attribute("aria-invalid", "true")  # gone while typing, before leaving


def test_a_rating_group_is_marked_and_cleared_as_one(app, page: Page, look, listed_product):
    with app.app_context():
        reader = UserFactory(email="reader@example.com")
        order = bought(db.session.get(Product, listed_product["id"]), reader.email, reader)
        review_path = f"/order/{order.public_id}/review"
    log_in(page, look, "reader@example.com")
    page.goto(review_path)
    look(page, "review")
    page.get_by_role("button", name="review").click()
    ratings = page.get_by_role("radio")
    expect(ratings).to_have_count(5)
    for rating in ratings.all():
        expect(rating).to_have_attribute("aria-invalid", "true")

    page.get_by_label("4 — good").check()
    for rating in ratings.all():
        expect(rating).not_to_have_attribute("aria-invalid", "true")
    look(page, "review-rated")


def test_a_refused_upload_keeps_the_form_as_it_was(app, page: Page, look, tmp_path):
    with app.app_context():
        StoreFactory(user__email=CREATOR)
    goods = tmp_path / "goods.zip"
    goods.write_bytes(b"PK\x03\x04" + bytes(2_000_000))
    log_in(page, look, CREATOR)
    page.goto("/product/new")
    look(page, "product-new")
    page.get_by_label("Name", exact=True).fill("Field Recordings")
    page.get_by_label("Price (USD)", exact=True).fill("9")
    page.get_by_label("File to sell").set_input_files(goods)
    page.locator("main input[name=csrf_token]").evaluate("field => { field.value = 'from-a-page-left-open-too-long'; }")

    page.get_by_role("button", name="Create product").click()

    status = page.locator("#upload-status")
    expect(status).to_contain_text("Your form expired")  # the error page's words, not the error page
    expect(status).to_contain_text("Your form is as you left it")
    look(page, "upload-refused")
    assert page.url.endswith("/product/new")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Field Recordings")
    assert page.get_by_label("File to sell").evaluate("field => field.files.length") == 1
    expect(page.get_by_role("button", name="Create product")).to_be_enabled()
