"""Dates people read: absolute ones in <time> on kept (cached) pages, relative ones elsewhere."""

from datetime import timedelta

from tests.browser import page
from tests.factories import UserFactory, bought, sellable_product
from yumroad.extensions import db
from yumroad.models import utc_now
from yumroad.reviews.services import save_review


def test_the_product_page_shows_absolute_dates_that_the_browser_may_reword(client):
    product = sellable_product()
    buyer = UserFactory()
    review = save_review(bought(product, buyer.email, buyer=buyer), 5, "Lovely brushes")
    review.created_at = utc_now() - timedelta(hours=3)
    db.session.commit()

    response = client.get(f"/product/{product.id}")

    assert response.headers["X-Cache"] == "miss"  # a kept page: it must not say "3 hours ago"
    html = page(response)
    assert "ago" not in html.select_one("main").text
    reviewed = html.select_one("#reviews time")
    assert reviewed["datetime"] == review.created_at.isoformat(timespec="seconds")
    assert reviewed.has_attr("data-relative")
    assert reviewed.text == review.created_at.strftime("%B %-d, %Y")
    added = html.select_one("main time:not([data-relative])")
    assert added["datetime"] == product.created_at.isoformat(timespec="seconds")
    assert "/static/js/relative-times.js" in [script["src"] for script in html.select("script[src]")]


def test_the_dashboard_and_the_sales_say_how_long_ago_an_order_came(log_in, creator):
    order = bought(sellable_product(store=creator.store))
    order.created_at = utc_now() - timedelta(hours=3, minutes=5)
    db.session.commit()
    client = log_in(creator)

    for url in ("/dashboard", f"/store/{creator.store.id}/sales"):
        moment = page(client.get(url)).select_one("main time")
        assert moment.text == "3 hours ago", url
        assert moment["datetime"] == order.created_at.isoformat(timespec="seconds")
        assert moment["title"].endswith(" UTC")


def test_the_library_says_when_it_was_bought(log_in):
    buyer = UserFactory()
    bought(sellable_product(), buyer.email, buyer=buyer)

    bought_at = page(log_in(buyer).get("/library")).select_one(".list-group time")
    assert bought_at.text == "just now"
