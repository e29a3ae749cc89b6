"""Payment providers: one interface, two implementations, chosen by PAYMENT_PROVIDER.

- `test` (the default): payments happen on a page inside the app, marked "test mode", with the
  card numbers Stripe uses in its own test mode.
- `stripe`: a PaymentIntent per order, confirmed in the browser by Stripe.js.

Either way the order is fulfilled by `checkout.services.handle_payment_event`, from Stripe's webhook
or from the test-mode payment page.
"""

import secrets
from typing import Protocol

import stripe
from flask import current_app

from yumroad.models import Order

TEST_CARD_SUCCEEDS = "4242424242424242"
TEST_CARD_DECLINED = "4000000000000002"


class PaymentProviderUnavailable(Exception):
    """The provider could not start a payment (network, keys, or its own outage)."""


class PaymentProvider(Protocol):
    name: str

    def start_payment(self, order: Order) -> str:
        """Start paying for an order; return the provider's id for the payment."""

    def client_secret(self, order: Order) -> str | None:
        """What the payment page needs to confirm the payment, if anything (read, never stored)."""


class TestModeProvider:
    name = "test"

    def start_payment(self, order: Order) -> str:
        return f"pi_test_{secrets.token_hex(12)}"

    def client_secret(self, order: Order) -> str | None:
        return None


class StripeProvider:
    name = "stripe"

    def __init__(self, secret_key: str, api_base: str | None) -> None:
        addresses = {"api": api_base} if api_base else None
        self.client = stripe.StripeClient(secret_key, base_addresses=addresses, max_network_retries=2)

    def start_payment(self, order: Order) -> str:
        try:
            intent = self.client.v1.payment_intents.create(
                params={
                    "amount": order.amount_cents,
                    "currency": order.currency.lower(),
                    "payment_method_types": ["card"],
                    "metadata": {"order_id": str(order.id), "order_public_id": order.public_id},
                },
                # Asking twice for one order (a retried request) gives back the same PaymentIntent.
                options={"idempotency_key": f"yumroad-order-{order.public_id}"},
            )
        except stripe.StripeError as error:
            raise PaymentProviderUnavailable(str(error)) from error
        return intent.id

    def client_secret(self, order: Order) -> str | None:
        try:
            return self.client.v1.payment_intents.retrieve(order.provider_reference).client_secret
        except stripe.StripeError as error:
            raise PaymentProviderUnavailable(str(error)) from error


def payment_provider() -> PaymentProvider:
    """Return the provider that PAYMENT_PROVIDER names."""
    config = current_app.config
    if config["PAYMENT_PROVIDER"] == "stripe":
        return StripeProvider(config["STRIPE_SECRET_KEY"], config["STRIPE_API_BASE"])
    return TestModeProvider()
