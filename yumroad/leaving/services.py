"""Leaving: a user's data, handed to them; their account, deleted; the files their buyers still need, kept.

Every user has a store (signing up opens one), so one deletion serves creators and buyers alike. The
user's row stays, emptied of personal data: the sales records that the law asks us to keep point at
it, and so do their products, which stay in their buyers' libraries.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, exists
from sqlalchemy.orm import contains_eager, joinedload

from yumroad.downloads.services import download_window, paid_within_download_window
from yumroad.emails import send_email
from yumroad.extensions import db
from yumroad.jobs import enqueue
from yumroad.models import DiscountCode, Order, OrderStatus, Product, Review, User, utc_now
from yumroad.money import decimal_amount
from yumroad.pictures import delete_picture
from yumroad.product_files import delete_product_file
from yumroad.reviews.services import refresh_rating

# Under .invalid, a name that no mail can reach (RFC 2606): yumroad.emails sends nothing there.
DELETED_EMAIL_DOMAIN = "deleted.invalid"
DELETED_BUYER_EMAIL = f"deleted-buyer@{DELETED_EMAIL_DOMAIN}"
CLOSED_STORE_NAME = "Closed store"
# No hash that werkzeug makes looks like this, so no password matches it.
UNUSABLE_PASSWORD_HASH = "!deleted"  # nosec B105
# An unpaid order (pending, or declined: checkout takes a payment for either) may still be paid by
# a payment already under way: Stripe resends its webhook for up to three days, and our job retries
# it for about three more. After a week, nobody can pay it any more.
UNPAID_ORDER_GRACE = timedelta(days=7)


def deleted_user_email(user_id: int) -> str:
    """The unique placeholder that takes the place of a deleted user's email."""
    return f"deleted-user-{user_id}@{DELETED_EMAIL_DOMAIN}"


def bought_by(user: User) -> ColumnElement[bool]:
    """SQL on Order for the orders a user made as a buyer: through their account, or as a guest with
    their email once they verified they own it (an unverified sign-up proves nothing about it).
    Never another account's order that carries this address (its buyer changed email since)."""
    if user.is_verified:
        return db.or_(Order.buyer_id == user.id, db.and_(Order.buyer_id.is_(None), Order.buyer_email == user.email))
    return Order.buyer_id == user.id


def file_still_needed(now: datetime) -> ColumnElement[bool]:
    """SQL on Product: the rule that keeps a departed creator's file, "a buyer may still need it".

    A file is still needed while one of its paid orders is within its download window (see
    downloads.services.downloads_end_at), or an unpaid one may still be paid (UNPAID_ORDER_GRACE).
    """
    needing = db.or_(
        db.and_(Order.status == OrderStatus.PAID, paid_within_download_window(now)),
        db.and_(
            Order.status.in_([OrderStatus.PENDING, OrderStatus.FAILED]),
            Order.created_at > now - UNPAID_ORDER_GRACE,
        ),
    )
    return exists().where(Order.product_id == Product.id, needing)


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _money(cents: int, currency: str) -> dict[str, str]:
    return {"amount": decimal_amount(cents, currency), "currency": currency}


def personal_data_of(user: User) -> dict[str, Any]:
    """Everything we hold about a user, as JSON-ready values, in four queries whatever its size.

    Their sales leave out who bought: the buyers' emails are other people's data.
    """
    products = db.session.scalars(db.select(Product).where(Product.creator_id == user.id).order_by(Product.id))
    purchases = db.session.scalars(
        db.select(Order)
        .options(joinedload(Order.product).joinedload(Product.store), joinedload(Order.discount_code))
        .where(bought_by(user))
        .order_by(Order.id)
    )
    reviews = db.session.scalars(
        db.select(Review).options(joinedload(Review.product)).where(Review.author_id == user.id).order_by(Review.id)
    )
    sales = db.session.scalars(
        db.select(Order)
        .join(Order.product)
        .options(contains_eager(Order.product))
        .where(Product.creator_id == user.id)
        .order_by(Order.id)
    )
    return {
        "exported_at": _when(utc_now()),
        "account": {
            "email": user.email,
            "created_at": _when(user.created_at),
            "email_verified": user.is_verified,
            "email_verified_at": _when(user.email_verified_at),
        },
        "store": _store_data(user),
        "products": [_product_data(product) for product in products],
        "purchases": [_purchase_data(order) for order in purchases],
        "reviews": [_review_data(review) for review in reviews],
        "sales": [_sale_data(order) for order in sales],
    }


def _store_data(user: User) -> dict[str, Any] | None:
    store = user.store
    if store is None:
        return None
    return {"name": store.name, "description": store.description, "created_at": _when(store.created_at)}


def _product_data(product: Product) -> dict[str, Any]:
    return {
        "name": product.name,
        "description": product.description,
        "price": _money(product.price_cents, product.currency),
        "pay_what_you_want": product.pay_what_you_want,
        "created_at": _when(product.created_at),
        "published_at": _when(product.published_at),
        "deleted_at": _when(product.deleted_at),
        "file": {"name": product.file_original_name, "size": product.file_size} if product.file else None,
    }


def _purchase_data(order: Order) -> dict[str, Any]:
    store = order.product.store
    return {
        "product": order.product.name,
        "store": store.name if store is not None else None,
        "email": order.buyer_email,
        **_money(order.amount_cents, order.currency),
        "status": order.status.value,
        "created_at": _when(order.created_at),
        "paid_at": _when(order.paid_at),
        "discount": _discount_data(order),
    }


def _discount_data(order: Order) -> dict[str, Any] | None:
    if not order.discount_cents:
        return None
    code = order.discount_code.code if order.discount_code is not None else None
    return {"code": code, **_money(order.discount_cents, order.currency)}


def _review_data(review: Review) -> dict[str, Any]:
    return {
        "product": review.product.name,
        "rating": review.rating,
        "text": review.body,
        "created_at": _when(review.created_at),
        "updated_at": _when(review.updated_at),
    }


def _sale_data(order: Order) -> dict[str, Any]:
    return {
        "product": order.product.name,
        **_money(order.amount_cents, order.currency),
        "status": order.status.value,
        "created_at": _when(order.created_at),
        "paid_at": _when(order.paid_at),
    }


@dataclass(frozen=True)
class FilesToRemove:
    """Stored files that a commit no longer points at: removed from disk once it is made."""

    pictures: list[str]
    product_files: list[str]

    def remove(self) -> None:
        for picture in self.pictures:
            delete_picture(picture)
        for name in self.product_files:
            delete_product_file(name)


class StaffCannotLeave(Exception):
    """A staff member's audit lines would lose their name: staff access is revoked first (flask staff revoke)."""


def delete_account(user: User) -> None:
    """Delete a user's account in one commit: anonymise the user, close their store and products,
    drop their reviews and unused discount codes, strip their orders of who bought; then remove the
    files no buyer needs, and say goodbye by email.

    What stays, and why: the README's "Leaving" section. Raises StaffCannotLeave.
    """
    if user.is_staff:
        raise StaffCannotLeave(user.id)
    email, now = user.email, utc_now()
    _anonymise_purchases(user)
    _delete_reviews(user)
    pictures = _close_store(user, now)
    user.email = deleted_user_email(user.id)
    user.password_hash = UNUSABLE_PASSWORD_HASH
    user.email_verified_at = None
    user.deleted_at = now
    user.session_version += 1
    files = FilesToRemove(pictures, _forget_unneeded_files(Product.creator_id == user.id))
    db.session.commit()
    files.remove()
    enqueue(send_goodbye_email, email, _count_files_kept(user))


def _anonymise_purchases(user: User) -> None:
    """The user's orders stay (sales records), without who bought. Links already sent work until
    they expire (DOWNLOAD_LINK_MAX_AGE); fresh ones can no longer be asked for."""
    db.session.execute(
        db.update(Order)
        .where(bought_by(user))
        .values(buyer_id=None, buyer_email=DELETED_BUYER_EMAIL)
        .execution_options(synchronize_session=False)
    )


def _delete_reviews(user: User) -> None:
    reviewed = db.session.scalars(db.select(Review.product_id).where(Review.author_id == user.id).distinct()).all()
    deleting = db.delete(Review).where(Review.author_id == user.id)
    db.session.execute(deleting.execution_options(synchronize_session=False))
    for product_id in reviewed:
        refresh_rating(product_id)


def _close_store(user: User, now: datetime) -> list[str]:
    """Empty the store and take every product off for good; return the pictures to remove."""
    delivered_texts = set(
        db.session.scalars(
            db.select(Order.product_id).where(
                Order.product.has(Product.creator_id == user.id), Order.status == OrderStatus.PAID
            )
        )
    )
    pictures = []
    for product in db.session.scalars(db.select(Product).where(Product.creator_id == user.id)):
        if product.picture:
            pictures.append(product.picture)
        product.picture = None
        product.published_at = None
        product.deleted_at = product.deleted_at or now
        # A free product without a file delivers its description: its buyers got that text.
        if not (product.is_free and product.file is None and product.id in delivered_texts):
            product.description = ""
    if user.store is not None:
        user.store.name = CLOSED_STORE_NAME
        user.store.description = ""
        # A code that orders used stays with them (the discount they got); the others go.
        db.session.execute(
            db.delete(DiscountCode)
            .where(DiscountCode.store_id == user.store.id, ~DiscountCode.orders.any())
            .execution_options(synchronize_session=False)
        )
    return pictures


def _forget_unneeded_files(*conditions: ColumnElement[bool]) -> list[str]:
    """Unlink from their products the files of departed creators that no buyer needs any more
    (file_still_needed); return their stored names, for the caller to remove after its commit."""
    products = db.session.scalars(
        db.select(Product).where(
            Product.file.is_not(None),
            Product.creator.has(User.deleted_at.is_not(None)),
            ~file_still_needed(utc_now()),
            *conditions,
        )
    ).all()
    names = []
    for product in products:
        names.append(product.file)
        product.file = product.file_original_name = product.file_size = None
    return names


def _count_files_kept(user: User) -> int:
    return db.session.scalar(
        db.select(db.func.count(Product.id)).where(Product.creator_id == user.id, Product.file.is_not(None))
    )


def remove_expired_files() -> int:
    """Remove the stored files of deleted accounts' products that no buyer needs any more; return
    how many went. Run daily (`flask remove-expired-files`)."""
    names = _forget_unneeded_files()
    db.session.commit()
    FilesToRemove([], names).remove()
    return len(names)


def send_goodbye_email(email: str, files_kept: int) -> None:
    """Tell a departed user, at the address they had, what went and what stays. A background job
    (the address is an argument: the account no longer holds it); raises EmailNotSent."""
    send_email(
        email,
        "Your Yumroad account is deleted",
        "goodbye",
        files_kept=files_kept,
        window_days=download_window().days,
    )
