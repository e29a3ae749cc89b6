"""Email through a real SMTP server when MAIL_SERVER is set; the outbox folder otherwise."""

import email
import time

import pytest
from aiosmtpd.controller import Controller

from tests.apps import drop_everything, make_app
from tests.browser import submit_form
from tests.mailbox import sent_emails, text_of
from tests.servers import free_port

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
    assert 'Your store "Real Store" is open: http://localhost/store/1' in text_of(welcome)
    assert "email to new@example.com: Welcome to Yumroad" in capsys.readouterr().err
