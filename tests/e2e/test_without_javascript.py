"""The core journeys with JavaScript turned off: every page is plain HTML forms and links first."""

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import (
    SUCCEEDING_CARD,
    buy,
    confirm_email_and_publish,
    create_product,
    download_from,
    find_by_search,
    sign_up,
)


@pytest.fixture
def page(open_browser):
    return open_browser(java_script_enabled=False)


def test_a_creator_publishes_without_javascript(app, page, look, tmp_path):
    sign_up(page, look, "maker@example.com", "Plain HTML Press")
    assert create_product(page, look, tmp_path, "Letterpress Alphabet", "4") == "document"
    confirm_email_and_publish(page, look, app, "maker@example.com")


def test_a_guest_buys_and_downloads_without_javascript(page, look, listed_product):
    find_by_search(page, look, "watercolour", listed_product["name"])
    buy(page, look, email="guest@example.com", card=SUCCEEDING_CARD, scripts=False)
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    assert download_from(page, page.get_by_role("link", name="Download goods.zip")).startswith(b"PK")
