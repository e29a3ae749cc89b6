"""What localstripe cannot show: the exact request Yumroad sends to Stripe, and Stripe being down.

A plain HTTP server (pytest-httpserver) stands where Stripe's API would be.
"""

import json

import pytest

from tests.apps import drop_everything, make_app
from tests.database import all_rows
from tests.factories import sellable_product
from yumroad.models import Order, OrderStatus


@pytest.fixture
def app(tmp_path, httpserver):
    app = make_app(
        tmp_path,
        PAYMENT_PROVIDER="stripe",
        STRIPE_SECRET_KEY="sk_test_yumroad",
        STRIPE_PUBLISHABLE_KEY="pk_test_yumroad",
        STRIPE_WEBHOOK_SECRET="whsec_test",
        STRIPE_API_BASE=httpserver.url_for("/").rstrip("/"),
    )
    yield app
    drop_everything(app)


def test_a_payment_intent_is_created_with_an_idempotency_key_and_the_order_in_metadata(client, httpserver):
    product = sellable_product(price_cents=1999)
    httpserver.expect_request("/v1/payment_intents", method="POST").respond_with_json(
        {"id": "pi_from_stripe", "object": "payment_intent", "client_secret": "pi_from_stripe_secret_x"}
    )

    response = client.post(f"/product/{product.id}/buy", data={"email": "buyer@example.com"})

    [order] = all_rows(Order)
    assert response.location == f"/checkout/{order.public_id}"
    assert order.provider_reference == "pi_from_stripe"
    [(request, _)] = httpserver.log
    assert request.headers["Idempotency-Key"] == f"yumroad-order-{order.public_id}"
    assert request.headers["Authorization"] == "Bearer sk_test_yumroad"
    assert request.form["amount"] == "1999"
    assert request.form["currency"] == "usd"
    assert request.form["metadata[order_id]"] == str(order.id)


def test_when_stripe_is_down_the_order_waits_and_the_buyer_is_told(client, httpserver):
    product = sellable_product()
    httpserver.expect_request("/v1/payment_intents").respond_with_data(
        json.dumps({"error": {"message": "overloaded", "type": "api_error"}}), status=500
    )

    response = client.post(f"/product/{product.id}/buy", data={"email": "buyer@example.com"})

    assert response.location == f"/product/{product.id}"
    assert "Payments are not available right now" in client.get(response.location).text
    [order] = all_rows(Order)
    assert (order.status, order.provider_reference) == (OrderStatus.PENDING, None)


def test_when_stripe_is_down_at_the_payment_page_the_buyer_is_told(client, httpserver):
    product = sellable_product()
    httpserver.expect_request("/v1/payment_intents", method="POST").respond_with_json(
        {"id": "pi_from_stripe", "object": "payment_intent", "client_secret": "pi_from_stripe_secret_x"}
    )
    httpserver.expect_request("/v1/payment_intents/pi_from_stripe", method="GET").respond_with_data(
        json.dumps({"error": {"message": "overloaded", "type": "api_error"}}), status=500
    )
    pay_page = client.post(f"/product/{product.id}/buy", data={"email": "buyer@example.com"}).location

    response = client.get(pay_page)

    assert response.location == f"/product/{product.id}"
    assert "Payments are not available right now" in client.get(response.location).text
