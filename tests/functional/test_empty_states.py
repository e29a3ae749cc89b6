"""Every empty list says what to do next, with a link to do it: to whom it is shown."""

import pytest

from tests.browser import page
from tests.factories import ProductFactory, StoreFactory, UserFactory


def next_steps(response) -> dict[str, str]:
    """The links of the page's empty states, by their text."""
    assert response.status_code == 200
    boxes = page(response).select("main .empty-state")
    assert boxes, "no empty state on the page"
    return {link.text.strip(): link["href"] for box in boxes for link in box.select("a[href]")}


def test_an_empty_marketplace_invites_visitors_to_open_a_store(client):
    assert next_steps(client.get("/")) == {
        "Open your store and sell the first one": "/register",
        "Open your store": "/register",
    }
    assert next_steps(client.get("/product/")) == {"Open your store and sell the first one": "/register"}
    assert next_steps(client.get("/stores")) == {"Open your store": "/register"}


def test_an_empty_marketplace_invites_a_creator_to_add_a_product(log_in):
    client = log_in(UserFactory())
    assert next_steps(client.get("/product/")) == {"Create a product": "/product/new"}
    assert "Create the first product" in next_steps(client.get("/"))


def test_a_search_without_results_offers_everything(client):
    ProductFactory(name="Brush pack")
    html = page(client.get("/product/?q=synthesizer"))
    assert "No products match “synthesizer”" in html.select_one(".empty-state").text
    assert next_steps(client.get("/product/?q=synthesizer")) == {"Browse all products": "/product/"}


def test_an_empty_store_says_different_things_to_its_owner_and_to_visitors(client, log_in, creator):
    url = f"/store/{creator.store.id}"
    assert next_steps(log_in(creator).get(url)) == {"Create your first product": "/product/new"}
    assert next_steps(client.get(url)) == {"Browse all products": "/product/"}


def test_a_new_creator_is_told_where_sales_and_codes_come_from(log_in, creator):
    client, store_id = log_in(creator), creator.store.id

    dashboard = next_steps(client.get("/dashboard"))
    assert dashboard == {
        "Create your first product": "/product/new",
        "Go to your store": f"/store/{store_id}",
        "Make a discount code": f"/store/{store_id}/discounts",
    }
    assert next_steps(client.get(f"/store/{store_id}/sales")) == {"Go to your store": f"/store/{store_id}"}
    codes = client.get(f"/store/{store_id}/discounts")
    assert next_steps(codes) == {"Create your first code": "#code"}
    assert page(codes).select_one("form#new-code #code") is not None  # where the link leads


def test_an_empty_library_leads_to_the_products(log_in):
    assert next_steps(log_in(UserFactory()).get("/library")) == {"Browse products": "/product/"}


@pytest.mark.parametrize("owner", [True, False])
def test_a_product_without_reviews_says_how_reviews_come(client, log_in, owner):
    product = ProductFactory(store=StoreFactory())
    visitor = log_in(product.creator) if owner else client
    reviews = page(visitor.get(f"/product/{product.id}")).select_one("#reviews")

    assert "No reviews yet" in reviews.text
    if owner:
        assert "buyers rate what they bought from their library" in reviews.text
    else:
        assert reviews.select_one("a")["href"] == "/library"
