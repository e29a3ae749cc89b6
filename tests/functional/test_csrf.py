"""With CSRF protection on, as in production: forms carry a token and posts without one fail."""

import re

import pytest

from tests.browser import submit_form
from tests.database import all_rows, count_rows
from tests.factories import PASSWORD, ProductFactory, sellable_product
from yumroad.extensions import db
from yumroad.models import Order, Product, Store, User

pytestmark = pytest.mark.csrf


def test_forms_work_with_their_token(client):
    response = submit_form(
        client,
        "/register",
        {"email": "new@example.com", "password": "long enough", "confirm": "long enough", "store_name": "Real Store"},
    )
    assert response.status_code == 302
    assert db.session.scalar(db.select(User).where(User.email == "new@example.com"))

    store = db.session.scalar(db.select(Store))
    assert response.location == f"/store/{store.id}"

    edited = submit_form(client, f"/store/{store.id}/edit", {"name": "Renamed Store"})
    assert edited.location == f"/store/{store.id}"
    created = submit_form(client, "/product/new", {"name": "Token Test", "price": "1"})
    [product] = all_rows(Product)
    assert created.location == f"/product/{product.id}"
    assert (product.name, product.price_cents) == ("Token Test", 100)
    assert all_rows(Store)[0].name == "Renamed Store"


def test_posts_without_a_token_are_refused_with_a_page(client, creator):
    response = client.post("/login", data={"email": creator.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Your form expired" in response.text


def test_logging_out_needs_the_token(log_in, creator):
    client = log_in(creator)
    assert client.post("/logout").status_code == 400
    assert "Log out" in client.get("/").text

    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)
    assert client.post("/logout", data={"csrf_token": token}).location == "/"


def test_deleting_needs_the_token(log_in, creator):
    product = ProductFactory(store=creator.store)
    assert log_in(creator).post(f"/product/{product.id}/delete").status_code == 400
    assert count_rows(Product) == 1


def test_buying_needs_the_token(client):
    product = sellable_product()
    assert client.post(f"/product/{product.id}/buy", data={"email": "guest@example.com"}).status_code == 400
    assert count_rows(Order) == 0
    response = submit_form(
        client, f"/product/{product.id}", {"email": "guest@example.com"}, selector="form[action$='/buy']"
    )
    [order] = all_rows(Order)
    assert response.location == f"/checkout/{order.public_id}"


def test_the_stripe_webhook_needs_no_token_but_a_signature(client):
    response = client.post("/webhooks/stripe", data=b"{}", headers={"Stripe-Signature": "t=1,v1=bad"})
    assert response.status_code == 400
    assert response.json == {"error": "invalid webhook"}


def test_paying_and_asking_for_fresh_links_need_the_token(client):
    product = sellable_product()
    submit_form(client, f"/product/{product.id}", {"email": "guest@example.com"}, selector="form[action$='/buy']")
    [order] = all_rows(Order)
    assert client.post(f"/checkout/{order.public_id}", data={"card_number": "4242424242424242"}).status_code == 400
    assert all_rows(Order)[0].status.value == "pending"
    paid = submit_form(client, f"/checkout/{order.public_id}", {"card_number": "4242424242424242"})
    assert paid.location == f"/checkout/{order.public_id}/done"

    assert client.post("/download/fresh-links", data={"email": "guest@example.com"}).status_code == 400
    assert submit_form(client, "/download/fresh-links", {"email": "guest@example.com"}).status_code == 302


def test_a_refused_form_logs_why(client, caplog):
    """Behind a proxy that drops the Host, a refused referrer would look like an expired form."""
    form = client.get("/login", base_url="https://127.0.0.1")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form.text).group(1)
    with caplog.at_level("WARNING"):
        refused = client.post(
            "/login",
            data={"csrf_token": token, "email": "a@example.com", "password": "x"},
            base_url="https://127.0.0.1",
            headers={"Referer": "https://shop.example.test/login"},
        )

    assert refused.status_code == 400
    assert "Your form expired" in refused.text
    assert "form refused: The referrer does not match the host." in caplog.text
