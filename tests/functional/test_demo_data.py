import os

from tests.database import count_rows
from yumroad.demo import DEMO_CATALOGUE, DEMO_PASSWORD
from yumroad.models import Product, Store, User
from yumroad.pictures import pictures_folder
from yumroad.users.services import authenticate


def test_seed_demo_fills_an_empty_marketplace(app, client):
    result = app.test_cli_runner().invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    expected_products = sum(len(products) for products in DEMO_CATALOGUE.values())
    assert f"{len(DEMO_CATALOGUE)} stores, {expected_products} products" in result.output
    assert count_rows(User) == count_rows(Store) == len(DEMO_CATALOGUE)
    assert count_rows(Product) == expected_products
    assert authenticate("maya@example.com", DEMO_PASSWORD)
    assert len(os.listdir(pictures_folder())) == 2 * expected_products
    assert "Habit Tracker Printables" in client.get("/product/").text


def test_seed_demo_if_empty_leaves_a_used_database_alone(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])

    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0
    assert "no demo data added" in again.output

    refused = runner.invoke(args=["seed-demo"])
    assert refused.exit_code != 0
    assert "seed an empty database" in refused.output
    assert count_rows(User) == len(DEMO_CATALOGUE)
