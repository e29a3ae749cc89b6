"""A suspended or departed user's store and products leave the site: listings, search, pages, checkout."""

import pytest

from tests.factories import ProductFactory, give_file
from yumroad.checkout.services import start_purchase
from yumroad.extensions import db
from yumroad.models import OrderStatus, User, utc_now


def hide(user: User, how: str) -> None:
    if how == "suspended":
        user.suspended_at, user.suspension_reason = utc_now(), "Selling someone else's work."
    else:
        user.deleted_at = utc_now()
    db.session.commit()


@pytest.fixture(params=["suspended", "deleted"])
def how(request):
    return request.param


@pytest.fixture
def hidden_creator_product(app, how):
    product = ProductFactory(name="Hidden Brushes", description="Brushes nobody should find")
    hide(product.creator, how)
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


def test_an_order_started_before_cannot_be_paid_any_more(app, client, how):
    product = give_file(ProductFactory())
    order = start_purchase(product, None, "buyer@example.com")
    hide(product.creator, how)

    response = client.post(f"/checkout/{order.public_id}", data={"card_number": "4242 4242 4242 4242"})

    assert response.location == "/"
    assert "no longer for sale" in client.get("/").get_data(as_text=True)
    db.session.expire_all()
    assert order.status == OrderStatus.PENDING
