"""The account links the app emails (reset a password, confirm an address), read from the outbox or
made by hand: expired, or with their signed values changed."""

import base64
import json
import time

from flask import Flask
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from tests.mailbox import emails_to, links_in, path_of
from yumroad.accounts.tokens import LinkPurpose


def emailed_links(app: Flask, address: str, path_start: str) -> list[str]:
    """The paths of the links starting with `path_start` in the emails sent to `address`, oldest first."""
    return [path_of(link) for message in emails_to(app, address) for link in links_in(message) if path_start in link]


def emailed_link(app: Flask, address: str, path_start: str) -> str:
    """The path of the newest such link."""
    links = emailed_links(app, address, path_start)
    assert links, f"no {path_start} link was sent to {address}"
    return links[-1]


def signed_ago(app: Flask, purpose: LinkPurpose, seconds: int, *values: object) -> str:
    """A genuine token of this purpose, signed `seconds` ago."""

    class Signer(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - seconds

    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=purpose.value, signer=Signer)
    return serializer.dumps(list(values))


def with_values(token: str, *values: object) -> str:
    """The same token and signature, carrying other values (another user's id...): a forgery."""
    _payload, timestamp, signature = token.split(".")
    forged = base64.urlsafe_b64encode(json.dumps(list(values), separators=(",", ":")).encode()).rstrip(b"=")
    return ".".join([forged.decode(), timestamp, signature])


def with_a_character_changed(token: str) -> str:
    """The token with one character of its signature changed, as a bad copy would."""
    position = len(token) - 5
    replacement = "A" if token[position] != "A" else "B"
    return token[:position] + replacement + token[position + 1 :]
