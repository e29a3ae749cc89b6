"""Background jobs without a worker: no REDIS_URL (or Redis down) runs every job at once, as before."""

import logging

import pytest

from tests.apps import drop_everything, make_app
from tests.browser import submit_form
from tests.database import all_rows
from tests.factories import bought, sellable_product
from tests.mailbox import emails_to, sent_emails
from tests.servers import free_port
from tests.stripe_events import WEBHOOK_SECRET, payment_event, signed
from yumroad.checkout.services import SUCCEEDED, send_receipt, send_sale_notice, send_unsent_receipts
from yumroad.extensions import db
from yumroad.jobs import describe
from yumroad.models import Order, OrderStatus

SIGN_UP = {"email": "new@example.com", "password": "long enough", "confirm": "long enough", "store_name": "Real Store"}


def test_a_receipt_or_sale_notice_sent_again_does_not_go_twice(app):
    order = bought()
    assert len(emails_to(app, "buyer@example.com")) == 1

    assert send_receipt(order.id) is False
    assert send_sale_notice(order.id) is False
    assert send_unsent_receipts() == (0, 0)

    assert len(emails_to(app, "buyer@example.com")) == 1
    assert len(emails_to(app, order.product.creator.email)) == 1
    assert all_rows(Order)[0].receipt_sent_at is not None
    assert all_rows(Order)[0].sale_notice_sent_at is not None


def test_an_unpaid_order_gets_no_receipt(app):
    order = bought(card="4000000000000002")
    assert send_receipt(order.id) is False
    assert sent_emails(app) == []


def test_send_receipts_sends_only_what_is_still_owed(app):
    order = bought()
    db.session.execute(db.update(Order).values(sale_notice_sent_at=None))
    db.session.commit()

    output = app.test_cli_runner().invoke(args=["send-receipts"]).output

    assert "Sent 0 receipts.\nSent 1 sale notice." in output
    assert len(emails_to(app, "buyer@example.com")) == 1
    assert len(emails_to(app, order.product.creator.email)) == 2


@pytest.fixture
def app_with_redis_down(tmp_path):
    app = make_app(tmp_path, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET)
    yield app
    drop_everything(app)


def test_with_redis_down_emails_go_at_once_and_the_failure_is_logged(app_with_redis_down, caplog):
    app = app_with_redis_down
    with caplog.at_level(logging.ERROR), app.test_request_context():
        order = bought()

        assert all_rows(Order)[0].status == OrderStatus.PAID
        assert [message["Subject"] for message in sent_emails(app)] == [
            f"Your receipt: {order.product.name}",
            f"You made a sale: {order.product.name}",
        ]
    assert f"could not queue send_receipt(order_id={order.id}): running it now" in caplog.text


def test_with_redis_down_a_webhook_is_handled_at_once(app_with_redis_down):
    app = app_with_redis_down
    with app.test_request_context():
        product = sellable_product(price_cents=1250)
        order = Order(
            product=product, buyer_email="b@example.com", amount_cents=1250, currency="USD", provider="stripe"
        )
        order.provider_reference = "pi_down"
        db.session.add(order)
        db.session.commit()
    body, headers = signed(payment_event(SUCCEEDED, "pi_down", 1250))

    response = app.test_client().post("/webhooks/stripe", data=body, headers=headers)

    assert response.json == {"received": True, "outcome": "paid"}
    assert len(emails_to(app, "b@example.com")) == 1


def test_with_redis_down_sign_up_still_welcomes(app_with_redis_down):
    submit_form(app_with_redis_down.test_client(), "/register", SIGN_UP)
    [welcome] = sent_emails(app_with_redis_down)
    assert welcome["Subject"] == "Welcome to Yumroad"


def test_the_worker_needs_redis(app):
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output


def test_a_job_is_described_with_its_ids():
    assert describe(send_receipt, (42,)) == "send_receipt(order_id=42)"
    assert describe(send_receipt, (1, 2)) == "send_receipt(argument 1=1, argument 2=2)"
