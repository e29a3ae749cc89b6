"""The page cache: anonymous pages are kept whole, and dropped as soon as what they show changes."""

import logging
import os
import socket

import pytest
from sqlalchemy import update

from tests.apps import drop_everything, make_app
from tests.browser import field_value, submit_form
from tests.browser import page as browser_page
from tests.factories import ProductFactory, StoreFactory, bought, give_file
from tests.servers import free_port
from yumroad.caching import _csrf_placeholder, cache_settings
from yumroad.checkout.providers import TEST_CARD_SUCCEEDS
from yumroad.checkout.services import pay_in_test_mode, start_purchase
from yumroad.extensions import cache, db
from yumroad.models import Order, OrderStatus, Product
from yumroad.reviews.services import save_review

CACHED_PAGES = ["/", "/product/", "/product/?q=book", "/stores", "/store/{store_id}", "/product/{product_id}"]


@pytest.fixture
def product() -> Product:
    return give_file(ProductFactory(name="The Bread Book", price_cents=1500))


def urls(product: Product) -> list[str]:
    return [page.format(store_id=product.store.id, product_id=product.id) for page in CACHED_PAGES]


def test_a_second_anonymous_visit_is_served_from_the_cache_without_sql(client, product, count_queries):
    for url in urls(product):
        first = client.get(url)
        with count_queries() as statements:
            second = client.get(url)

        assert (first.status_code, second.status_code) == (200, 200), url
        assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "hit"), url
        assert second.text == first.text, url
        assert "frame-ancestors 'none'" in second.headers["Content-Security-Policy"], url
        assert second.headers["X-Request-ID"] != first.headers["X-Request-ID"], url
        assert statements == [], url


def test_editing_a_product_shows_at_once(client, log_in, product):
    assert "The Bread Book" in client.get(f"/product/{product.id}").text
    assert "The Bread Book" in client.get("/product/").text

    owner = log_in(product.creator)
    submit_form(owner, f"/product/{product.id}/edit", {"name": "The Rye Book"})

    for url in (f"/product/{product.id}", "/product/", f"/store/{product.store.id}"):
        page = client.get(url)
        assert page.headers["X-Cache"] == "miss", url
        assert "The Rye Book" in page.text and "The Bread Book" not in page.text, url


def test_a_bulk_update_makes_kept_pages_stale(client, product):
    client.get(f"/product/{product.id}")

    db.session.execute(update(Product).where(Product.id == product.id).values(name="Renamed in bulk"))
    db.session.commit()

    assert "Renamed in bulk" in client.get(f"/product/{product.id}").text


def test_a_sale_and_a_review_show_at_once(client, product):
    client.get(f"/product/{product.id}")
    order = bought(product, "reader@example.com", StoreFactory().user)

    save_review(order, 4, "Crusty and good")

    page = client.get(f"/product/{product.id}")
    assert page.headers["X-Cache"] == "miss"
    assert "Crusty and good" in page.text


def test_a_payment_makes_kept_pages_stale_but_a_pending_order_does_not(client, product):
    client.get("/product/?sort=popular")
    order = start_purchase(product, None, "buyer@example.com")
    assert client.get("/product/?sort=popular").headers["X-Cache"] == "hit"

    pay_in_test_mode(order, TEST_CARD_SUCCEEDS)  # a conditional UPDATE of the order's status

    assert client.get("/product/?sort=popular").headers["X-Cache"] == "miss"
    order.download_count += 1  # a change to an order that no page shows
    db.session.commit()
    assert client.get("/product/?sort=popular").headers["X-Cache"] == "hit"
    order.status = OrderStatus.REFUNDED  # a status changed through the ORM
    db.session.commit()
    assert client.get("/product/?sort=popular").headers["X-Cache"] == "miss"


def test_made_up_query_arguments_are_not_kept(client, product):
    for junk in range(3):
        page = client.get(f"/product/?q=bread&junk={junk}")
        assert page.status_code == 200
        assert "X-Cache" not in page.headers
    client.get("/product/?sort=newest&q=bread")
    assert client.get("/product/?q=bread&sort=newest").headers["X-Cache"] == "hit"  # the same page, kept once


def test_the_csrf_placeholder_is_a_secret_no_visitor_can_plant(app):
    """A known placeholder, sent as ?q=, would come back from the cache as the next visitor's token."""
    with app.test_request_context():
        placeholder = _csrf_placeholder()
        app.secret_key = "another-secret-key"
        assert _csrf_placeholder() != placeholder
    assert app.config["SECRET_KEY"] not in placeholder


def test_a_rolled_back_change_keeps_the_kept_pages(client, product):
    client.get("/product/")
    product.name = "Never saved"
    db.session.flush()
    db.session.rollback()

    assert client.get("/product/").headers["X-Cache"] == "hit"


def test_logged_in_pages_are_never_kept_nor_served_from_the_cache(client, log_in, product):
    client.get(f"/product/{product.id}")  # kept for visitors
    owner = log_in(product.creator)

    for url in urls(product):
        for _ in range(2):
            page = owner.get(url)
            assert "X-Cache" not in page.headers, url
            assert product.creator.email in page.text, url
    assert product.creator.email not in client.get(f"/product/{product.id}").text


def test_a_visitor_with_a_flashed_message_sees_it_and_it_is_not_kept(client, log_in, product):
    visitor = log_in(product.creator)
    visitor.post("/logout")  # flashes "You are logged out."
    client.get("/")

    page = visitor.get("/")

    assert "X-Cache" not in page.headers
    assert "logged out" in page.text
    assert "logged out" not in client.get("/").text


def test_missing_pages_and_drafts_are_not_kept(client, product):
    draft = ProductFactory(published_at=None)
    for url in (f"/product/{draft.id}", "/product/999999", "/store/999999"):
        assert client.get(url).status_code == 404
        assert "X-Cache" not in client.get(url).headers


@pytest.mark.csrf
def test_each_visitor_gets_their_own_csrf_token_from_a_kept_page(app, product):
    first, second = app.test_client(), app.test_client()

    first_page = first.get(f"/product/{product.id}")
    second_page = second.get(f"/product/{product.id}")

    assert second_page.headers["X-Cache"] == "hit"
    tokens = [field_value(browser_page(page), "form input[name=csrf_token]") for page in (first_page, second_page)]
    assert tokens[0] != tokens[1]
    assert "csrf-" not in second_page.text
    bought_page = second.post(
        f"/product/{product.id}/buy", data={"csrf_token": tokens[1], "email": "second@example.com"}
    )
    assert bought_page.status_code == 302
    assert db.session.scalar(db.select(Order.buyer_email)) == "second@example.com"


def test_an_unreachable_cache_serves_pages_uncached(tmp_path, caplog):
    app = make_app(tmp_path, CACHE_TYPE="RedisCache", CACHE_REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    try:
        with app.app_context():
            product = ProductFactory(name="Still Here")
            product_id = product.id
        with caplog.at_level(logging.WARNING):
            page = app.test_client().get(f"/product/{product_id}")
    finally:
        drop_everything(app)

    assert page.status_code == 200
    assert "Still Here" in page.text
    assert "page cache unreachable" in caplog.text


def test_a_redis_that_hangs_is_given_up_on_and_the_page_served(tmp_path, caplog):
    """A server that takes the connection and never answers, as a stuck Redis does."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        app = make_app(tmp_path, CACHE_TYPE=None, REDIS_URL=f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        try:
            with app.app_context():
                product_id = ProductFactory(name="Served Anyway").id
            with caplog.at_level(logging.WARNING):
                page = app.test_client().get(f"/product/{product_id}")
        finally:
            drop_everything(app)

    assert app.config["CACHE_OPTIONS"] == {"socket_timeout": 0.25, "socket_connect_timeout": 0.25}
    assert page.status_code == 200 and "Served Anyway" in page.text
    assert "page cache unreachable" in caplog.text


def test_the_cache_is_redis_when_set_else_a_folder_and_zero_turns_it_off():
    base = {"PAGE_CACHE_SECONDS": 60, "REDIS_URL": None}

    assert cache_settings(base, "/srv/instance") == {
        "CACHE_DEFAULT_TIMEOUT": 60,
        "CACHE_KEY_PREFIX": "yumroad:",
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": "/srv/instance/page-cache",
    }
    assert cache_settings(base | {"REDIS_URL": "redis://cache:6379/0"}, "/srv/instance")["CACHE_TYPE"] == "RedisCache"
    assert cache_settings(base | {"PAGE_CACHE_SECONDS": 0}, "/srv/instance") == {
        "CACHE_TYPE": "NullCache",
        "CACHE_NO_NULL_WARNING": True,
    }


def folder_cache(tmp_path) -> dict:
    return {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(tmp_path / "page-cache")}


def redis_cache(tmp_path) -> dict:
    if not os.environ.get("TEST_REDIS_URL"):
        pytest.skip("TEST_REDIS_URL is not set")
    prefix = f"yumroad-test-{tmp_path.name}:"
    return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": os.environ["TEST_REDIS_URL"], "CACHE_KEY_PREFIX": prefix}


@pytest.mark.parametrize("shared_cache", [folder_cache, redis_cache])
def test_processes_sharing_a_cache_see_each_others_changes(tmp_path, shared_cache):
    """Two apps on one database and one cache stand for two gunicorn workers."""
    settings = shared_cache(tmp_path) | {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'shared.db'}"}
    reader, writer = make_app(tmp_path, **settings), make_app(tmp_path, **settings)
    try:
        with writer.app_context():
            product_id = ProductFactory(name="First Name").id
        assert "First Name" in reader.test_client().get(f"/product/{product_id}").text
        assert reader.test_client().get(f"/product/{product_id}").headers["X-Cache"] == "hit"

        with writer.app_context():
            db.session.get(Product, product_id).name = "Second Name"
            db.session.commit()

        assert "Second Name" in reader.test_client().get(f"/product/{product_id}").text
    finally:
        with reader.app_context():
            cache.clear()
        drop_everything(writer)
        drop_everything(reader)
