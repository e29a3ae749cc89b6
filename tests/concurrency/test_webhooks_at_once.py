"""Two webhooks for one order at the same moment: the order is paid once, and one receipt goes."""

import pytest
import requests

from tests.concurrency.races import race
from tests.database import all_rows, count_rows
from tests.factories import pending_stripe_order
from tests.mailbox import emails_to
from tests.postgres import postgres_only
from tests.stripe_events import WEBHOOK_SECRET, payment_event, signed
from yumroad.checkout.services import SUCCEEDED
from yumroad.models import Order, OrderStatus, PaymentEvent

pytestmark = postgres_only


@pytest.fixture
def app(app):
    app.config["STRIPE_WEBHOOK_SECRET"] = WEBHOOK_SECRET
    return app


@pytest.fixture
def order() -> Order:
    return pending_stripe_order("pi_race")


def deliverer(live_app: str, event: dict):
    def deliver() -> tuple[int, str]:
        body, headers = signed(event)
        response = requests.post(f"{live_app}/webhooks/stripe", data=body, headers=headers, timeout=30)
        return response.status_code, response.json()["outcome"]

    return deliver


@pytest.mark.parametrize(
    ("same_event", "outcomes", "events_recorded"),
    [
        (False, [(200, "paid"), (200, "unchanged")], 2),  # two events (e.g. Stripe and a retry)
        (True, [(200, "duplicate"), (200, "paid")], 1),  # one event delivered twice
    ],
)
def test_two_webhooks_for_one_order_at_once_fulfil_it_once(app, live_app, order, same_event, outcomes, events_recorded):
    first = payment_event(SUCCEEDED, "pi_race", 1250)
    second = first if same_event else payment_event(SUCCEEDED, "pi_race", 1250)

    results = race(
        [deliverer(live_app, first), deliverer(live_app, second)],
        holding='SELECT id FROM "order" WHERE id = :id FOR UPDATE',
        id=order.id,
    )

    assert sorted(results) == outcomes
    [paid] = all_rows(Order)
    assert paid.status == OrderStatus.PAID
    assert paid.receipt_sent_at is not None
    assert count_rows(PaymentEvent) == events_recorded
    assert len(emails_to(app, "buyer@example.com")) == 1
    assert len(emails_to(app, paid.product.creator.email)) == 1
