"""Email through a real SMTP server when MAIL_SERVER is set; the outbox folder otherwise."""

import email
import time

import pytest
from aiosmtpd.controller import Controller

from tests.apps import drop_everything, make_app
from tests.browser import submit_form
from tests.database import all_rows, count_rows
from tests.factories import bought, sellable_product
from tests.mailbox import sent_emails, text_of
from tests.servers import free_port
from yumroad.models import Order, OrderStatus, User

SIGN_UP = {"email": "new@example.com", "password": "long enough", "confirm": "long enough", "store_name": "Real Store"}


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_inbox():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def test_with_mail_server_set_mail_goes_through_smtp(tmp_path, smtp_inbox):
    inbox, port = smtp_inbox
    # Flask-Mail reads its settings when the app is made, and suppresses sending under TESTING.
    app = make_app(tmp_path, MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SUPPRESS_SEND=False)
    submit_form(app.test_client(), "/register", SIGN_UP)

    deadline = time.monotonic() + 5
    while not inbox.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    [welcome] = inbox.messages
    assert welcome["To"] == "new@example.com"
    assert welcome["Subject"] == "Welcome to Yumroad"
    assert welcome.is_multipart()
    assert {part.get_content_type() for part in welcome.walk()} >= {"text/plain", "text/html"}
    assert sent_emails(app) == []  # nothing in the outbox folder
    drop_everything(app)


def test_without_mail_server_mail_goes_to_the_outbox_and_the_console(app, client, capsys):
    submit_form(client, "/register", SIGN_UP)

    [welcome] = sent_emails(app)
    assert welcome["Subject"] == "Welcome to Yumroad"
    assert 'Your store "Real Store" is open: http://yumroad.test/store/1' in text_of(welcome)
    assert "email to new@example.com: Welcome to Yumroad" in capsys.readouterr().err


def test_a_payment_stands_when_its_receipt_cannot_be_sent(tmp_path, caplog):
    # A mail server that is down: nothing listens on this port.
    app = make_app(tmp_path, MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_SUPPRESS_SEND=False)
    client = app.test_client()
    with app.test_request_context():
        product = sellable_product()
        name = product.name
        pay_page = submit_form(
            client, f"/product/{product.id}", {"email": "buyer@example.com"}, selector="form[action$='/buy']"
        ).location

        response = submit_form(client, pay_page, {"card_number": "4242424242424242"})

        assert response.location == f"{pay_page}/done"
        [order] = all_rows(Order)
        assert order.status == OrderStatus.PAID
        assert "could not send 'Your receipt" in caplog.text
        assert client.get(response.location).status_code == 200
        assert order.receipt_sent_at is None

    # The mail server is back: the command sends what could not go out, once.
    app.config["MAIL_SERVER"] = None  # to the outbox folder this time
    assert "Sent 1 receipt." in app.test_cli_runner().invoke(args=["send-receipts"]).output
    subjects = [message["Subject"] for message in sent_emails(app)]
    assert subjects == [f"Your receipt: {name}", f"You made a sale: {name}"]
    assert "Sent 0 receipts." in app.test_cli_runner().invoke(args=["send-receipts"]).output
    drop_everything(app)


@pytest.mark.parametrize("email", ["jörg@example.de", "ünï@example.com"])
def test_sign_up_refuses_an_address_mail_cannot_reach(client, email):
    response = submit_form(client, "/register", SIGN_UP | {"email": email})
    assert "Enter a valid email address" in response.text
    assert count_rows(User) == 0


def test_fresh_links_when_mail_is_down_change_nothing(tmp_path):
    app = make_app(tmp_path, MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_SUPPRESS_SEND=False)
    client = app.test_client()
    with app.test_request_context():
        bought()

        response = submit_form(client, "/download/fresh-links", {"email": "buyer@example.com"})

        assert response.status_code == 200
        assert "We could not send email just now" in response.text
        assert all_rows(Order)[0].download_link_version == 1
    drop_everything(app)
