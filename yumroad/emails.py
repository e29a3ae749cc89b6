"""Sending email: through MAIL_SERVER when it is set, else to the console and an outbox folder.

Every email has a text and an HTML part, rendered from templates/emails/<name>.txt and .html.
An email about something already saved is sent by a background job (`yumroad.jobs.enqueue`),
which raises EmailNotSent to be retried; run at once, the failure is logged and the request goes on.
"""

import logging
import os
import secrets
import sys
from datetime import UTC, datetime

from flask import current_app, render_template
from flask_mail import Message

from yumroad.extensions import mail

logger = logging.getLogger(__name__)


class EmailNotSent(Exception):
    """The mail server (or the outbox folder) refused the message."""


def send_email(to: str, subject: str, template: str, **context: object) -> None:
    """Send an email now; raise EmailNotSent if it cannot be sent.

    An address under .invalid (a name no mail can reach, RFC 2606) is the placeholder of a deleted
    account (yumroad/leaving): nothing is sent to it, and the email counts as done.
    """
    if is_unreachable(to):
        logger.info("%r not sent: its address is the placeholder of a deleted account", subject)
        return
    message = Message(
        subject=subject,
        recipients=[to],
        body=render_template(f"emails/{template}.txt", **context),
        html=render_template(f"emails/{template}.html", **context),
    )
    try:
        if current_app.config["MAIL_SERVER"]:
            mail.send(message)
        else:
            _keep_in_outbox(message)
    except Exception as error:  # SMTP errors, refused connections, headers that cannot be encoded...
        raise EmailNotSent(f"{subject!r} to {to}: {error}") from error


def is_unreachable(address: str) -> bool:
    return address.strip().lower().rstrip(".").endswith(".invalid")


def _keep_in_outbox(message: Message) -> None:
    """Development and tests: write the email as an .eml file, and show it on the console."""
    folder = current_app.config["MAIL_OUTBOX_FOLDER"]
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}.eml")
    content = message.as_bytes()  # before opening the file: a message that cannot be encoded leaves none
    with open(path, "wb") as outbox_file:
        outbox_file.write(content)
    print(
        f"--- email to {', '.join(message.recipients)}: {message.subject} (kept in {path})\n{message.body}\n---",
        file=sys.stderr,
    )
