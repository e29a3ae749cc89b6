"""A suspended or departed user's store and products leave the site: listings, search, pages, checkout."""

import pytest

from tests.factories import ProductFactory
from yumroad.extensions import db
from yumroad.models import utc_now


@pytest.fixture(params=["suspended", "deleted"])
def hidden_creator_product(request, app):
    product = ProductFactory(name="Hidden Brushes", description="Brushes nobody should find")
    user = product.creator
    if request.param == "suspended":
        user.suspended_at, user.suspension_reason = utc_now(), "Selling someone else's work."
    else:
        user.deleted_at = utc_now()
    db.session.commit()
    return product


def test_listings_and_search_leave_them_out(client, hidden_creator_product):
    visible = ProductFactory(name="Visible Brushes", description="Brushes anyone may find")
    for url in ("/", "/product/", "/product/?q=brushes"):
        page = client.get(url).get_data(as_text=True)
        assert f'href="/product/{visible.id}"' in page, url
        assert f'href="/product/{hidden_creator_product.id}"' not in page, url
    for url in ("/", "/stores"):
        page = client.get(url).get_data(as_text=True)
        assert f'href="/store/{visible.store.id}"' in page, url
        assert f'href="/store/{hidden_creator_product.store.id}"' not in page, url


def test_their_pages_are_gone(client, hidden_creator_product):
    assert client.get(f"/product/{hidden_creator_product.id}").status_code == 404
    assert client.get(f"/store/{hidden_creator_product.store.id}").status_code == 404


def test_nobody_can_start_buying_them(client, hidden_creator_product):
    response = client.post(f"/product/{hidden_creator_product.id}/buy", data={"email": "buyer@example.com"})
    assert response.status_code == 404
