"""Buying: pending orders, payments that end in one fulfilment function, receipts."""

import json
import logging
import secrets
from typing import Any

import stripe
from flask import current_app, url_for
from sqlalchemy.exc import IntegrityError

from yumroad.checkout.providers import (
    TEST_CARD_DECLINED,
    TEST_CARD_SUCCEEDS,
    PaymentProviderUnavailable,
    payment_provider,
)
from yumroad.downloads.services import download_url
from yumroad.emails import send_email_after_commit
from yumroad.extensions import db
from yumroad.models import Order, OrderStatus, PaymentEvent, Product, User, utc_now

logger = logging.getLogger(__name__)

SUCCEEDED = "payment_intent.succeeded"
FAILED = "payment_intent.payment_failed"


class CannotBuyOwnProduct(Exception):
    """Creators cannot buy their own products."""


class ProductNotForSale(Exception):
    """The product has no file to deliver yet."""


class PaymentUnavailable(Exception):
    """The payment provider could not start the payment; the order stays pending, unpaid."""


class UnknownTestCard(ValueError):
    """Test mode knows two cards only."""


class InvalidWebhook(Exception):
    """A webhook whose signature, timestamp or body does not check out."""


def start_purchase(product: Product, buyer: User | None, email: str) -> Order:
    """Write a pending order for `email` (and `buyer`, if logged in), then start its payment.

    A free product is fulfilled at once.

    Raises CannotBuyOwnProduct, ProductNotForSale, and PaymentUnavailable.
    """
    if product.is_owned_by(buyer):
        raise CannotBuyOwnProduct(product.id)
    if not product.is_for_sale:
        raise ProductNotForSale(product.id)
    provider = payment_provider()
    order = Order(
        product=product,
        buyer=buyer,
        buyer_email=email,
        amount_cents=product.price_cents,
        currency=product.currency,
        provider="free" if product.price_cents == 0 else provider.name,
    )
    db.session.add(order)
    db.session.commit()  # the order exists before the buyer leaves to pay: it cannot be lost
    if order.amount_cents == 0:
        _fulfil(order)
        return order
    try:
        started = provider.start_payment(order)
    except PaymentProviderUnavailable as error:
        logger.warning("could not start the payment of order %s: %s", order.id, error)
        raise PaymentUnavailable(order.public_id) from error
    order.provider_reference = started.reference
    order.provider_client_secret = started.client_secret
    db.session.commit()
    return order


def pay_in_test_mode(order: Order, card_number: str) -> str:
    """Pay with a test card, through the same event handling as Stripe's webhook.

    Raises UnknownTestCard. Returns what `handle_payment_event` returns.
    """
    digits = "".join(character for character in card_number if character.isdigit())
    if digits not in (TEST_CARD_SUCCEEDS, TEST_CARD_DECLINED):
        raise UnknownTestCard(card_number)
    event = {
        "id": f"evt_test_{secrets.token_hex(12)}",
        "type": SUCCEEDED if digits == TEST_CARD_SUCCEEDS else FAILED,
        "data": {
            "object": {
                "id": order.provider_reference,
                "amount": order.amount_cents,
                "currency": order.currency.lower(),
                "metadata": {"order_id": str(order.id)},
            }
        },
    }
    return handle_payment_event(event)


def verify_stripe_webhook(payload: bytes, signature_header: str | None) -> dict[str, Any]:
    """Return the event in a webhook whose Stripe signature is good and recent; raise InvalidWebhook."""
    secret = current_app.config["STRIPE_WEBHOOK_SECRET"]
    if not secret or not signature_header:
        raise InvalidWebhook("no signature, or no STRIPE_WEBHOOK_SECRET to check it with")
    try:
        stripe.WebhookSignature.verify_header(payload.decode("utf-8"), signature_header, secret, tolerance=300)
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as error:
        raise InvalidWebhook(str(error)) from error
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str):
        raise InvalidWebhook("not an event")
    return event


def handle_payment_event(event: dict[str, Any]) -> str:
    """Apply a payment event to its order, once; return what happened, for logs and tests.

    The outcome is one of: 'paid', 'failed', 'unchanged' (the order had moved on already),
    'duplicate' (this event was handled before), 'ignored' (a type we do not act on),
    'unknown order', 'amount mismatch'.
    """
    if event["type"] not in (SUCCEEDED, FAILED):
        return "ignored"
    payment = event.get("data", {}).get("object", {})
    order = db.session.scalar(db.select(Order).where(Order.provider_reference == payment.get("id")))
    if order is None:
        logger.warning("payment event %s for an unknown payment %s", event["id"], payment.get("id"))
        return "unknown order"
    db.session.add(PaymentEvent(id=event["id"], type=event["type"], order_id=order.id))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    if event["type"] == FAILED:
        changed = _move(order, {OrderStatus.PENDING}, OrderStatus.FAILED)
        db.session.commit()
        return "failed" if changed else "unchanged"
    if payment.get("amount") != order.amount_cents or str(payment.get("currency")).lower() != order.currency.lower():
        logger.error("payment event %s does not match order %s's amount: not fulfilled", event["id"], order.id)
        db.session.commit()
        return "amount mismatch"
    return "paid" if _fulfil(order) else "unchanged"


def _fulfil(order: Order) -> bool:
    """Mark an order paid, once, and send the receipt and the sale notice; False if it was already."""
    paid = _move(order, {OrderStatus.PENDING, OrderStatus.FAILED}, OrderStatus.PAID, paid_at=utc_now())
    db.session.commit()
    if paid:
        db.session.refresh(order)
        _send_receipt_and_sale_notice(order)
    return paid


def _move(order: Order, allowed: set[OrderStatus], new_status: OrderStatus, **values: Any) -> bool:
    """Change an order's status only from an allowed one, in one statement: a racing change loses."""
    result = db.session.execute(
        db.update(Order)
        .where(Order.id == order.id, Order.status.in_(allowed))
        .values(status=new_status, **values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _send_receipt_and_sale_notice(order: Order) -> None:
    product = order.product
    send_email_after_commit(
        order.buyer_email,
        f"Your receipt: {product.name}",
        "receipt",
        order=order,
        product=product,
        download_link=download_url(order),
        library_link=url_for("downloads.library", _external=True),
        fresh_links_link=url_for("downloads.fresh_links", _external=True),
    )
    send_email_after_commit(
        product.creator.email,
        f"You made a sale: {product.name}",
        "sale",
        order=order,
        product=product,
        sales_link=url_for("stores.sales", store_id=product.store_id, _external=True) if product.store_id else None,
    )
