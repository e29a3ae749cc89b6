import os

from tests.database import all_rows, count_rows
from tests.mailbox import emails_to
from yumroad.demo import (
    DEMO_BUYER,
    DEMO_CATALOGUE,
    DEMO_DISCOUNT_CODE,
    DEMO_DRAFTS,
    DEMO_PASSWORD,
    DEMO_REVIEWS,
    DEMO_SALES,
)
from yumroad.models import DiscountCode, Order, OrderStatus, Product, Review, Store, User
from yumroad.pictures import pictures_folder
from yumroad.users.services import authenticate


def test_seed_demo_fills_an_empty_marketplace(app, client):
    result = app.test_cli_runner().invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    expected_products = sum(len(products) for products in DEMO_CATALOGUE.values())
    assert f"{len(DEMO_CATALOGUE)} stores, {expected_products} products" in result.output
    assert count_rows(Store) == len(DEMO_CATALOGUE)
    assert count_rows(User) == len(DEMO_CATALOGUE) + 1  # and the demo buyer
    assert count_rows(Product) == expected_products
    assert all(user.is_verified for user in all_rows(User))  # as if they had confirmed: they may publish
    assert authenticate("maya@example.com", DEMO_PASSWORD)
    assert len(os.listdir(pictures_folder())) == 2 * expected_products
    assert "Habit Tracker Printables" in client.get("/product/").text
    drafts = [product.name for product in all_rows(Product) if not product.is_published]
    assert drafts == sorted(DEMO_DRAFTS)
    assert all(product.file and product.file_original_name.endswith(".zip") for product in all_rows(Product))
    paid = [order for order in all_rows(Order) if order.status == OrderStatus.PAID]
    assert len(paid) == len(DEMO_SALES) + len(DEMO_REVIEWS)
    assert len(emails_to(app, DEMO_BUYER)) == len(DEMO_REVIEWS)  # the demo buyer's receipts
    assert count_rows(Review) == len(DEMO_REVIEWS)
    assert [code.code for code in all_rows(DiscountCode)] == [DEMO_DISCOUNT_CODE]
    assert authenticate(DEMO_BUYER, DEMO_PASSWORD)


def test_seed_demo_if_empty_leaves_a_used_database_alone(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])

    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0
    assert "no demo data added" in again.output

    refused = runner.invoke(args=["seed-demo"])
    assert refused.exit_code != 0
    assert "seed an empty database" in refused.output
    assert count_rows(User) == len(DEMO_CATALOGUE) + 1
