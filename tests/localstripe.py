"""Talking to localstripe, the fake Stripe server the Stripe tests run (tests/servers.py starts it)."""

from typing import Any

import requests

from tests.stripe_events import WEBHOOK_SECRET

SECRET_KEY = "sk_test_yumroad"


def stripe_settings(localstripe: str) -> dict[str, Any]:
    """The app's settings for paying through localstripe, its Stripe.js stand-in included."""
    return {
        "PAYMENT_PROVIDER": "stripe",
        "STRIPE_SECRET_KEY": SECRET_KEY,
        "STRIPE_PUBLISHABLE_KEY": "pk_test_yumroad",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": localstripe,
        "STRIPE_JS_URL": f"{localstripe}/js.stripe.com/v3/",
    }


def send_webhooks_to(localstripe: str, base_url: str) -> None:
    """Have localstripe deliver its signed events to the app served at `base_url`."""
    registered = requests.post(
        f"{localstripe}/_config/webhooks/yumroad",
        data={"url": f"{base_url}/webhooks/stripe", "secret": WEBHOOK_SECRET},
        timeout=5,
    )
    registered.raise_for_status()


def stripe_api(localstripe: str, method: str, path: str, **data: Any) -> dict:
    response = requests.request(method, f"{localstripe}/v1/{path}", auth=(SECRET_KEY, ""), data=data, timeout=5)
    return response.json()


def attach_card(localstripe: str, payment_intent: str, card_number: str) -> None:
    """What Stripe.js does with the card a buyer types: make a PaymentMethod and put it on the intent."""
    method = stripe_api(
        localstripe,
        "POST",
        "payment_methods",
        type="card",
        **{"card[number]": card_number, "card[exp_month]": "12", "card[exp_year]": "2034", "card[cvc]": "123"},
    )
    stripe_api(localstripe, "POST", f"payment_intents/{payment_intent}", payment_method=method["id"])


def pay_with_card(localstripe: str, payment_intent: str, card_number: str) -> dict:
    """What Stripe.js does in the buyer's browser: attach a card to the PaymentIntent and confirm it."""
    attach_card(localstripe, payment_intent, card_number)
    return stripe_api(localstripe, "POST", f"payment_intents/{payment_intent}/confirm")
