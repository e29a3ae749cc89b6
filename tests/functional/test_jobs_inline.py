"""Background jobs without a worker: no REDIS_URL (or Redis down) runs every job at once, as before."""

import logging
from datetime import timedelta

import pytest

from tests.apps import drop_everything, make_app
from tests.browser import submit_form
from tests.database import all_rows
from tests.factories import bought, sellable_product
from tests.mailbox import emails_to, sent_emails
from tests.servers import free_port
from tests.stripe_events import WEBHOOK_SECRET, payment_event, signed
from yumroad.checkout import services
from yumroad.checkout.services import (
    EMAIL_CLAIM_LEASE,
    SUCCEEDED,
    send_receipt,
    send_sale_notice,
    send_unsent_receipts,
)
from yumroad.extensions import db
from yumroad.jobs import describe
from yumroad.models import Order, OrderStatus, utc_now

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


def break_receipts(monkeypatch) -> None:
    """A bug in the receipt, not the mail server: building its download link raises."""

    def broken(order):
        raise RuntimeError("a bug in the receipt")

    monkeypatch.setattr(services, "emailed_download_url", broken)


def test_a_bug_in_the_receipt_neither_fails_the_paid_order_nor_loses_the_receipt(app, client, monkeypatch, caplog):
    product = sellable_product()
    break_receipts(monkeypatch)
    pay_page = submit_form(
        client, f"/product/{product.id}", {"email": "buyer@example.com"}, selector="form[action$='/buy']"
    ).location

    response = submit_form(client, pay_page, {"card_number": "4242424242424242"})

    assert response.location == f"{pay_page}/done"
    assert client.get(response.location).status_code == 200
    [order] = all_rows(Order)
    assert order.status == OrderStatus.PAID
    assert f"send_receipt(order_id={order.id}) failed" in caplog.text
    assert "RuntimeError: a bug in the receipt" in caplog.text
    assert emails_to(app, "buyer@example.com") == []
    assert len(emails_to(app, product.creator.email)) == 1  # the sale notice still went
    assert (order.receipt_sent_at, order.receipt_claimed_at) == (None, None)  # owed, and claimed by nobody

    monkeypatch.undo()  # the bug is fixed
    output = app.test_cli_runner().invoke(args=["send-receipts"]).output

    assert "Sent 1 receipt.\nSent 0 sale notices." in output
    assert len(emails_to(app, "buyer@example.com")) == 1
    assert "Sent 0 receipts." in app.test_cli_runner().invoke(args=["send-receipts"]).output
    assert len(emails_to(app, "buyer@example.com")) == 1


def claimed_but_not_sent(order: Order, ago: timedelta) -> None:
    """The receipt claimed `ago` by a worker that never sent it (killed, or still at it)."""
    db.session.execute(
        db.update(Order).where(Order.id == order.id).values(receipt_sent_at=None, receipt_claimed_at=utc_now() - ago)
    )
    db.session.commit()


def send_receipts_command(app, order_id: int) -> bool:
    return "Sent 1 receipt." in app.test_cli_runner().invoke(args=["send-receipts"]).output


def retried_job(app, order_id: int) -> bool:
    return send_receipt(order_id)


@pytest.mark.parametrize("send_again", [send_receipts_command, retried_job])
def test_a_receipt_claimed_by_a_killed_worker_is_sent_once_when_its_claim_runs_out(app, send_again):
    order = bought()
    claimed_but_not_sent(order, EMAIL_CLAIM_LEASE + timedelta(seconds=1))

    assert send_again(app, order.id) is True

    assert len(emails_to(app, "buyer@example.com")) == 2  # the first from bought(), then this one
    assert send_unsent_receipts() == (0, 0)
    assert send_receipt(order.id) is False
    assert len(emails_to(app, "buyer@example.com")) == 2
    order = all_rows(Order)[0]
    assert order.receipt_sent_at is not None
    assert order.receipt_claimed_at is None


@pytest.mark.parametrize("send_again", [send_receipts_command, retried_job])
def test_a_receipt_another_worker_is_sending_is_not_sent_twice(app, send_again):
    order = bought()
    claimed_but_not_sent(order, EMAIL_CLAIM_LEASE - timedelta(minutes=1))

    assert send_again(app, order.id) is False

    assert len(emails_to(app, "buyer@example.com")) == 1
    order = all_rows(Order)[0]
    assert order.receipt_sent_at is None
    assert order.receipt_claimed_at is not None  # still that worker's


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
