"""Drafts and publishing: a draft is its creator's alone until it is published."""

import io

import pytest

from tests.browser import page, submit_form
from tests.database import all_rows, count_rows
from tests.factories import ProductFactory, StoreFactory, give_file
from tests.mailbox import emails_to, text_of
from yumroad.extensions import db
from yumroad.models import Order, Product


@pytest.fixture
def draft(creator) -> Product:
    return give_file(ProductFactory(store=creator.store, name="Secret Draft", published_at=None))


def test_a_new_product_is_a_draft(log_in, creator):
    client = log_in(creator)
    submit_form(client, "/product/new", {"name": "Fresh Idea", "price": "5", "file": (io.BytesIO(b"x"), "x.zip")})
    [product] = all_rows(Product)
    assert not product.is_published
    html = page(client.get(f"/product/{product.id}"))
    assert "Draft" in html.select_one("main .bg-light h2").text
    assert html.select_one(f"form[action='/product/{product.id}/publish'] button").text == "Publish"


@pytest.mark.parametrize("path", ["/product/{id}", "/product/{id}/edit"])
def test_a_draft_is_a_404_for_everyone_else(client, log_in, draft, path):
    assert log_in(StoreFactory().user).get(path.format(id=draft.id)).status_code == 404


def test_a_draft_is_a_404_for_anonymous_visitors(client, draft):
    assert client.get(f"/product/{draft.id}").status_code == 404
    assert client.get(f"/product/{draft.id}/edit").location.startswith("/login")  # log in first, then 404


def test_a_stranger_cannot_unpublish_a_published_product(log_in):
    product = give_file(ProductFactory())
    assert log_in(StoreFactory().user).post(f"/product/{product.id}/unpublish").status_code == 403
    db.session.expire_all()
    assert product.is_published


def test_a_draft_is_never_listed_searched_or_bought(client, draft):
    for listing in ("/", "/product/", f"/store/{draft.store.id}", "/stores"):
        assert "Secret Draft" not in client.get(listing).text
    assert "0 products" in page(client.get("/stores")).select_one("main article").text
    assert client.post(f"/product/{draft.id}/buy", data={"email": "buyer@example.com"}).status_code == 404
    assert count_rows(Order) == 0


def test_the_creator_sees_their_drafts_in_their_store(log_in, creator, draft):
    card = page(log_in(creator).get(f"/store/{creator.store.id}")).select_one("main article")
    assert "Secret Draft" in card.text
    assert "Draft" in card.select_one(".badge.text-bg-secondary").text


def test_publishing_puts_it_on_the_site_and_unpublishing_takes_it_off(client, log_in, creator, draft):
    owner = log_in(creator)

    response = owner.post(f"/product/{draft.id}/publish")

    assert response.location == f"/product/{draft.id}"
    assert "is published" in owner.get(response.location).text
    assert "Secret Draft" in client.get("/product/").text
    assert client.get(f"/product/{draft.id}").status_code == 200

    owner.post(f"/product/{draft.id}/unpublish")
    assert "Secret Draft" not in client.get("/product/").text
    assert client.get(f"/product/{draft.id}").status_code == 404


def test_a_draft_needs_a_file_or_to_be_free_with_a_description(log_in, creator):
    empty = ProductFactory(store=creator.store, published_at=None, price_cents=500)
    free_text = ProductFactory(store=creator.store, published_at=None, price_cents=0, description="Read me")
    owner = log_in(creator)

    refused = owner.post(f"/product/{empty.id}/publish")
    assert "Upload the file buyers get" in owner.get(refused.location).text
    owner.post(f"/product/{free_text.id}/publish")

    db.session.expire_all()
    assert (empty.is_published, free_text.is_published) == (False, True)


@pytest.mark.parametrize("action", ["publish", "unpublish"])
def test_only_the_owner_publishes_or_unpublishes(client, log_in, draft, action):
    assert client.post(f"/product/{draft.id}/{action}").location == "/login"
    assert log_in(StoreFactory().user).post(f"/product/{draft.id}/{action}").status_code == 404  # a draft is hidden
    assert client.get(f"/product/{draft.id}/{action}").status_code == 405
    db.session.expire_all()
    assert not draft.is_published


def test_a_buyer_keeps_what_they_bought_when_it_is_unpublished(client, log_in, creator):
    from tests.factories import bought

    product = give_file(ProductFactory(store=creator.store))
    order = bought(product)
    log_in(creator).post(f"/product/{product.id}/unpublish")
    with client.application.test_request_context():
        from yumroad.downloads.services import download_url

        link = download_url(order)
    assert client.get(link, buffered=True).status_code == 200


def test_a_free_product_with_only_a_description_can_be_published_and_got(app, client, log_in, creator):
    product = ProductFactory(
        store=creator.store, published_at=None, price_cents=0, description="The recipe: flour, water, salt."
    )
    log_in(creator).post(f"/product/{product.id}/publish")

    response = submit_form(
        client, f"/product/{product.id}", {"email": "buyer@example.com"}, selector="form[action$='/buy']"
    )

    assert response.location.endswith("/done")
    assert "in its description" in page(client.get(response.location)).text
    [order] = all_rows(Order)
    assert order.status.value == "paid"
    [receipt] = emails_to(app, "buyer@example.com")
    assert f"http://yumroad.test/product/{product.id}" in text_of(receipt)
    assert "/download/" not in text_of(receipt)
