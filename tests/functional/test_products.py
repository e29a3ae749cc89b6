import io
import os

import pytest

from tests.browser import field_value, page, submit_form
from tests.database import all_rows
from tests.factories import ProductFactory, StoreFactory, UserFactory
from tests.images import image_file
from yumroad.models import Product
from yumroad.pictures import pictures_folder
from yumroad.product_files import file_path, files_folder

NEW_PRODUCT = {"name": "Watercolour Brushes", "description": "48 brushes\nfor Procreate", "price": "12.50"}


def saved_products() -> list[Product]:
    return all_rows(Product)


# --- browsing ---------------------------------------------------------------------------------


def test_products_lists_every_product_newest_first(client):
    ProductFactory(name="Older Product", price_cents=0)
    newer = ProductFactory(name="Newer Product", price_cents=1999)

    html = page(client.get("/product/"))

    titles = [card.select_one(".card-title").text for card in html.select("main article")]
    assert titles == ["Newer Product", "Older Product"]
    assert "$19.99" in html.text
    assert "Free" in html.text
    assert html.select_one(f"a[href='/product/{newer.id}']")
    assert newer.store.name in html.select("main article")[0].text


def test_products_are_paginated(app, client):
    ProductFactory.create_batch(app.config["PRODUCTS_PER_PAGE"] + 1)

    first = page(client.get("/product/"))
    second = page(client.get("/product/?page=2"))

    assert len(first.select("main article")) == app.config["PRODUCTS_PER_PAGE"]
    assert len(second.select("main article")) == 1
    assert first.select_one("a.page-link[href='/product/?page=2']")


@pytest.mark.parametrize("bad_page", ["abc", "-3", "0", "", "1.5"])
def test_a_bad_page_number_shows_the_first_page(client, bad_page):
    ProductFactory(name="Only Product")
    response = client.get(f"/product/?page={bad_page}")
    assert response.status_code == 200
    assert "Only Product" in response.text


@pytest.mark.parametrize("far_page", ["5", "99999999999999999999999999"])
def test_a_page_past_the_end_is_a_404(client, far_page):
    ProductFactory()
    assert client.get(f"/product/?page={far_page}").status_code == 404


def test_products_empty_state(client):
    html = page(client.get("/product/"))
    assert "No products yet: create the first one" in html.text
    assert html.select_one("main .empty-state a[href='/register']")  # a visitor has no store yet


def test_product_page_shows_everything_about_it(client):
    product = ProductFactory(name="Flask Book", description="Line one\nLine two", price_cents=3900)

    response = client.get(f"/product/{product.id}")

    html = page(response)
    assert html.select_one("h1").text == "Flask Book"
    assert "$39" in html.select_one(".price-tag").text
    assert "Line one\nLine two" in html.select_one(".text-prewrap").text
    assert html.select_one(f"main a[href='/store/{product.store.id}']").text == product.store.name
    assert "Edit product" not in html.text
    assert not html.select("form[action$='/delete']")


def test_product_page_shows_the_picture(client, log_in, creator):
    creator_client = log_in(creator)
    uploads = {"picture": (image_file(), "cover.png"), "file": (io.BytesIO(b"zip"), "goods.zip")}
    submit_form(creator_client, "/product/new", NEW_PRODUCT | uploads)
    product = saved_products()[0]
    assert creator_client.post(f"/product/{product.id}/publish").location == f"/product/{product.id}"

    html = page(client.get(f"/product/{product.id}"))

    picture = html.select_one("main img")
    assert picture["alt"] == "Picture of Watercolour Brushes"
    served = client.get(picture["src"], buffered=True)
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age" in served.headers["Cache-Control"]


def test_unknown_product_is_a_404_in_the_layout(client):
    response = client.get("/product/4242")
    assert response.status_code == 404
    html = page(response)
    assert "We could not find that page" in html.text
    assert html.select_one("nav")


@pytest.mark.parametrize("name", ["nothing.jpg", "../../etc/passwd", "0123456789abcdef0123456789abcdef.html"])
def test_only_stored_pictures_are_served(client, name):
    assert client.get(f"/media/pictures/{name}").status_code == 404


@pytest.mark.parametrize("odd_id", ["007", "01", "\uff11", "\u0661", "0", "-1", "+1"])
def test_an_id_is_written_one_way_only(client, odd_id):
    ProductFactory()
    assert client.get(f"/product/{odd_id}").status_code == 404
    assert client.get(f"/store/{odd_id}").status_code == 404


def test_user_text_is_escaped(client):
    product = ProductFactory(name="<script>alert(1)</script>", description="<img src=x onerror=alert(2)>")
    response = client.get(f"/product/{product.id}")
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<img src=x" not in response.text
    assert "<script>alert" not in client.get("/product/").text


# --- creating ---------------------------------------------------------------------------------


def test_a_creator_creates_a_product_with_a_picture(log_in, creator):
    client = log_in(creator)

    response = submit_form(client, "/product/new", NEW_PRODUCT | {"picture": (image_file("WEBP"), "cover.webp")})

    [product] = saved_products()
    assert response.location == f"/product/{product.id}"
    assert (product.name, product.description, product.price_cents) == (
        "Watercolour Brushes",
        "48 brushes\nfor Procreate",
        1250,
    )
    assert product.creator == creator
    assert product.store == creator.store
    assert os.path.exists(os.path.join(pictures_folder(), product.picture))
    assert "is saved as a draft" in client.get(response.location).text
    assert product.published_at is None


def test_a_product_without_a_picture_is_fine(log_in, creator):
    submit_form(log_in(creator), "/product/new", NEW_PRODUCT | {"price": "0"})
    [product] = saved_products()
    assert product.picture is None
    assert product.price_cents == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "abc"}, "name", "at least 4 characters"),
        ({"name": "    "}, "name", "at least 4 characters"),
        ({"price": ""}, "price", "Enter a price such as 12.50"),
        ({"price": "-5"}, "price", "Enter a price such as 12.50"),
        ({"price": "12.505"}, "price", "Enter a price such as 12.50"),
        ({"price": "twelve"}, "price", "Enter a price such as 12.50"),
        ({"price": "1e9"}, "price", "Enter a price such as 12.50"),
        ({"price": "100000000"}, "price", "at most $100,000"),
        ({"description": "x" * 10_001}, "description", "Use at most 10,000 characters."),
        ({"picture": (io.BytesIO(b"<html><script>alert(1)</script>"), "cover.png")}, "picture", "JPEG, PNG"),
        ({"picture": (io.BytesIO(b"MZ\x90\x00 not an image"), "photo.jpg")}, "picture", "JPEG, PNG"),
    ],
)
def test_bad_input_shows_a_message_and_keeps_what_was_typed(log_in, creator, changes, field, message):
    typed = NEW_PRODUCT | changes

    response = submit_form(log_in(creator), "/product/new", typed)

    assert response.status_code == 200
    html = page(response)
    assert message in html.select_one(f"#{field} ~ .invalid-feedback").text
    assert html.select_one("#name")["value"] == typed["name"].strip()
    assert field_value(html, "#description") == typed["description"].strip()
    assert html.select_one("#price")["value"] == typed["price"]
    assert saved_products() == []


def test_a_picture_over_the_size_limit_is_refused_in_the_form(app, log_in, creator):
    app.config["MAX_PICTURE_SIZE"] = 1024
    big = image_file("PNG", size=(400, 400))
    assert len(big.getvalue()) > 1024

    response = submit_form(log_in(creator), "/product/new", NEW_PRODUCT | {"picture": (big, "big.png")})

    assert "The picture must be at most" in page(response).select_one("#picture ~ .invalid-feedback").text
    assert saved_products() == []


def test_an_upload_over_the_request_limit_gets_a_413_page(app, log_in, creator):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    response = log_in(creator).post("/product/new", data=NEW_PRODUCT | {"picture": (io.BytesIO(b"x" * 4096), "a.png")})
    assert response.status_code == 413
    assert "That upload is too large" in response.text


def test_anonymous_users_are_sent_to_log_in_to_create(client):
    assert client.get("/product/new").location == "/login?next=/product/new"
    assert client.post("/product/new", data=NEW_PRODUCT).location == "/login?next=/product/new"
    assert saved_products() == []


def test_a_user_without_a_store_is_told_why_they_cannot_create(log_in):
    client = log_in(UserFactory())
    response = client.get("/product/new")
    assert response.location == "/"
    assert "your account has none yet" in client.get("/").text
    assert client.post("/product/new", data=NEW_PRODUCT).location == "/"
    assert saved_products() == []


def test_the_new_product_link_is_in_the_nav_for_creators(log_in, creator):
    nav = page(log_in(creator).get("/")).select_one("nav")
    assert nav.select_one("a[href='/product/new']")
    assert nav.select_one(f"a[href='/store/{creator.store.id}']").text == "My store"


# --- editing ----------------------------------------------------------------------------------


def test_the_owner_edits_a_product(log_in, creator):
    product = ProductFactory(store=creator.store, price_cents=1250)
    client = log_in(creator)

    form = page(client.get(f"/product/{product.id}/edit"))
    assert form.select_one("#price")["value"] == "12.50"
    assert form.select_one("#name")["value"] == product.name

    response = submit_form(client, f"/product/{product.id}/edit", {"name": "Renamed", "price": "$1,000"})

    assert response.location == f"/product/{product.id}"
    [saved] = saved_products()
    assert (saved.name, saved.price_cents) == ("Renamed", 100000)
    assert "Your changes are saved." in client.get(response.location).text


def test_the_owner_replaces_then_removes_the_picture(log_in, creator):
    client = log_in(creator)
    submit_form(client, "/product/new", NEW_PRODUCT | {"picture": (image_file(), "first.png")})
    [product] = saved_products()
    first = product.picture
    edit_url = f"/product/{product.id}/edit"

    submit_form(client, edit_url, {"picture": (image_file("GIF"), "second.gif")})
    [product] = saved_products()
    assert product.picture not in (None, first)
    assert len(os.listdir(pictures_folder())) == 2

    submit_form(client, edit_url, {"remove_picture": "y"})
    [product] = saved_products()
    assert product.picture is None
    assert os.listdir(pictures_folder()) == []


def test_edit_with_bad_input_keeps_the_input_and_the_product(log_in, creator):
    product = ProductFactory(store=creator.store, name="Original Name")

    response = submit_form(log_in(creator), f"/product/{product.id}/edit", {"name": "Good Name", "price": "abc"})

    html = page(response)
    assert html.select_one("#name")["value"] == "Good Name"
    assert html.select_one("#price")["value"] == "abc"
    assert saved_products()[0].name == "Original Name"


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_users_are_sent_to_log_in_to_edit(client, method):
    product = ProductFactory()
    response = getattr(client, method)(f"/product/{product.id}/edit", data=NEW_PRODUCT)
    assert response.location.startswith("/login?next=")
    assert saved_products()[0].name == product.name


@pytest.mark.parametrize("method", ["get", "post"])
def test_other_users_cannot_edit_a_product(log_in, method):
    product = ProductFactory(name="Not Yours")
    stranger = log_in(StoreFactory().user)

    response = getattr(stranger, method)(f"/product/{product.id}/edit", data=NEW_PRODUCT)

    assert response.status_code == 403
    assert "This page is not yours" in response.text
    assert saved_products()[0].name == "Not Yours"


def test_editing_an_unknown_product_is_a_404(log_in, creator):
    assert log_in(creator).get("/product/999/edit").status_code == 404


# --- deleting ---------------------------------------------------------------------------------


def test_the_owner_deletes_a_product_from_its_page(log_in, creator):
    client = log_in(creator)
    submit_form(client, "/product/new", NEW_PRODUCT | {"picture": (image_file(), "cover.png")})
    [product] = saved_products()

    response = submit_form(client, f"/product/{product.id}", {}, selector="main form[action$='/delete']")

    assert response.location == f"/store/{creator.store.id}"
    [deleted] = saved_products()
    assert deleted.is_deleted
    assert os.listdir(pictures_folder()) == []
    store_page = page(client.get(response.location))
    assert "was deleted" in store_page.select_one(".alert").text
    assert not store_page.select("main article")
    assert client.get(f"/product/{product.id}").status_code == 404
    assert client.get(f"/product/{product.id}/edit").status_code == 404
    assert client.post(f"/product/{product.id}/delete").status_code == 404


def test_delete_is_post_only(log_in, creator):
    product = ProductFactory(store=creator.store)
    assert log_in(creator).get(f"/product/{product.id}/delete").status_code == 405
    assert len(saved_products()) == 1


def test_anonymous_users_cannot_delete(client):
    product = ProductFactory()
    # No ?next=: after logging in, a browser would GET the POST-only delete URL and see a 405.
    assert client.post(f"/product/{product.id}/delete").location == "/login"
    assert len(saved_products()) == 1


def test_other_users_cannot_delete(log_in):
    product = ProductFactory()
    response = log_in(StoreFactory().user).post(f"/product/{product.id}/delete")
    assert response.status_code == 403
    assert len(saved_products()) == 1


def test_deleting_an_unknown_product_is_a_404(log_in, creator):
    assert log_in(creator).post("/product/999/delete").status_code == 404


def test_a_chosen_picture_must_be_chosen_again_after_another_error(log_in, creator):
    response = submit_form(
        log_in(creator), "/product/new", NEW_PRODUCT | {"name": "abc", "picture": (image_file(), "a.png")}
    )
    assert "Choose your files again" in response.text


def test_nul_characters_are_dropped_from_text(log_in, creator):
    submit_form(log_in(creator), "/product/new", NEW_PRODUCT | {"name": "Null\x00 Byte", "description": "a\x00b"})
    [product] = saved_products()
    assert (product.name, product.description) == ("Null Byte", "ab")


# --- the file a product sells ---------------------------------------------------------------


def test_a_creator_uploads_the_file_the_product_sells(log_in, creator):
    client = log_in(creator)
    submit_form(client, "/product/new", NEW_PRODUCT | {"file": (io.BytesIO(b"%PDF-1.7 book"), "../My Book.pdf")})

    [product] = saved_products()
    assert (product.file_original_name, product.file_size) == ("My Book.pdf", 13)
    with open(file_path(product.file), "rb") as stored:
        assert stored.read() == b"%PDF-1.7 book"
    assert os.path.dirname(file_path(product.file)).endswith("uploads/files")
    assert "Buyers get My Book.pdf (13 bytes)" in page(client.get(f"/product/{product.id}")).text

    submit_form(client, f"/product/{product.id}/edit", {"file": (io.BytesIO(b"v2"), "v2.zip")})
    [product] = saved_products()
    assert product.file_original_name == "v2.zip"
    assert os.listdir(files_folder()) == [product.file]


@pytest.mark.parametrize(("content", "message"), [(b"", "The file is empty."), (b"x" * 2048, "at most 1 KB")])
def test_a_file_that_is_empty_or_too_large_is_refused(app, log_in, creator, content, message):
    app.config["MAX_PRODUCT_FILE_SIZE"] = 1024
    response = submit_form(log_in(creator), "/product/new", NEW_PRODUCT | {"file": (io.BytesIO(content), "a.zip")})
    assert message in page(response).select_one("#file ~ .invalid-feedback").text
    assert saved_products() == []
