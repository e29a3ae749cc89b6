"""Buying: pending orders, payments that end in one fulfilment function, receipts."""

import json
import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, NamedTuple

import stripe
from flask import current_app
from sqlalchemy import ColumnElement
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, joinedload

from yumroad.checkout.providers import (
    TEST_CARD_DECLINED,
    TEST_CARD_SUCCEEDS,
    PaymentProviderUnavailable,
    payment_provider,
)
from yumroad.discounts.services import claim_use, find_discount
from yumroad.downloads.services import attach_guest_orders, emailed_download_url
from yumroad.emails import send_email
from yumroad.extensions import db
from yumroad.jobs import enqueue, run_now, try_enqueue
from yumroad.models import Order, OrderStatus, PaymentEvent, Product, User, utc_now
from yumroad.money import format_money
from yumroad.reviews.services import refresh_rating
from yumroad.urls import public_url_for

logger = logging.getLogger(__name__)

SUCCEEDED = "payment_intent.succeeded"
FAILED = "payment_intent.payment_failed"
REFUNDED = "charge.refunded"

# How long a worker may take to send an email it claimed before another one may take it over.
# Well past a job's time limit (RQ stops a job after 3 minutes): only a dead worker's claim runs out.
EMAIL_CLAIM_LEASE = timedelta(minutes=10)


class OrderEmail(NamedTuple):
    """An email that goes once per paid order: when it went, and since when a worker is sending it."""

    sent_at: InstrumentedAttribute[datetime | None]
    claimed_at: InstrumentedAttribute[datetime | None]


RECEIPT = OrderEmail(Order.receipt_sent_at, Order.receipt_claimed_at)
SALE_NOTICE = OrderEmail(Order.sale_notice_sent_at, Order.sale_notice_claimed_at)


class CannotBuyOwnProduct(Exception):
    """Creators cannot buy their own products."""


class ProductNotForSale(Exception):
    """The product has no file to deliver yet."""


class AmountTooLow(ValueError):
    """A pay-what-you-want amount under the product's minimum."""


class PaymentUnavailable(Exception):
    """The payment provider could not start the payment; the order stays pending, unpaid."""


class UnknownTestCard(ValueError):
    """Test mode knows two cards only."""


class InvalidWebhook(Exception):
    """A webhook whose signature, timestamp or body does not check out."""


def asking_price(product: Product, amount_cents: int | None) -> int:
    """What the buyer pays before any discount: the price, or what they chose if they may choose.

    Raises AmountTooLow.
    """
    if not product.pay_what_you_want:
        return product.price_cents
    chosen = amount_cents if amount_cents is not None else product.offered_price_cents
    if chosen < product.price_cents:
        raise AmountTooLow(f"Pay at least {format_money(product.price_cents, product.currency)}.")
    return chosen


def start_purchase(
    product: Product,
    buyer: User | None,
    email: str,
    amount_cents: int | None = None,
    discount_code: str | None = None,
) -> Order:
    """Write a pending order for `email` (and `buyer`, if logged in), then start its payment.

    The order records what the buyer pays: the price (or the amount they chose, with pay what you
    want), less the discount code's share. A free order is fulfilled at once.

    Raises CannotBuyOwnProduct, ProductNotForSale, AmountTooLow, InvalidDiscount, PaymentUnavailable.
    """
    if product.is_owned_by(buyer):
        raise CannotBuyOwnProduct(product.id)
    if not product.is_for_sale:
        raise ProductNotForSale(product.id)
    price = asking_price(product, amount_cents)
    discount = find_discount(product, discount_code) if discount_code else None
    discount_cents = discount.discount_on(price) if discount is not None else 0
    if discount_cents == 0:
        discount = None  # a code that takes nothing off (a free price) uses nothing up
    else:
        claim_use(discount)
    provider = payment_provider()
    order = Order(
        product=product,
        buyer=buyer,
        buyer_email=email,
        amount_cents=price - discount_cents,
        discount_code=discount,
        discount_cents=discount_cents,
        currency=product.currency,
        provider="free" if price - discount_cents == 0 else provider.name,
    )
    db.session.add(order)
    db.session.commit()  # the order exists before the buyer leaves to pay: it cannot be lost
    if order.amount_cents == 0:
        _fulfil(order)
        return order
    try:
        order.provider_reference = provider.start_payment(order)
    except PaymentProviderUnavailable as error:
        logger.warning("could not start the payment of order %s: %s", order.id, error)
        raise PaymentUnavailable(order.public_id) from error
    db.session.commit()
    return order


def get_order(public_id: str) -> Order:
    """Return the order with this public id, with its product; 404 if there is none."""
    return db.one_or_404(db.select(Order).options(joinedload(Order.product)).where(Order.public_id == public_id))


def payment_page_secret(order: Order) -> str | None:
    """What the payment page gives the provider's script, read from the provider; raise PaymentUnavailable."""
    try:
        return payment_provider().client_secret(order)
    except PaymentProviderUnavailable as error:
        raise PaymentUnavailable(order.public_id) from error


def pay_in_test_mode(order: Order, card_number: str) -> bool:
    """Pay with a test card, through the same event handling as Stripe's webhook; True if now paid.

    Raises UnknownTestCard.
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
    handle_payment_event(event)
    db.session.refresh(order)
    return order.status == OrderStatus.PAID


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


class Outcome(StrEnum):
    """What a payment event did to its order."""

    PAID = "paid"
    FAILED = "failed"
    REFUNDED = "refunded"
    UNCHANGED = "unchanged"  # the order had moved on already
    DUPLICATE = "duplicate"  # this very event was handled before
    IGNORED = "ignored"  # a type of event we do not act on
    UNKNOWN_ORDER = "unknown order"
    AMOUNT_MISMATCH = "amount mismatch"
    QUEUED = "queued"  # left to a background worker


def receive_payment_event(event: dict[str, Any]) -> Outcome:
    """Handle a verified event: on a background worker when there is one (QUEUED), else now.

    Once answered, Stripe does not send the event again: its job is retried for days (long_retries).
    """
    if try_enqueue(handle_payment_event, event, long_retries=True):
        return Outcome.QUEUED
    return handle_payment_event(event)


def handle_payment_event(event: dict[str, Any]) -> Outcome:
    """Apply a payment event to its order, once; return what happened, for logs and tests."""
    if event["type"] not in (SUCCEEDED, FAILED, REFUNDED):
        return Outcome.IGNORED
    payment = event.get("data", {}).get("object", {})
    # A refund event carries the charge; its PaymentIntent is what the order knows.
    reference = payment.get("payment_intent") if event["type"] == REFUNDED else payment.get("id")
    order = db.session.scalar(db.select(Order).where(Order.provider_reference == reference)) if reference else None
    if order is None:
        logger.warning("payment event %s for an unknown payment %s", event["id"], reference)
        return Outcome.UNKNOWN_ORDER
    db.session.add(PaymentEvent(id=event["id"], type=event["type"], order=order))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return Outcome.DUPLICATE
    if event["type"] == FAILED:
        return _settle(order, {OrderStatus.PENDING}, OrderStatus.FAILED, Outcome.FAILED)
    if event["type"] == REFUNDED:
        outcome = _settle(order, {OrderStatus.PAID}, OrderStatus.REFUNDED, Outcome.REFUNDED)
        refresh_rating(order.product_id)  # a refunded buyer's review no longer counts
        db.session.commit()
        return outcome
    received = payment.get("amount_received", payment.get("amount"))
    if received != order.amount_cents or str(payment.get("currency")).lower() != order.currency.lower():
        logger.error("payment event %s does not match order %s's amount: not fulfilled", event["id"], order.id)
        db.session.commit()
        return Outcome.AMOUNT_MISMATCH
    return Outcome.PAID if _fulfil(order) else Outcome.UNCHANGED


def send_unsent_receipts() -> tuple[int, int]:
    """Send the receipts and sale notices still owed on paid orders; return how many of each went.

    Owed: not sent, and not claimed by a worker now (a claim past EMAIL_CLAIM_LEASE is taken over).
    """
    now = utc_now()
    owed = db.session.scalars(
        db.select(Order.id)
        .where(
            Order.status == OrderStatus.PAID,
            db.or_(_is_owed(RECEIPT, now), _is_owed(SALE_NOTICE, now)),
        )
        .order_by(Order.id)
    ).all()
    receipts = notices = 0
    for order_id in owed:
        receipts += bool(run_now(send_receipt, order_id))
        notices += bool(run_now(send_sale_notice, order_id))
    return receipts, notices


def send_receipt(order_id: int) -> bool:
    """Email the buyer the receipt of a paid order, unless it went already; True if it went now.

    A background job. Raises whatever stopped the email (EmailNotSent...), and the receipt stays owed.
    """
    return _send_once(order_id, RECEIPT, _email_receipt)


def send_sale_notice(order_id: int) -> bool:
    """Tell the creator of a paid order's sale, unless they were told already; True if it went now.

    A background job. Raises whatever stopped the email (EmailNotSent...), and the notice stays owed.
    """
    return _send_once(order_id, SALE_NOTICE, _email_sale_notice)


def _settle(order: Order, allowed: set[OrderStatus], new_status: OrderStatus, outcome: Outcome) -> Outcome:
    changed = _move(order, allowed, new_status)
    db.session.commit()
    return outcome if changed else Outcome.UNCHANGED


def _fulfil(order: Order) -> bool:
    """Mark an order paid, once, then send the receipt and the sale notice; False if it was already."""
    paid = _move(order, {OrderStatus.PENDING, OrderStatus.FAILED}, OrderStatus.PAID, paid_at=utc_now())
    if paid and order.buyer_id is None:  # a guest's: theirs in their library if their account owns the email
        attach_guest_orders(order.buyer_email)
    db.session.commit()
    if paid:
        db.session.refresh(order)
        enqueue(send_receipt, order.id)
        enqueue(send_sale_notice, order.id)
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


def _is_owed(email: OrderEmail, now: datetime) -> ColumnElement[bool]:
    """Not sent yet, and claimed by nobody, or by a worker whose lease ran out (it was killed)."""
    return db.and_(
        email.sent_at.is_(None),
        db.or_(email.claimed_at.is_(None), email.claimed_at < now - EMAIL_CLAIM_LEASE),
    )


def _send_once(order_id: int, which: OrderEmail, email: Callable[[Order], None]) -> bool:
    """Send one email about a paid order once, even from two workers at the same moment; True if it went now.

    A worker first claims the email for EMAIL_CLAIM_LEASE (one conditional UPDATE: only one caller
    wins), sends it, then marks it sent. If anything goes wrong, the claim is released and the error
    raised, so that a retry sends it; if the worker dies before it can mark the email sent, the claim
    expires and a retry or `flask send-receipts` sends it. At least once: a worker killed between
    the send and the mark means the email goes twice, but it is never lost.
    """
    claimed_at = utc_now()
    claim = db.session.execute(
        db.update(Order)
        .where(Order.id == order_id, Order.status == OrderStatus.PAID, _is_owed(which, claimed_at))
        .values({which.claimed_at: claimed_at})
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if claim.rowcount != 1:
        return False
    try:
        email(db.session.get_one(Order, order_id))
    except BaseException:
        db.session.rollback()
        # Only our own claim: one that ran out may have been taken over since.
        _update_order(order_id, {which.claimed_at: None}, which.claimed_at == claimed_at)
        raise
    _update_order(order_id, {which.sent_at: utc_now(), which.claimed_at: None})
    return True


def _update_order(order_id: int, values: dict[Any, Any], *conditions: ColumnElement[bool]) -> None:
    db.session.execute(
        db.update(Order)
        .where(Order.id == order_id, *conditions)
        .values(values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _email_receipt(order: Order) -> None:
    product = order.product
    send_email(
        order.buyer_email,
        f"Your receipt: {product.name}",
        "receipt",
        order=order,
        product=product,
        download_link=emailed_download_url(order),
        library_link=public_url_for("downloads.library"),
        fresh_links_link=public_url_for("downloads.fresh_links"),
        product_link=public_url_for("products.show", product_id=product.id),
    )


def _email_sale_notice(order: Order) -> None:
    product = order.product
    send_email(
        product.creator.email,
        f"You made a sale: {product.name}",
        "sale",
        order=order,
        product=product,
        sales_link=public_url_for("stores.sales", store_id=product.store_id) if product.store_id else None,
    )
