"""The Stripe provider against localstripe, a stateful fake Stripe server, with its real webhooks.

localstripe runs in its own process; the app is served from a thread so that localstripe's signed
webhooks reach it over HTTP, as Stripe's would. Nothing of Yumroad's own is patched.
"""

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import requests

from tests.apps import drop_everything, make_app, shared_database_uri
from tests.browser import page, submit_form
from tests.database import all_rows
from tests.factories import sellable_product
from tests.localstripe import pay_with_card, send_webhooks_to, stripe_api, stripe_settings
from tests.mailbox import emails_to
from tests.servers import serving, wait_until
from tests.stripe_events import payment_event, signed
from yumroad.models import Order, OrderStatus


@pytest.fixture
def app(tmp_path, localstripe):
    app = make_app(
        tmp_path,
        # Not memory: the server thread and the test share the database.
        SQLALCHEMY_DATABASE_URI=shared_database_uri(tmp_path),
        **stripe_settings(localstripe),
    )
    yield app
    drop_everything(app)


@pytest.fixture
def live_app(app, localstripe):
    """The app on a real port, registered with localstripe to receive its webhooks."""
    with serving(app) as base_url:
        send_webhooks_to(localstripe, base_url)
        yield base_url


def buy(client, product) -> Order:
    response = submit_form(
        client, f"/product/{product.id}", {"email": "buyer@example.com"}, selector="form[action$='/buy']"
    )
    [order] = all_rows(Order)
    assert response.location == f"/checkout/{order.public_id}"
    return order


def status_of(order: Order) -> OrderStatus:
    return next(row.status for row in all_rows(Order) if row.id == order.id)


def test_the_buy_post_creates_a_payment_intent_for_the_order(client, localstripe):
    order = buy(client, sellable_product(price_cents=1250))

    assert order.status == OrderStatus.PENDING
    assert order.provider == "stripe"
    intent = stripe_api(localstripe, "GET", f"payment_intents/{order.provider_reference}")
    assert (intent["amount"], intent["currency"], intent["status"]) == (1250, "usd", "requires_payment_method")
    assert intent["metadata"] == {"order_id": str(order.id), "order_public_id": order.public_id}


def test_the_payment_page_confirms_with_stripe_js(client, localstripe):
    order = buy(client, sellable_product())

    html = page(client.get(f"/checkout/{order.public_id}"))

    form = html.select_one("form#payment-form")
    intent = stripe_api(localstripe, "GET", f"payment_intents/{order.provider_reference}")
    assert form["data-client-secret"] == intent["client_secret"]  # read from Stripe, never stored
    assert form["data-publishable-key"] == "pk_test_yumroad"
    scripts = [script["src"] for script in html.select("script[src]")]
    assert f"{localstripe}/js.stripe.com/v3/" in scripts
    assert "/static/js/stripe-checkout.js" in scripts
    assert "confirmCardPayment" in client.get("/static/js/stripe-checkout.js", buffered=True).text
    assert requests.get(f"{localstripe}/js.stripe.com/v3/", timeout=5).status_code == 200
    assert "TEST MODE" not in html.text


def test_the_payment_pages_content_security_policy_lets_stripe_js_run(client, localstripe):
    order = buy(client, sellable_product())

    response = client.get(f"/checkout/{order.public_id}")

    policy = dict(part.split(" ", 1) for part in response.headers["Content-Security-Policy"].split("; "))
    allowed_scripts, allowed_frames = policy["script-src"].split(), policy["frame-src"].split()
    for src in (script["src"] for script in page(response).select("script[src]")):
        assert src.startswith("/") or urlsplit(src)._replace(path="").geturl() in allowed_scripts, src
    assert localstripe in allowed_frames and "https://js.stripe.com" in allowed_frames
    assert localstripe in policy["connect-src"].split() and "https://api.stripe.com" in policy["connect-src"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_viewing_the_payment_page_creates_no_payment(client, localstripe):
    order = buy(client, sellable_product())
    for _ in range(3):
        client.get(f"/checkout/{order.public_id}")
    assert [row.provider_reference for row in all_rows(Order)] == [order.provider_reference]


def test_a_card_payment_is_fulfilled_by_localstripes_webhook(app, client, live_app, localstripe):
    order = buy(client, sellable_product(name="Brush Pack", price_cents=1250))
    assert client.get(f"/checkout/{order.public_id}/done").text.count("Waiting for your payment") == 1

    confirmed = pay_with_card(localstripe, order.provider_reference, "4242424242424242")

    assert confirmed["status"] == "succeeded"
    wait_until(lambda: status_of(order) == OrderStatus.PAID, message="the order is paid")
    wait_until(lambda: emails_to(app, "buyer@example.com"), message="the receipt is sent")  # just after the commit
    [receipt] = emails_to(app, "buyer@example.com")
    assert receipt["Subject"] == "Your receipt: Brush Pack"
    assert "Thank you!" in client.get(f"/checkout/{order.public_id}/done").text


def test_a_declined_card_fails_the_order_through_the_webhook(app, client, live_app, localstripe):
    order = buy(client, sellable_product())

    # Stripe's test card whose charge is declined (localstripe declines 4000 0000 0000 0002 only when
    # a card is attached to a customer).
    pay_with_card(localstripe, order.provider_reference, "4000000000000341")

    wait_until(lambda: status_of(order) == OrderStatus.FAILED, message="the order failed")
    assert emails_to(app, "buyer@example.com") == []


@pytest.mark.parametrize(("same_event", "outcomes"), [(True, ["duplicate", "paid"]), (False, ["paid", "unchanged"])])
def test_two_webhooks_at_once_fulfil_an_order_once(app, client, live_app, same_event, outcomes):
    order = buy(client, sellable_product(price_cents=1250))
    events = [payment_event("payment_intent.succeeded", order.provider_reference, 1250) for _ in range(2)]
    if same_event:
        events[1] = events[0]

    def deliver(event):
        body, headers = signed(event)
        return requests.post(f"{live_app}/webhooks/stripe", data=body, headers=headers, timeout=30).json()["outcome"]

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = sorted(pool.map(deliver, events))

    assert results == outcomes
    assert status_of(order) == OrderStatus.PAID
    assert len(emails_to(app, "buyer@example.com")) == 1
