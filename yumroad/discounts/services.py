"""Discount codes: a store's codes, checked and applied when a buyer types one."""

from datetime import datetime, timedelta

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from yumroad.extensions import db
from yumroad.models import DiscountCode, Order, OrderStatus, Product, Store, normalize_discount_code, utc_now

# A pending or declined order holds its use of a limited code this long, so that the limit holds
# while buyers pay (or retry a declined card); a use is counted for good once its order is paid.
PENDING_HOLD = timedelta(hours=1)


class InvalidDiscount(ValueError):
    """A code the buyer cannot use here or now; the message says why, for the buy form."""


class DiscountCodeTaken(Exception):
    """The store already has a code with these letters."""


def create_discount(
    store: Store,
    code: str,
    percent_off: int | None,
    amount_off_cents: int | None,
    product: Product | None = None,
    starts_at: datetime | None = None,
    expires_at: datetime | None = None,
    max_uses: int | None = None,
) -> DiscountCode:
    """Add a discount code to a store; raise DiscountCodeTaken."""
    discount = DiscountCode(
        store=store,
        code=code,
        percent_off=percent_off,
        amount_off_cents=amount_off_cents,
        product=product,
        starts_at=starts_at,
        expires_at=expires_at,
        max_uses=max_uses,
    )
    db.session.add(discount)
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise DiscountCodeTaken(code) from error
    return discount


def delete_discount(discount: DiscountCode) -> bool:
    """Remove a code; one that orders used is ended instead (it expires now), so their records keep
    its name. Returns True if the code was removed, False if it was ended."""
    used = db.session.scalar(db.select(Order.id).where(Order.discount_code_id == discount.id).limit(1))
    if used is None:
        db.session.delete(discount)
    else:
        discount.expires_at = utc_now()
    db.session.commit()
    return used is None


def discounts_of(store: Store, page: int, per_page: int) -> Pagination:
    """Return one page of a store's codes, newest first, with their products and paid uses."""
    statement = (
        db.select(DiscountCode)
        .options(joinedload(DiscountCode.product))
        .where(DiscountCode.store_id == store.id)
        .order_by(DiscountCode.created_at.desc(), DiscountCode.id.desc())
    )
    return db.paginate(statement, page=page, per_page=per_page, error_out=True)


def paid_uses(discounts: list[DiscountCode]) -> dict[int, int]:
    """How many paid orders used each code, in one query."""
    rows = db.session.execute(
        db.select(Order.discount_code_id, func.count(Order.id))
        .where(Order.discount_code_id.in_([discount.id for discount in discounts]), Order.status == OrderStatus.PAID)
        .group_by(Order.discount_code_id)
    )
    return {discount_id: uses for discount_id, uses in rows}


def find_discount(product: Product, typed: str) -> DiscountCode:
    """Return the code a buyer typed, if it applies to this product now; raise InvalidDiscount."""
    discount = db.session.scalar(
        db.select(DiscountCode).where(
            DiscountCode.store_id == product.store_id, DiscountCode.code == normalize_discount_code(typed)
        )
    )
    now = utc_now()
    if discount is None:
        raise InvalidDiscount("This code does not exist in this store.")
    if discount.product_id is not None and discount.product_id != product.id:
        raise InvalidDiscount("This code is for another product of this store.")
    if discount.starts_at is not None and now < discount.starts_at:
        raise InvalidDiscount("This code is not valid yet.")
    if discount.expires_at is not None and now >= discount.expires_at:
        raise InvalidDiscount("This code has expired.")
    return discount


def claim_use(discount: DiscountCode) -> None:
    """Take one use of a limited code for an order about to be written; raise InvalidDiscount.

    Writing to the code's row first makes every purchase with it wait for the one before (a row
    lock on PostgreSQL, the write lock on SQLite), so two buyers cannot take the last use together.
    The caller commits (or rolls back) the transaction this opens.
    """
    if discount.max_uses is None:
        return
    db.session.execute(db.update(DiscountCode).where(DiscountCode.id == discount.id).values(claimed_at=utc_now()))
    held = db.session.scalar(
        db.select(func.count(Order.id)).where(
            Order.discount_code_id == discount.id,
            or_(
                Order.status == OrderStatus.PAID,
                Order.status.in_([OrderStatus.PENDING, OrderStatus.FAILED])
                & (Order.created_at > utc_now() - PENDING_HOLD),
            ),
        )
    )
    if held >= discount.max_uses:
        db.session.rollback()
        raise InvalidDiscount("This code has been used up.")
