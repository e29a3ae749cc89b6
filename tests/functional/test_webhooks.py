"""POST /webhooks/stripe with real signatures: no order is lost or fulfilled twice."""

import logging
import time

import pytest

from tests.database import all_rows, count_rows
from tests.factories import pending_stripe_order, sellable_product
from tests.mailbox import emails_to, sent_emails
from tests.stripe_events import WEBHOOK_SECRET, payment_event, signed
from yumroad.checkout.services import FAILED, SUCCEEDED
from yumroad.downloads.services import download_url
from yumroad.extensions import db
from yumroad.models import Order, OrderStatus, PaymentEvent, Product


@pytest.fixture
def app(app):
    app.config["STRIPE_WEBHOOK_SECRET"] = WEBHOOK_SECRET
    return app


@pytest.fixture
def order() -> Order:
    """A pending order for $12.50, as the buy POST leaves it with Stripe."""
    return pending_stripe_order()


def post(client, event, **signing):
    body, headers = signed(event, **signing)
    return client.post("/webhooks/stripe", data=body, headers=headers)


def status_of(order: Order) -> OrderStatus:
    return next(row.status for row in all_rows(Order) if row.id == order.id)


def test_a_succeeded_payment_marks_the_order_paid_and_sends_the_receipt(app, client, order):
    response = post(client, payment_event(SUCCEEDED, "pi_123", 1250))

    assert response.status_code == 200
    assert response.json == {"received": True, "outcome": "paid"}
    assert status_of(order) == OrderStatus.PAID
    assert len(emails_to(app, "buyer@example.com")) == 1
    assert len(emails_to(app, order.product.creator.email)) == 1


def test_a_failed_payment_marks_the_order_failed(app, client, order):
    assert post(client, payment_event(FAILED, "pi_123", 1250)).json["outcome"] == "failed"
    assert status_of(order) == OrderStatus.FAILED
    assert sent_emails(app) == []


@pytest.mark.parametrize(
    "signing",
    [
        {"secret": "whsec_someone_else"},
        {"timestamp": int(time.time()) - 3600},  # stale: a replayed request
    ],
)
def test_a_bad_or_stale_signature_is_a_400_and_writes_nothing(app, client, order, signing):
    response = post(client, payment_event(SUCCEEDED, "pi_123", 1250), **signing)
    assert response.status_code == 400
    assert status_of(order) == OrderStatus.PENDING
    assert count_rows(PaymentEvent) == 0
    assert sent_emails(app) == []


@pytest.mark.parametrize("headers", [{}, {"Stripe-Signature": "garbage"}, {"Stripe-Signature": "t=1,v1="}])
def test_a_missing_or_malformed_signature_is_a_400(client, order, headers):
    assert client.post("/webhooks/stripe", data=b'{"id": "evt_1"}', headers=headers).status_code == 400
    assert count_rows(PaymentEvent) == 0


def test_a_signed_body_that_is_not_an_event_is_a_400(client, order):
    for event in (["not", "an", "event"], {"type": "payment_intent.succeeded"}):
        assert post(client, event).status_code == 400


def test_without_a_webhook_secret_every_webhook_is_refused(app, client, order):
    app.config["STRIPE_WEBHOOK_SECRET"] = None
    assert post(client, payment_event(SUCCEEDED, "pi_123", 1250)).status_code == 400
    assert status_of(order) == OrderStatus.PENDING


def test_the_same_event_twice_is_handled_once(app, client, order):
    event = payment_event(SUCCEEDED, "pi_123", 1250, event_id="evt_same")

    assert post(client, event).json["outcome"] == "paid"
    assert post(client, event).json["outcome"] == "duplicate"

    assert count_rows(PaymentEvent) == 1
    assert len(emails_to(app, "buyer@example.com")) == 1


def test_two_success_events_one_after_the_other_fulfil_it_once(app, client, order):
    assert post(client, payment_event(SUCCEEDED, "pi_123", 1250)).json["outcome"] == "paid"
    assert post(client, payment_event(SUCCEEDED, "pi_123", 1250)).json["outcome"] == "unchanged"
    assert len(emails_to(app, "buyer@example.com")) == 1
    assert count_rows(Order) == 1


def test_a_late_failure_does_not_undo_a_payment(client, order):
    post(client, payment_event(SUCCEEDED, "pi_123", 1250))
    assert post(client, payment_event(FAILED, "pi_123", 1250)).json["outcome"] == "unchanged"
    assert status_of(order) == OrderStatus.PAID


def test_a_failure_then_a_success_ends_paid(client, order):
    post(client, payment_event(FAILED, "pi_123", 1250))
    assert post(client, payment_event(SUCCEEDED, "pi_123", 1250)).json["outcome"] == "paid"
    assert status_of(order) == OrderStatus.PAID


def test_an_unknown_payment_is_acknowledged_and_logged(client, order, caplog):
    with caplog.at_level(logging.WARNING):
        response = post(client, payment_event(SUCCEEDED, "pi_nobody_knows", 1250))
    assert response.status_code == 200
    assert response.json["outcome"] == "unknown order"
    assert "pi_nobody_knows" in caplog.text
    assert status_of(order) == OrderStatus.PENDING


@pytest.mark.parametrize(("amount", "currency"), [(100, "usd"), (1250, "eur"), (125000, "usd")])
def test_a_payment_of_the_wrong_amount_does_not_fulfil(app, client, order, amount, currency, caplog):
    response = post(client, payment_event(SUCCEEDED, "pi_123", amount, currency))
    assert response.json["outcome"] == "amount mismatch"
    assert status_of(order) == OrderStatus.PENDING
    assert sent_emails(app) == []
    assert "does not match" in caplog.text


def test_other_event_types_are_acknowledged_and_ignored(client, order):
    event = payment_event("customer.created", "pi_123", 1250)
    assert post(client, event).json == {"received": True, "outcome": "ignored"}
    assert count_rows(PaymentEvent) == 0


def refund_event(payment_intent: str) -> dict:
    event = payment_event("charge.refunded", "ch_1", 1250)
    event["data"]["object"] = {"id": "ch_1", "object": "charge", "payment_intent": payment_intent, "refunded": True}
    return event


def test_a_refund_marks_a_paid_order_refunded_and_stops_its_downloads(client, order):
    post(client, payment_event(SUCCEEDED, "pi_123", 1250))
    with client.application.test_request_context():
        link = download_url(all_rows(Order)[0])

    assert post(client, refund_event("pi_123")).json["outcome"] == "refunded"

    assert status_of(order) == OrderStatus.REFUNDED
    assert client.get(link).status_code == 410
    assert all_rows(Product)[0].rating_count == 0


def test_a_refund_of_an_unpaid_order_changes_nothing(client, order):
    assert post(client, refund_event("pi_123")).json["outcome"] == "unchanged"
    assert status_of(order) == OrderStatus.PENDING


@pytest.mark.parametrize("payment", [{}, {"id": None}, {"amount": 1250}])
def test_an_event_without_a_payment_id_matches_no_order(client, payment):
    # An order whose payment never started has no reference: a missing id must not match it.
    pending = Order(product=sellable_product(), buyer_email="x@example.com", amount_cents=1250, currency="USD")
    pending.provider = "stripe"
    db.session.add(pending)
    db.session.commit()
    event = payment_event(SUCCEEDED, "unused", 1250)
    event["data"]["object"] = payment

    assert post(client, event).json["outcome"] == "unknown order"
    assert all_rows(Order)[0].status == OrderStatus.PENDING


def test_the_amount_received_is_what_counts(client, order):
    event = payment_event(SUCCEEDED, "pi_123", 1250)
    event["data"]["object"]["amount_received"] = 125
    assert post(client, event).json["outcome"] == "amount mismatch"
    assert status_of(order) == OrderStatus.PENDING
