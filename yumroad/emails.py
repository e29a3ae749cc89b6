"""Sending email: through MAIL_SERVER when it is set, else to the console and an outbox folder.

Every email has a text and an HTML part, rendered from templates/emails/<name>.txt and .html.
"""

import os
import secrets
import sys
from datetime import UTC, datetime

from flask import current_app, render_template
from flask_mail import Message

from yumroad.extensions import mail


def send_email(to: str, subject: str, template: str, **context: object) -> None:
    message = Message(
        subject=subject,
        recipients=[to],
        body=render_template(f"emails/{template}.txt", **context),
        html=render_template(f"emails/{template}.html", **context),
    )
    if current_app.config["MAIL_SERVER"]:
        mail.send(message)
    else:
        _keep_in_outbox(message)


def _keep_in_outbox(message: Message) -> None:
    """Development and tests: write the email as an .eml file, and show it on the console."""
    folder = current_app.config["MAIL_OUTBOX_FOLDER"]
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}.eml")
    with open(path, "wb") as outbox_file:
        outbox_file.write(message.as_bytes())
    print(
        f"--- email to {', '.join(message.recipients)}: {message.subject} (kept in {path})\n{message.body}\n---",
        file=sys.stderr,
    )
