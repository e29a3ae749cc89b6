"""Stripe webhook events as Stripe sends them: JSON signed with `t=...,v1=HMAC-SHA256(secret, "t.body")`."""

import hashlib
import hmac
import json
import secrets
import time

WEBHOOK_SECRET = "whsec_test_yumroad"


def payment_event(event_type: str, reference: str, amount: int, currency: str = "usd", event_id: str = "") -> dict:
    return {
        "id": event_id or f"evt_{secrets.token_hex(8)}",
        "object": "event",
        "type": event_type,
        "data": {"object": {"id": reference, "object": "payment_intent", "amount": amount, "currency": currency}},
    }


def signed(event: dict, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
    """Return the body and headers of a webhook request carrying `event`."""
    body = json.dumps(event).encode()
    moment = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{moment}.".encode() + body, hashlib.sha256).hexdigest()
    return body, {"Stripe-Signature": f"t={moment},v1={signature}", "Content-Type": "application/json"}
