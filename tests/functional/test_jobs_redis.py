"""Background jobs through a real Redis and `flask worker --burst` (skipped unless TEST_REDIS_URL is set).

The test database is flushed before and after each test: give these tests a Redis database of their own.
"""

import email
import logging
import os
import signal
import time
from datetime import UTC, datetime, timedelta
from unittest.mock import Mock

import pytest
from aiosmtpd.controller import Controller
from redis import Redis
from rq import Queue
from rq.job import Job
from rq.registry import FailedJobRegistry

from tests.apps import drop_everything, make_app
from tests.browser import submit_form
from tests.database import all_rows
from tests.factories import bought, pending_stripe_order, sellable_product
from tests.mailbox import emails_to, sent_emails
from tests.servers import free_port
from tests.stripe_events import WEBHOOK_SECRET, payment_event, signed
from yumroad.checkout import services
from yumroad.checkout.services import EMAIL_CLAIM_LEASE, SUCCEEDED, send_receipt
from yumroad.extensions import db
from yumroad.jobs import enqueue
from yumroad.models import Order, OrderStatus, PaymentEvent, utc_now

QUEUE = "yumroad-test"
SIGN_UP = {"email": "new@example.com", "password": "long enough", "confirm": "long enough", "store_name": "Real Store"}


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set")
    connection = Redis.from_url(url)
    connection.flushdb()
    yield url
    connection.flushdb()
    connection.close()


def jobs_app(tmp_path, redis_url, **overrides):
    return make_app(
        tmp_path,
        REDIS_URL=redis_url,
        JOB_QUEUE=QUEUE,
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        **overrides,
    )


@pytest.fixture
def app(tmp_path, redis_url):
    app = jobs_app(tmp_path, redis_url)
    yield app
    drop_everything(app)


def queue(app) -> Queue:
    return Queue(QUEUE, connection=Redis.from_url(app.config["REDIS_URL"]))


def run_worker(app) -> str:
    """`flask worker --burst` in this process: run every job due now, then return its output."""
    signals = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    finally:
        for number, handler in signals.items():  # the worker installs its own
            signal.signal(number, handler)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_purchase_queues_its_emails_and_the_worker_sends_them(app, client):
    product = sellable_product()
    pay_page = submit_form(
        client, f"/product/{product.id}", {"email": "buyer@example.com"}, selector="form[action$='/buy']"
    ).location

    response = submit_form(client, pay_page, {"card_number": "4242424242424242"})

    assert response.location == f"{pay_page}/done"
    assert all_rows(Order)[0].status == OrderStatus.PAID
    assert sent_emails(app) == []  # queued, not sent by the request
    assert queue(app).count == 2

    run_worker(app)

    assert [message["Subject"] for message in sent_emails(app)] == [
        f"Your receipt: {product.name}",
        f"You made a sale: {product.name}",
    ]
    assert "http://yumroad.test/download/" in emails_to(app, "buyer@example.com")[0].get_body().get_content()
    order = all_rows(Order)[0]
    assert order.receipt_sent_at is not None
    assert order.sale_notice_sent_at is not None
    assert queue(app).count == 0


def test_a_receipt_job_that_runs_twice_sends_one_receipt(app):
    order = bought()
    enqueue(send_receipt, order.id)  # e.g. a retry after the first one went out

    run_worker(app)

    assert len(emails_to(app, "buyer@example.com")) == 1
    assert len(FailedJobRegistry(QUEUE, connection=queue(app).connection)) == 0


def test_sign_up_welcome_goes_through_the_worker(app, client):
    submit_form(client, "/register", SIGN_UP)
    assert sent_emails(app) == []
    run_worker(app)
    [welcome] = sent_emails(app)
    assert welcome["Subject"] == "Welcome to Yumroad"
    assert "http://yumroad.test/store/1" in welcome.get_body(preferencelist=("plain",)).get_content()


def test_fresh_links_go_through_the_worker(app, client):
    order = bought()
    response = submit_form(client, "/download/fresh-links", {"email": "buyer@example.com"}, follow_redirects=True)
    assert "fresh download links are on their way" in response.text
    assert all_rows(Order)[0].download_link_version == 1

    run_worker(app)

    assert all_rows(Order)[0].download_link_version == 2
    assert emails_to(app, order.buyer_email)[-1]["Subject"] == "Your Yumroad download links"


@pytest.fixture
def stripe_order() -> Order:
    return pending_stripe_order()


def test_a_webhook_answers_at_once_and_the_worker_fulfils_the_order(app, client, stripe_order):
    body, headers = signed(payment_event(SUCCEEDED, "pi_123", 1250))

    response = client.post("/webhooks/stripe", data=body, headers=headers)

    assert response.status_code == 200
    assert response.json == {"received": True, "outcome": "queued"}
    assert all_rows(Order)[0].status == OrderStatus.PENDING
    assert queue(app).count == 1

    run_worker(app)  # the event, which queues the two emails
    assert all_rows(Order)[0].status == OrderStatus.PAID
    run_worker(app)
    assert len(emails_to(app, "buyer@example.com")) == 1
    assert len(emails_to(app, stripe_order.product.creator.email)) == 1


def test_the_same_event_twice_through_the_worker_pays_once(app, client, stripe_order):
    body, headers = signed(payment_event(SUCCEEDED, "pi_123", 1250, event_id="evt_twice"))
    for _ in range(2):
        assert client.post("/webhooks/stripe", data=body, headers=headers).json["outcome"] == "queued"

    run_worker(app)
    run_worker(app)

    assert len(all_rows(PaymentEvent)) == 1
    assert len(emails_to(app, "buyer@example.com")) == 1


def test_a_webhook_with_a_bad_signature_queues_nothing(app, client, stripe_order):
    body, headers = signed(payment_event(SUCCEEDED, "pi_123", 1250), secret="whsec_someone_else")
    assert client.post("/webhooks/stripe", data=body, headers=headers).status_code == 400
    assert queue(app).count == 0


class Inbox:
    """A real SMTP server's handler that refuses mail to some addresses, for as long as told to."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        self.refused: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def subjects_to(self, address: str) -> list[str]:
        return [message["Subject"] for message in self.messages if message["To"] == address]


@pytest.fixture
def smtp_inbox():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def retry_delays(app) -> list[float]:
    """Run the worker; return how long after its failure each failed job is scheduled to run again.

    Measured from the failure, not from the worker's start, so that a slow machine changes nothing:
    RQ schedules to the whole second, so a delay of N seconds shows as more than N - 1, at most N
    (and a hair more, the moment between the failure and its scheduling).
    """
    run_worker(app)
    scheduled = queue(app).scheduled_job_registry
    jobs = Job.fetch_many(scheduled.get_job_ids(), connection=scheduled.connection)
    return [(scheduled.get_scheduled_time(job) - job.ended_at).total_seconds() for job in jobs]


def delay_of(seconds: int):
    """A check for what retry_delays returns: N seconds, as RQ rounds it."""
    return lambda delay: seconds - 1 < delay <= seconds + 0.9


def wait_until_due(app) -> None:
    """Sleep until every scheduled retry is due."""
    scheduled = queue(app).scheduled_job_registry
    latest = max(scheduled.get_scheduled_time(job_id) for job_id in scheduled.get_job_ids())
    time.sleep(max(0.0, (latest - datetime.now(UTC)).total_seconds()) + 0.1)


def test_a_failing_email_is_retried_with_backoff_then_kept_as_failed(tmp_path, redis_url, caplog):
    # A mail server that is down: nothing listens on this port.
    app = jobs_app(
        tmp_path,
        redis_url,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=free_port(),
        MAIL_SUPPRESS_SEND=False,
        JOB_RETRIES=2,
        JOB_RETRY_INTERVALS=[1, 3],
    )
    scheduled = queue(app).scheduled_job_registry
    with app.test_request_context():
        order = bought()
        assert all_rows(Order)[0].status == OrderStatus.PAID

        delays = retry_delays(app)  # both emails fail, and come back in a second
        assert len(delays) == 2
        assert all(map(delay_of(1), delays)), delays
        assert f"send_receipt(order_id={order.id}) failed" in caplog.text
        wait_until_due(app)

        delays = retry_delays(app)  # they fail again, and come back three seconds later: backing off
        assert len(delays) == 2
        assert all(map(delay_of(3), delays)), delays
        wait_until_due(app)

        with caplog.at_level(logging.ERROR):
            run_worker(app)  # a third failure is the last

        failed = FailedJobRegistry(QUEUE, connection=queue(app).connection)
        assert len(failed) == 2
        assert scheduled.count == 0
        assert f"send_receipt(order_id={order.id}) failed for good" in caplog.text
        assert f"send_sale_notice(order_id={order.id}) failed for good" in caplog.text
        order = all_rows(Order)[0]
        assert order.status == OrderStatus.PAID
        assert order.receipt_sent_at is None
        assert order.sale_notice_sent_at is None

    # Mail works again: the command sends what is owed, once.
    app.config["MAIL_SERVER"] = None  # to the outbox folder this time
    output = app.test_cli_runner().invoke(args=["send-receipts"]).output
    assert "Sent 1 receipt.\nSent 1 sale notice." in output
    assert len(emails_to(app, "buyer@example.com")) == 1
    assert "Sent 0 receipts." in app.test_cli_runner().invoke(args=["send-receipts"]).output
    drop_everything(app)


def test_a_retry_resends_only_the_email_that_failed(tmp_path, redis_url, smtp_inbox):
    inbox, port = smtp_inbox
    app = jobs_app(
        tmp_path,
        redis_url,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_SUPPRESS_SEND=False,
        JOB_RETRIES=1,
        JOB_RETRY_INTERVALS=[1],
    )
    with app.test_request_context():
        order = bought()
        creator = order.product.creator.email
        inbox.refused.add(creator)  # the creator's mailbox is full, for now

        run_worker(app)
        assert inbox.subjects_to("buyer@example.com") == [f"Your receipt: {order.product.name}"]
        assert inbox.subjects_to(creator) == []

        inbox.refused.clear()
        wait_until_due(app)
        run_worker(app)

        assert inbox.subjects_to("buyer@example.com") == [f"Your receipt: {order.product.name}"]
        assert inbox.subjects_to(creator) == [f"You made a sale: {order.product.name}"]
        assert all_rows(Order)[0].sale_notice_sent_at is not None
    drop_everything(app)


def test_a_bug_in_a_receipt_job_releases_its_claim_and_the_retry_sends_it_once(tmp_path, redis_url, monkeypatch):
    app = jobs_app(tmp_path, redis_url, JOB_RETRIES=1, JOB_RETRY_INTERVALS=[1])
    with app.test_request_context():
        order = bought()
        monkeypatch.setattr(services, "emailed_download_url", Mock(side_effect=RuntimeError("a bug in the receipt")))

        assert all(map(delay_of(1), retry_delays(app)))  # the receipt failed, and will be tried again

        assert emails_to(app, "buyer@example.com") == []
        assert len(emails_to(app, order.product.creator.email)) == 1
        failed = all_rows(Order)[0]
        assert (failed.receipt_sent_at, failed.receipt_claimed_at) == (None, None)

        monkeypatch.undo()  # the bug is fixed before the retry
        wait_until_due(app)
        run_worker(app)

        assert len(emails_to(app, "buyer@example.com")) == 1
        assert all_rows(Order)[0].receipt_sent_at is not None
        assert len(FailedJobRegistry(QUEUE, connection=queue(app).connection)) == 0
        assert queue(app).scheduled_job_registry.count == 0
    drop_everything(app)


@pytest.mark.parametrize(
    ("claimed_ago", "receipts"),
    [
        (EMAIL_CLAIM_LEASE + timedelta(seconds=1), 1),  # the worker that claimed it was killed: sent now
        (EMAIL_CLAIM_LEASE - timedelta(minutes=1), 0),  # another worker is sending it: not doubled
    ],
)
def test_a_receipt_job_takes_over_only_a_claim_that_ran_out(app, claimed_ago, receipts):
    order = Order(
        product=sellable_product(),
        buyer_email="buyer@example.com",
        amount_cents=1000,
        currency="USD",
        provider="test",
        status=OrderStatus.PAID,
        paid_at=utc_now(),
        receipt_claimed_at=utc_now() - claimed_ago,
        sale_notice_sent_at=utc_now(),
    )
    db.session.add(order)
    db.session.commit()
    enqueue(send_receipt, order.id)  # its retry, or the job queued again

    run_worker(app)

    assert len(emails_to(app, "buyer@example.com")) == receipts
    assert (all_rows(Order)[0].receipt_sent_at is not None) == bool(receipts)
    assert len(FailedJobRegistry(QUEUE, connection=queue(app).connection)) == 0


def test_a_webhook_job_is_retried_for_longer_than_an_email_then_kept_as_failed(
    tmp_path, redis_url, monkeypatch, caplog
):
    # Email jobs would give up after one retry; Stripe's events get two, the last two hours later.
    app = jobs_app(tmp_path, redis_url, JOB_RETRIES=1, JOB_RETRY_INTERVALS=[1], WEBHOOK_JOB_RETRY_INTERVALS=[1, 7200])
    with app.test_request_context():
        order = Order(
            product=sellable_product(price_cents=1250),
            buyer_email="buyer@example.com",
            amount_cents=1250,
            currency="USD",
            provider="stripe",
            provider_reference="pi_123",
        )
        db.session.add(order)
        db.session.commit()
    monkeypatch.setattr(services, "_fulfil", Mock(side_effect=RuntimeError("the database is down")))
    body, headers = signed(payment_event(SUCCEEDED, "pi_123", 1250))
    assert app.test_client().post("/webhooks/stripe", data=body, headers=headers).json["outcome"] == "queued"
    scheduled = queue(app).scheduled_job_registry

    assert all(map(delay_of(1), retry_delays(app)))
    wait_until_due(app)
    assert all(map(delay_of(7200), retry_delays(app)))  # still not given up: tried again two hours later
    assert "handle_payment_event(event={" in caplog.text
    assert "failed (the database is down); it will be retried" in caplog.text

    [job_id] = scheduled.get_job_ids()
    scheduled.requeue(job_id)  # two hours pass
    with caplog.at_level(logging.ERROR):
        run_worker(app)  # the third failure is the last

    assert FailedJobRegistry(QUEUE, connection=queue(app).connection).get_job_ids() == [job_id]
    assert "failed for good: the database is down; it is kept in the failed job registry" in caplog.text
    with app.app_context():
        assert all_rows(Order)[0].status == OrderStatus.PENDING
    drop_everything(app)
