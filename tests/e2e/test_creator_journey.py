"""A creator, in the browser: signs up, edits the store, creates a product with a picture and a file,
publishes it."""

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import CREATOR
from tests.e2e.journeys import confirm_email_and_publish, create_product, download_from, log_in, sign_up
from tests.factories import UserFactory, bought
from yumroad.extensions import db
from yumroad.models import Product


def test_a_creator_signs_up_edits_the_store_and_publishes_a_product(app, page: Page, look, tmp_path):
    sign_up(page, look, "maker@example.com", "Maker's Corner")

    page.get_by_role("link", name="My store").click()
    look(page, "store")
    page.get_by_role("link", name="Edit store").click()
    look(page, "store-edit")
    page.get_by_label("Description").fill("Brushes and textures for digital painters.")
    page.get_by_role("button", name="Save store").click()
    look(page, "store-saved")
    expect(page.get_by_text("Brushes and textures for digital painters.")).to_be_visible()

    assert create_product(page, look, tmp_path, "Watercolour Brush Pack", "12.50") == "xhr"  # with its progress
    expect(page.get_by_role("img", name="Picture of Watercolour Brush Pack")).to_be_visible()
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    look(page, "product-not-published-yet")
    expect(page.get_by_text("Not published yet. Confirm your email address before publishing")).to_be_visible()

    confirm_email_and_publish(page, look, app, "maker@example.com")

    page.get_by_role("link", name="Maker's Corner").first.click()
    look(page, "store-with-product")
    expect(page.get_by_role("link", name="Watercolour Brush Pack")).to_be_visible()


def test_the_creator_sees_the_sale_and_exports_it(app, page: Page, look, listed_product):
    with app.app_context():
        bought(db.session.get(Product, listed_product["id"]), email="fan@example.com")
    log_in(page, look, CREATOR)
    page.get_by_role("link", name="Dashboard").click()
    look(page, "dashboard")
    latest = page.get_by_role("region", name="Latest orders")
    expect(latest.get_by_text("fan@example.com")).to_be_visible()
    expect(latest.get_by_text(listed_product["name"])).to_be_visible()

    exported = download_from(page, page.get_by_role("link", name="Export sales (CSV)"))
    [sale] = list(csv.DictReader(io.StringIO(exported.decode("utf-8-sig"))))
    assert sale["buyer_email"] == "fan@example.com"
    assert sale["product"] == listed_product["name"]

    page.get_by_role("link", name="All orders").click()
    look(page, "sales")
    expect(page.get_by_text("fan@example.com")).to_be_visible()


@pytest.mark.parametrize(
    "path",
    ["/product/{id}/edit", "/store/{store_id}/edit", "/store/{store_id}/sales", "/store/{store_id}/discounts"],
)
def test_a_stranger_cannot_reach_the_creators_pages(app, page: Page, look, listed_product, path):
    with app.app_context():
        UserFactory(email="stranger@example.com")
    log_in(page, look, "stranger@example.com")
    response = page.goto(path.format(**listed_product))
    look(page, "refused")
    assert response.status == 403
    expect(page.get_by_role("heading", name="This page is not yours")).to_be_visible()

    page.goto(f"/product/{listed_product['id']}")
    look(page, "product-as-stranger")
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.get_by_role("button", name="Unpublish")).to_have_count(0)
