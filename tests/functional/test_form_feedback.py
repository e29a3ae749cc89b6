"""Forms help before they are sent: constraint attributes drawn from the validators, messages wired
to their fields for screen readers, buttons that say a payment is on its way, upload limits shown."""

import io

import pytest

from tests.browser import page, submit_form
from tests.factories import ProductFactory, UserFactory, bought, give_file, sellable_product
from yumroad.money import PRICE_INPUT_PATTERN
from yumroad.pictures import ACCEPTED_MEDIA_TYPES

GOOD_SIGN_UP = {
    "email": "maya@example.com",
    "password": "brushes and paint",
    "confirm": "brushes and paint",
    "store_name": "Maya's Kits",
}


def attributes(html, selector: str) -> dict:
    element = html.select_one(selector)
    assert element is not None, selector
    return element.attrs


def test_sign_up_fields_carry_the_constraints_of_their_validators(client):
    html = page(client.get("/register"))

    email, password = attributes(html, "#email"), attributes(html, "#password")
    store_name = attributes(html, "#store_name")
    assert (email["type"], "required" in email, email["maxlength"]) == ("email", True, "254")
    assert ("required" in password, password["minlength"], password["maxlength"]) == (True, "8", "128")
    assert "required" in attributes(html, "#confirm")
    assert ("required" in store_name, store_name["minlength"], store_name["maxlength"]) == (True, "4", "80")
    # The browser checks first: the form no longer opts out of its checks.
    assert not html.select_one("main form").has_attr("novalidate")


def test_product_form_constraints_come_from_the_rules_and_the_settings(app, log_in, creator):
    app.config["MAX_PRODUCT_FILE_SIZE"] = 200 * 1024 * 1024
    html = page(log_in(creator).get("/product/new"))

    name, price = attributes(html, "#name"), attributes(html, "#price")
    assert ("required" in name, name["maxlength"]) == (True, "120")
    assert attributes(html, "#description")["maxlength"] == "10000"
    assert ("required" in price, price["pattern"], price["inputmode"]) == (True, PRICE_INPUT_PATTERN, "decimal")
    suggested = attributes(html, "#suggested_price")
    assert "required" not in suggested and suggested["pattern"] == PRICE_INPUT_PATTERN
    assert attributes(html, "#picture")["accept"] == ACCEPTED_MEDIA_TYPES == "image/gif,image/jpeg,image/png,image/webp"
    file = attributes(html, "#file")
    assert file["data-max-size"] == str(200 * 1024 * 1024)
    assert file["data-max-size-message"] == "The file must be at most 200 MB."
    assert "Up to 200 MB." in html.select_one("#file-help").text
    assert "Up to 5 MB." in html.select_one("#picture-help").text


def test_discount_form_numbers_have_their_ranges(log_in, creator):
    html = page(log_in(creator).get(f"/store/{creator.store.id}/discounts"))

    code, percent = attributes(html, "#code"), attributes(html, "#percent_off")
    assert ("required" in code, code["minlength"], code["maxlength"]) == (True, "3", "40")
    assert (percent["type"], percent["min"], percent["max"]) == ("number", "1", "100")
    assert (attributes(html, "#max_uses")["min"], attributes(html, "#max_uses")["max"]) == ("1", "1000000")


def test_a_refused_field_is_marked_invalid_and_described_by_its_message(client):
    response = submit_form(client, "/register", GOOD_SIGN_UP | {"email": "not-an-email", "store_name": "abc"})

    html = page(response)
    email = html.select_one("#email")
    assert email["aria-invalid"] == "true"
    assert email["aria-describedby"] == "email-error"
    assert "Enter a valid email address" in html.select_one("#email-error").text
    store_name = html.select_one("#store_name")
    assert store_name["aria-describedby"] == "store_name-error"
    assert "at least 4 characters" in html.select_one("#store_name-error").text
    # The fields that passed are left alone.
    assert not html.select_one("#password").has_attr("aria-invalid")
    assert html.select_one("#password-error") is None


def test_a_refused_field_with_help_is_described_by_both(log_in, creator):
    response = submit_form(log_in(creator), "/product/new", {"name": "Brushes", "price": "12.505"})

    price = page(response).select_one("#price")
    assert price["aria-invalid"] == "true"
    assert price["aria-describedby"].split() == ["price-error", "price-help"]
    assert "at most two decimals" in page(response).select_one("#price-error").text


def test_a_refused_rating_marks_every_choice(log_in):
    buyer = UserFactory()
    order = bought(sellable_product(), buyer.email, buyer=buyer)

    response = log_in(buyer).post(f"/order/{order.public_id}/review", data={"body": "Nice"})

    html = page(response)
    choices = html.select("input[name=rating]")
    assert len(choices) == 5
    for choice in choices:
        assert choice["aria-invalid"] == "true"
        assert choice["aria-describedby"] == "rating-error"
        assert "required" in choice.attrs
    assert "Choose a rating" in html.select_one("fieldset #rating-error").text


def test_the_buy_form_and_the_test_card_form_disable_their_buttons_once_sent(client):
    product = sellable_product()
    buy_form = page(client.get(f"/product/{product.id}")).select_one("main form[method=post]")
    assert buy_form["data-disable-on-submit"]

    order = bought(product, card="4000000000000002")  # declined: its payment page still takes a card
    pay_form = page(client.get(f"/checkout/{order.public_id}")).select_one("main form[method=post]")
    assert pay_form["data-disable-on-submit"] == "Paying…"


def test_every_page_loads_the_form_script_which_knows_the_attribute(client):
    html = page(client.get("/login"))
    sources = [script["src"] for script in html.select("head script[src]")]
    assert "/static/js/forms.js" in sources
    assert all(script.has_attr("defer") for script in html.select("head script[src]"))

    script = client.get("/static/js/forms.js")
    assert script.status_code == 200
    assert "disableOnSubmit" in script.text  # data-disable-on-submit, as the DOM names it
    assert "aria-describedby" in script.text and "aria-invalid" in script.text


def test_the_product_form_shows_upload_progress_only_with_javascript(log_in, creator):
    html = page(log_in(creator).get("/product/new"))

    form = html.select_one("main form[method=post]")
    assert form.has_attr("data-upload-progress")
    assert form["enctype"] == "multipart/form-data"
    box = form.select_one("[data-upload-box]")
    assert box.has_attr("hidden")  # shown by the script; without it the plain post works
    assert box.select_one("progress") is not None
    assert "/static/js/upload-progress.js" in [script["src"] for script in html.select("head script[src]")]
    script = log_in(creator).get("/static/js/upload-progress.js").text
    assert "data-upload-progress" in script and "of " in script


def test_the_plain_product_post_still_uploads(log_in, creator):
    response = submit_form(
        log_in(creator),
        "/product/new",
        {"name": "Sample Pack", "price": "5", "file": (io.BytesIO(b"x" * 3000), "samples.zip")},
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("size", "shown"), [(1536, "1.5 KB"), (3 * 1024 * 1024 + 300 * 1024, "3.3 MB"), (900, "900 bytes")]
)
def test_the_file_size_shows_for_people_on_the_product_edit_and_library_pages(log_in, creator, size, shown):
    product = give_file(ProductFactory(store=creator.store), b"x" * size, "goods.zip")
    buyer = UserFactory()
    bought(product, buyer.email, buyer=buyer)

    assert f"goods.zip</strong> ({shown})" in log_in(creator).get(f"/product/{product.id}/edit").text
    visitor_page = page(log_in(buyer).get(f"/product/{product.id}"))
    assert shown in visitor_page.select_one(".buy-box").text
    assert shown in page(log_in(buyer).get("/library")).select_one(".list-group").text
