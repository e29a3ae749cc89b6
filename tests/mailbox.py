"""The emails the app kept in its outbox folder (no MAIL_SERVER in tests), read back as a mail client would."""

import os
import re
from email import message_from_binary_file, policy
from email.message import EmailMessage

from flask import Flask


def sent_emails(app: Flask) -> list[EmailMessage]:
    folder = app.config["MAIL_OUTBOX_FOLDER"]
    if not os.path.exists(folder):
        return []
    messages = []
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as eml:
            messages.append(message_from_binary_file(eml, policy=policy.default))
    return messages


def emails_to(app: Flask, address: str) -> list[EmailMessage]:
    return [message for message in sent_emails(app) if address in message["To"]]


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def links_in(message: EmailMessage) -> list[str]:
    return re.findall(r"https?://\S+", text_of(message))


def path_of(link: str) -> str:
    """The part of a full link the test client opens: '/download/abc'."""
    return re.sub(r"^https?://[^/]+", "", link)
