"""A store's sales page: its owner sees every order for the store's products."""

import pytest

from tests.browser import page
from tests.factories import StoreFactory, bought, sellable_product
from yumroad.checkout.providers import TEST_CARD_DECLINED


def test_the_owner_sees_orders_and_totals(log_in, creator):
    product = sellable_product(store=creator.store, name="Brush Pack", price_cents=1250)
    bought(product, "one@example.com")
    bought(product, "two@example.com")
    bought(product, "declined@example.com", card=TEST_CARD_DECLINED)
    bought(sellable_product(name="Other Store Product"), "three@example.com")

    html = page(log_in(creator).get(f"/store/{creator.store.id}/sales"))

    rows = [[cell.text.strip() for cell in row.select("td")] for row in html.select("tbody tr")]
    assert [row[1:] for row in rows] == [
        ["Brush Pack", "declined@example.com", "$12.50", "failed"],
        ["Brush Pack", "two@example.com", "$12.50", "paid"],
        ["Brush Pack", "one@example.com", "$12.50", "paid"],
    ]
    cards = [" ".join(card.stripped_strings) for card in html.select("main .card-body")]
    assert cards == ["Paid orders 2", "Revenue $25"]


def test_sales_are_paginated(app, log_in, creator):
    app.config["ORDERS_PER_PAGE"] = 2
    product = sellable_product(store=creator.store)
    for number in range(3):
        bought(product, f"buyer{number}@example.com")
    client = log_in(creator)
    assert len(page(client.get(f"/store/{creator.store.id}/sales?page=2")).select("tbody tr")) == 1
    assert client.get(f"/store/{creator.store.id}/sales?page=3").status_code == 404


def test_no_sales_yet(log_in, creator):
    assert "No sales yet" in log_in(creator).get(f"/store/{creator.store.id}/sales").text


def test_anonymous_users_are_sent_to_log_in(client, creator):
    url = f"/store/{creator.store.id}/sales"
    assert client.get(url).location == f"/login?next={url}"


@pytest.mark.parametrize("path", ["/store/{id}/sales", "/store/{id}/sales?page=2"])
def test_other_users_get_a_403(log_in, creator, path):
    bought(sellable_product(store=creator.store), "buyer@example.com")
    response = log_in(StoreFactory().user).get(path.format(id=creator.store.id))
    assert response.status_code == 403
    assert "buyer@example.com" not in response.text


def test_an_unknown_store_is_a_404(log_in, creator):
    assert log_in(creator).get("/store/999/sales").status_code == 404
