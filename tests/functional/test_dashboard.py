"""The creator's dashboard and the sales export."""

import csv
import io
from datetime import timedelta

import pytest

from tests.browser import page
from tests.factories import StoreFactory, UserFactory, bought, give_file, sellable_product
from yumroad.checkout.providers import TEST_CARD_DECLINED
from yumroad.discounts.services import create_discount
from yumroad.extensions import db
from yumroad.models import utc_now


def sell(product, cents: int, days_ago: int = 0, email: str = "buyer@example.com"):
    order = bought(product, email)
    order.amount_cents = cents
    order.paid_at = utc_now() - timedelta(days=days_ago, minutes=1)
    db.session.commit()
    return order


@pytest.fixture
def sales(creator):
    brushes = sellable_product(store=creator.store, name="Brush Pack")
    ebook = sellable_product(store=creator.store, name="=Ebook")  # a name a spreadsheet would run
    sellable_product(store=creator.store, name="Unsold Thing")
    sell(brushes, 1000, days_ago=0)
    sell(brushes, 1000, days_ago=10)
    sell(ebook, 2550, days_ago=100)
    sell(ebook, 999, days_ago=400)
    bought(brushes, "declined@example.com", card=TEST_CARD_DECLINED)  # never counted
    sell(sellable_product(name="Someone Else's"), 7777)
    return brushes, ebook


def test_totals_per_period_per_product_and_latest_orders(log_in, creator, sales):
    html = page(log_in(creator).get("/dashboard"))

    cards = [" ".join(card.stripped_strings) for card in html.select("main .row .card-body")]
    assert cards == [
        "Last 7 days $10 1 sale",
        "Last 30 days $20 2 sales",
        "Last 365 days $45.50 3 sales",
        "All time $55.49 4 sales",
    ]
    rows = [
        [" ".join(cell.stripped_strings) for cell in row.select("td")]
        for row in html.select("#products-heading ~ div tbody tr")
    ]
    assert rows == [
        ["=Ebook", "$0 0 sales", "$0 0 sales", "$25.50 1 sale", "$35.49 2 sales"],
        ["Brush Pack", "$10 1 sale", "$20 2 sales", "$20 2 sales", "$20 2 sales"],
        ["Unsold Thing", "$0 0 sales", "$0 0 sales", "$0 0 sales", "$0 0 sales"],
    ]
    latest = html.select("#latest-heading ~ ul li")
    assert len(latest) == 5
    assert "declined@example.com" in latest[0].text
    assert "Someone Else's" not in html.text


def test_the_chart_shows_thirty_days_of_revenue_in_svg(log_in, creator, sales):
    svg = page(log_in(creator).get("/dashboard")).select_one("svg.revenue-chart")
    bars = svg.select("rect")
    assert len(bars) == 30
    titles = [bar.select_one("title").text for bar in bars]
    assert titles[-1].endswith("$10")
    assert titles[-11].endswith("$10")
    assert sum(title.endswith("$0") for title in titles) == 28
    assert "$20 in all" in svg["aria-label"]
    assert max(float(bar["height"]) for bar in bars) == 176


def test_the_csv_export_has_every_paid_order(log_in, creator, sales):
    brushes, _ = sales
    create_discount(creator.store, "FAN10", 10, None)
    sell(brushes, 900, email="fan@example.com").discount_code = creator.store.discount_codes[0]
    db.session.commit()

    response = log_in(creator).get("/dashboard/sales.csv")

    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="yumroad-sales-')
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["date", "product", "buyer_email", "amount", "currency", "discount_code"]
    assert [row[1:] for row in rows[1:]] == [
        ["'=Ebook", "buyer@example.com", "9.99", "USD", ""],
        ["'=Ebook", "buyer@example.com", "25.50", "USD", ""],
        ["Brush Pack", "buyer@example.com", "10.00", "USD", ""],
        ["Brush Pack", "buyer@example.com", "10.00", "USD", ""],
        ["Brush Pack", "fan@example.com", "9.00", "USD", "FAN10"],
    ]


def test_a_new_creator_sees_empty_states(log_in, creator):
    html = page(log_in(creator).get("/dashboard"))
    assert "No products yet" in html.text
    assert "No orders yet" in html.text
    assert "All time $0 0 sales" in [" ".join(card.stripped_strings) for card in html.select("main .row .card-body")]
    assert len(html.select("svg.revenue-chart rect")) == 30


@pytest.mark.parametrize("url", ["/dashboard", "/dashboard/sales.csv"])
def test_the_dashboard_needs_a_login_and_a_store(client, log_in, url):
    assert client.get(url).location == f"/login?next={url}"
    assert log_in(UserFactory()).get(url).location in ("/", "/dashboard")


def test_each_creator_sees_only_their_own_sales(log_in, creator, sales):
    other = log_in(StoreFactory().user)
    assert "Brush Pack" not in other.get("/dashboard").text
    assert other.get("/dashboard/sales.csv").text.strip().count("\n") == 0


def test_a_deleted_product_that_sold_stays_in_the_numbers(log_in, creator, sales):
    brushes, _ = sales
    give_file(brushes)
    log_in(creator).post(f"/product/{brushes.id}/delete")
    rows = page(log_in(creator).get("/dashboard")).select("#products-heading ~ div tbody tr")
    assert "Brush Pack" in " ".join(row.text for row in rows)
