"""Rate limits on logging in, registering, buying and downloading: real limits in a test app of their own.

Every other test runs with RATELIMIT_ENABLED off (tests/apps.py); these switch it on.
"""

import os
import uuid

import pytest
from flask import Flask
from redis import Redis

from tests.apps import drop_everything, make_app
from tests.browser import page
from tests.factories import PASSWORD, UserFactory, bought, sellable_product
from tests.servers import free_port
from yumroad.downloads.services import download_url
from yumroad.errors import waiting_time

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
LIMITS = {
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_LOGIN": "3 per minute",
    "RATELIMIT_REGISTER": "2 per minute",
    "RATELIMIT_BUY": "2 per minute",
    "RATELIMIT_DOWNLOAD": "2 per minute",
    "RATELIMIT_FRESH_LINKS": "2 per minute",
}


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path, **LIMITS)
    yield app
    drop_everything(app)


def log_in_attempt(client, address: str = "127.0.0.1", **headers: str):
    data = {"email": "nobody@example.com", "password": "wrong password"}
    return client.post("/login", data=data, headers=headers, environ_base={"REMOTE_ADDR": address})


def assert_too_many_requests(response) -> None:
    assert response.status_code == 429
    html = page(response)
    assert html.select_one("h1").text == "Too many tries in a short time"
    assert "Try again in a minute." in html.text
    assert html.select_one("nav[aria-label=Main]") is not None  # the site's layout
    assert 0 < int(response.headers["Retry-After"]) <= 60


def test_logging_in_is_limited_per_address(client):
    answers = [log_in_attempt(client) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 200]  # the form, "Wrong email or password."
    assert not any("Retry-After" in answer.headers for answer in answers)  # only a refusal says when to retry

    assert_too_many_requests(log_in_attempt(client))
    assert client.get("/login").status_code == 200  # only attempts count, not opening the form
    assert log_in_attempt(client, address="192.0.2.7").status_code == 200  # someone else


def test_the_refusal_says_how_long_to_wait_for_the_limit_it_hit(tmp_path):
    app = make_app(tmp_path, **(LIMITS | {"RATELIMIT_LOGIN": "1 per hour"}))
    client = app.test_client()
    log_in_attempt(client)

    refused = log_in_attempt(client)

    assert refused.status_code == 429
    assert 3500 < int(refused.headers["Retry-After"]) <= 3600
    assert "Try again in an hour." in page(refused).text
    drop_everything(app)


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(1, "a minute"), (60, "a minute"), (61, "2 minutes"), (3599, "an hour"), (3600, "an hour"), (7000, "2 hours")],
)
def test_waiting_times_read_naturally(seconds, said):
    assert waiting_time(seconds) == said


def test_a_right_password_is_refused_too_once_over_the_limit(client):
    UserFactory(email="fan@example.com")
    for _ in range(3):
        log_in_attempt(client)

    response = client.post("/login", data={"email": "fan@example.com", "password": PASSWORD})

    assert response.status_code == 429
    assert client.get("/library").status_code == 302  # not logged in


def test_registering_is_limited(client):
    def register(number: int):
        data = {"email": f"new{number}@example.com", "password": PASSWORD, "confirm": PASSWORD}
        return client.post("/register", data={**data, "store_name": f"Store {number}"})

    assert [register(number).status_code for number in range(2)] == [302, 302]
    client.post("/logout")
    assert_too_many_requests(register(3))


def test_buying_is_limited(client):
    product = sellable_product()

    def buy():
        return client.post(f"/product/{product.id}/buy", data={"email": "buyer@example.com"})

    assert [buy().status_code for _ in range(2)] == [302, 302]
    assert_too_many_requests(buy())


def test_downloading_and_asking_for_fresh_links_are_limited(app, client):
    with app.test_request_context():
        link = download_url(bought())

    assert [client.get(link).status_code for _ in range(2)] == [200, 200]
    assert_too_many_requests(client.get(link))

    def ask_for_links():
        return client.post("/download/fresh-links", data={"email": "buyer@example.com"})

    assert [ask_for_links().status_code for _ in range(2)] == [302, 302]
    assert_too_many_requests(ask_for_links())


def test_forwarded_addresses_are_ignored_without_a_trusted_proxy(client):
    for number in range(3):
        log_in_attempt(client, **{"X-Forwarded-For": f"198.51.100.{number}"})
    assert log_in_attempt(client, **{"X-Forwarded-For": "198.51.100.99"}).status_code == 429


def test_behind_a_trusted_proxy_each_forwarded_address_has_its_own_limit(tmp_path):
    app = make_app(tmp_path, **LIMITS, TRUSTED_PROXIES=1)
    client = app.test_client()
    for _ in range(3):
        log_in_attempt(client, address="10.0.0.1", **{"X-Forwarded-For": "198.51.100.1"})

    assert log_in_attempt(client, address="10.0.0.1", **{"X-Forwarded-For": "198.51.100.1"}).status_code == 429
    assert log_in_attempt(client, address="10.0.0.1", **{"X-Forwarded-For": "198.51.100.2"}).status_code == 200
    drop_everything(app)


def test_limits_are_off_in_the_other_tests(tmp_path):
    app = make_app(tmp_path)
    client = app.test_client()
    assert app.config["RATELIMIT_ENABLED"] is False
    assert {log_in_attempt(client).status_code for _ in range(30)} == {200}
    drop_everything(app)


def test_a_limit_that_does_not_parse_stops_the_app_starting(tmp_path):
    with pytest.raises(RuntimeError, match="RATELIMIT_BUY must read like '10 per minute;50 per hour', not 'lots'"):
        make_app(tmp_path, RATELIMIT_BUY="lots")


def test_limits_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("RATELIMIT_LOGIN", "1 per hour")
    monkeypatch.setenv("RATELIMIT_ENABLED", "true")
    app = make_app(tmp_path, RATELIMIT_ENABLED=True)
    client = app.test_client()

    assert app.config["RATELIMIT_LOGIN"] == "1 per hour"
    assert log_in_attempt(client).status_code == 200
    assert log_in_attempt(client).status_code == 429
    drop_everything(app)


def test_with_redis_down_limits_fall_back_to_memory_and_nothing_breaks(tmp_path, caplog):
    app = make_app(tmp_path, **LIMITS, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    client = app.test_client()

    assert [log_in_attempt(client).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert "Rate limit storage unreachable" in caplog.text
    drop_everything(app)


@pytest.mark.skipif(TEST_REDIS_URL is None, reason="TEST_REDIS_URL is not set")
def test_in_redis_the_count_is_shared_by_every_worker(tmp_path):
    """Two apps on one Redis, as two gunicorn workers would be: the limit holds across both."""
    prefix = f"yumroad-test-{uuid.uuid4().hex}"
    settings = {**LIMITS, "REDIS_URL": TEST_REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    workers: list[Flask] = [make_app(tmp_path / "one", **settings), make_app(tmp_path / "two", **settings)]
    redis = Redis.from_url(TEST_REDIS_URL)
    try:
        one, two = (worker.test_client() for worker in workers)
        assert [log_in_attempt(client).status_code for client in (one, two, one)] == [200, 200, 200]
        assert log_in_attempt(two).status_code == 429
        assert redis.keys(f"*{prefix}*")  # counted in Redis, not in either process
    finally:
        for key in redis.scan_iter(f"*{prefix}*"):
            redis.delete(key)
        redis.close()
        for worker in workers:
            drop_everything(worker)
