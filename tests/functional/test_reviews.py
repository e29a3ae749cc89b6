"""Ratings and reviews: buyers with a paid order rate what they bought, once per order."""

import pytest

from tests.browser import page, submit_form
from tests.database import all_rows, count_rows
from tests.factories import StoreFactory, UserFactory, bought, sellable_product
from yumroad.checkout.providers import TEST_CARD_DECLINED
from yumroad.extensions import db
from yumroad.models import Order, OrderStatus, Product, Review
from yumroad.reviews.services import refresh_rating


@pytest.fixture
def buyer():
    return UserFactory(email="buyer@example.com")


@pytest.fixture
def order(buyer):
    return bought(sellable_product(name="Brush Pack"), buyer.email, buyer)


def review_url(order) -> str:
    return f"/order/{order.public_id}/review"


def test_a_buyer_rates_and_reviews_from_the_library(log_in, buyer, order):
    client = log_in(buyer)
    link = page(client.get("/library")).select_one(f"a[href='{review_url(order)}']")
    assert link.text == "Rate it"

    response = submit_form(client, review_url(order), {"rating": "4", "body": "Lovely brushes.\nWorth it."})

    assert response.location == f"/product/{order.product_id}"
    [review] = all_rows(Review)
    assert (review.rating, review.body, review.author_id, review.order_id) == (
        4,
        "Lovely brushes.\nWorth it.",
        buyer.id,
        order.id,
    )
    product_page = page(client.get(response.location))
    assert "4.0 out of 5" in product_page.text
    assert "1 review" in product_page.text
    assert "Lovely brushes." in product_page.select_one("#reviews article").text
    assert "buyer@example.com" not in product_page.select_one("#reviews").text
    assert page(client.get("/library")).select_one(f"a[href='{review_url(order)}']").text == "Edit your review"


def test_a_review_is_edited_not_doubled(log_in, buyer, order):
    client = log_in(buyer)
    submit_form(client, review_url(order), {"rating": "2"})
    form = page(client.get(review_url(order)))
    assert form.select_one("input[name=rating][value='2']").has_attr("checked")

    submit_form(client, review_url(order), {"rating": "5", "body": "Changed my mind"})

    [review] = all_rows(Review)
    assert (review.rating, review.body) == (5, "Changed my mind")


def test_each_order_gets_its_own_review(log_in, buyer, order):
    second = bought(order.product, buyer.email, buyer)
    client = log_in(buyer)
    submit_form(client, review_url(order), {"rating": "5"})
    submit_form(client, review_url(second), {"rating": "3"})
    assert sorted(review.rating for review in all_rows(Review)) == [3, 5]
    assert "4.0 out of 5" in client.get(f"/product/{order.product_id}").text


@pytest.mark.parametrize(
    ("fields", "message"), [({"rating": ""}, "Choose a rating"), ({"rating": "9"}, "Not a valid choice")]
)
def test_a_rating_is_required_and_from_one_to_five(log_in, buyer, order, fields, message):
    response = submit_form(log_in(buyer), review_url(order), {"body": "kept"} | fields)
    assert message in response.text
    assert "kept" in response.text
    assert count_rows(Review) == 0


def test_only_the_buyer_of_a_paid_order_reviews_it(client, log_in, buyer, order):
    assert client.get(review_url(order)).location == f"/login?next={review_url(order)}"
    stranger = log_in(StoreFactory().user)
    assert stranger.get(review_url(order)).status_code == 404
    assert stranger.post(review_url(order), data={"rating": "1"}).status_code == 404
    declined = bought(sellable_product(), buyer.email, buyer, card=TEST_CARD_DECLINED)
    assert log_in(buyer).get(review_url(declined)).status_code == 404
    assert log_in(buyer).get("/order/nope/review").status_code == 404
    assert count_rows(Review) == 0


def test_reviews_are_paginated_newest_first(log_in, buyer):
    product = sellable_product()
    client = log_in(buyer)
    for rating in [1, 2, 3, 4, 5] * 3:
        submit_form(
            client, review_url(bought(product, buyer.email, buyer)), {"rating": str(rating), "body": f"r{rating}"}
        )

    first = page(client.get(f"/product/{product.id}"))
    assert len(first.select("#reviews article")) == 10
    assert "3.0 out of 5" in first.text
    assert "15 reviews" in first.text
    second = page(client.get(f"/product/{product.id}?reviews_page=2"))
    assert len(second.select("#reviews article")) == 5
    past_the_end = page(client.get(f"/product/{product.id}?reviews_page=9"))
    assert "No reviews on this page" in past_the_end.select_one("#reviews").text
    assert first.select_one(f"#reviews a.page-link[href='/product/{product.id}?reviews_page=2#reviews']")


def test_no_reviews_yet(client):
    product = sellable_product()
    html = page(client.get(f"/product/{product.id}"))
    assert "No reviews yet" in html.select_one("#reviews").text


def test_best_rated_first(client, log_in, buyer):
    loved, liked, _unrated = (sellable_product(name=name) for name in ("Loved Thing", "Liked Thing", "Unrated Thing"))
    client_of_buyer = log_in(buyer)
    for product, rating in ((liked, "3"), (loved, "5")):
        submit_form(client_of_buyer, review_url(bought(product, buyer.email, buyer)), {"rating": rating})
    cards = page(client.get("/product/?sort=rating")).select("main article")
    titles = [card.select_one(".card-title").text for card in cards]
    assert titles == ["Loved Thing", "Liked Thing", "Unrated Thing"]


def test_a_refund_takes_the_review_out_of_the_rating(client, log_in, buyer, order):
    submit_form(log_in(buyer), review_url(order), {"rating": "1", "body": "Refund me"})
    order.status = OrderStatus.REFUNDED
    db.session.commit()
    refresh_rating(order.product_id)
    db.session.commit()

    html = page(client.get(f"/product/{order.product_id}"))
    assert "No reviews yet" in html.select_one("#reviews").text
    assert all_rows(Product)[0].rating_count == 0


def test_a_creator_cannot_review_their_own_product(log_in, creator):
    product = sellable_product(store=creator.store)
    own = Order(product=product, buyer=creator, buyer_email=creator.email, amount_cents=0, currency="USD")
    own.provider, own.status = "free", OrderStatus.PAID
    db.session.add(own)
    db.session.commit()
    assert log_in(creator).get(review_url(own)).status_code == 404
