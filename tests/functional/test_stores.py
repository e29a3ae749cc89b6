import pytest

from tests.browser import field_value, page, submit_form
from tests.factories import ProductFactory, StoreFactory, UserFactory
from yumroad.extensions import db


def test_stores_lists_every_store_with_its_product_count(client):
    busy = StoreFactory(name="Busy Store")
    StoreFactory(name="Quiet Store")
    ProductFactory.create_batch(2, store=busy)

    html = page(client.get("/stores"))

    cards = [card.text for card in html.select("main article")]
    assert "Quiet Store" in cards[0]  # newest first
    assert "0 products" in cards[0]
    assert "Busy Store" in cards[1]
    assert "2 products" in cards[1]
    assert html.select_one(f"a[href='/store/{busy.id}']")


def test_stores_are_paginated(app, client):
    StoreFactory.create_batch(app.config["STORES_PER_PAGE"] + 1)

    first = page(client.get("/stores"))
    second = page(client.get("/stores?page=2"))

    assert len(first.select("main article")) == app.config["STORES_PER_PAGE"]
    assert len(second.select("main article")) == 1
    assert first.select_one("a.page-link[href='/stores?page=2']")
    assert client.get("/stores?page=3").status_code == 404


def test_stores_empty_state(client):
    html = page(client.get("/stores"))
    assert "No stores yet" in html.text
    assert html.select_one("main a[href='/register']")


def test_store_page_shows_the_store_and_its_products(client):
    store = StoreFactory(name="Leo Writes Code", description="Books\nand cheat sheets")
    ProductFactory(store=store, name="SQL Cheat Sheets", price_cents=500)
    ProductFactory(name="Someone else's product")

    response = client.get(f"/store/{store.id}")

    html = page(response)
    assert html.select_one("h1").text == "Leo Writes Code"
    assert "Books\nand cheat sheets" in html.text
    assert "SQL Cheat Sheets" in html.text
    assert "$5" in html.text
    assert "Someone else's product" not in html.text
    assert "Edit store" not in html.text


def test_store_products_are_paginated(app, client):
    store = StoreFactory()
    ProductFactory.create_batch(app.config["PRODUCTS_PER_PAGE"] + 2, store=store)

    second = page(client.get(f"/store/{store.id}?page=2"))

    assert len(second.select("main article")) == 2
    assert second.select_one(f"a.page-link[href='/store/{store.id}?page=1']")


def test_store_page_empty_states(client, log_in, creator):
    assert "This store has no products yet" in client.get(f"/store/{creator.store.id}").text
    owner_view = page(log_in(creator).get(f"/store/{creator.store.id}"))
    assert "No products yet: create your first" in owner_view.text
    assert owner_view.select_one("main a[href='/product/new']")
    assert owner_view.select_one(f"main a[href='/store/{creator.store.id}/edit']")


def test_unknown_store_is_a_404(client):
    assert client.get("/store/4242").status_code == 404


def test_owner_edits_the_store(log_in, creator):
    client = log_in(creator)
    response = submit_form(client, f"/store/{creator.store.id}/edit", {"name": " New Name ", "description": "All new"})

    assert response.location == f"/store/{creator.store.id}"
    db.session.expire_all()
    assert (creator.store.name, creator.store.description) == ("New Name", "All new")
    assert "Your store is saved." in client.get(response.location).text


def test_edit_form_starts_with_the_current_values(log_in, creator):
    html = page(log_in(creator).get(f"/store/{creator.store.id}/edit"))
    assert html.select_one("#name")["value"] == creator.store.name
    assert field_value(html, "#description") == creator.store.description


def test_edit_with_a_short_name_keeps_the_input(log_in, creator):
    old_name = creator.store.name
    response = submit_form(log_in(creator), f"/store/{creator.store.id}/edit", {"name": "abc", "description": "kept"})

    html = page(response)
    assert response.status_code == 200
    assert "at least 4 characters" in html.select_one("#name ~ .invalid-feedback").text
    assert html.select_one("#name")["value"] == "abc"
    assert field_value(html, "#description") == "kept"
    db.session.expire_all()
    assert creator.store.name == old_name


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_users_are_sent_to_log_in_to_edit(client, creator, method):
    url = f"/store/{creator.store.id}/edit"
    response = getattr(client, method)(url, data={"name": "Hijacked"})
    assert response.location == f"/login?next=/store/{creator.store.id}/edit"
    db.session.expire_all()
    assert creator.store.name != "Hijacked"


@pytest.mark.parametrize("method", ["get", "post"])
def test_other_users_cannot_edit_a_store(log_in, creator, method):
    stranger = log_in(StoreFactory().user)
    response = getattr(stranger, method)(f"/store/{creator.store.id}/edit", data={"name": "Hijacked"})

    assert response.status_code == 403
    assert "This page is not yours" in response.text
    db.session.expire_all()
    assert creator.store.name != "Hijacked"


def test_editing_an_unknown_store_is_a_404(log_in):
    assert log_in(UserFactory()).get("/store/999/edit").status_code == 404
