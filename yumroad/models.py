"""Yumroad's data: users, their stores, and the products they sell."""

from __future__ import annotations

import secrets
import unicodedata
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ColumnElement,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    and_,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from yumroad.extensions import db
from yumroad.money import DEFAULT_CURRENCY, format_money, format_price

NAME_MIN_LENGTH = 4
STORE_NAME_MAX_LENGTH = 80
PRODUCT_NAME_MAX_LENGTH = 120
EMAIL_MAX_LENGTH = 254
DISCOUNT_CODE_MAX_LENGTH = 40


def utc_now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite keeps no zone, so add it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: use an aware one, e.g. datetime.now(UTC)")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def hash_password(password: str) -> str:
    """What we keep of a password: a salted, slow hash (werkzeug's default method)."""
    return generate_password_hash(password)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def normalize_discount_code(code: str) -> str:
    return "".join((code or "").split()).upper()


def _is_invisible(character: str) -> bool:
    """Spaces, and characters that show nothing: zero-width spaces, joiners, direction marks."""
    return character.isspace() or unicodedata.category(character) == "Cf"


def strip_invisible(text: str) -> str:
    start, end = 0, len(text)
    while start < end and _is_invisible(text[start]):
        start += 1
    while end > start and _is_invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def clean_name(name: str | None, max_length: int) -> str:
    """Return a store or product name stripped; raise ValueError if it is too short or too long."""
    # One line: runs of spaces, tabs and line breaks become one space; other control characters go.
    visible = "".join(
        character for character in (name or "") if unicodedata.category(character) != "Cc" or character.isspace()
    )
    cleaned = " ".join(strip_invisible(visible).split())
    if len(cleaned) < NAME_MIN_LENGTH:
        raise ValueError(f"The name must be at least {NAME_MIN_LENGTH} characters long.")
    if len(cleaned) > max_length:
        raise ValueError(f"The name must be at most {max_length} characters long.")
    if not any(unicodedata.category(character)[0] in "LN" for character in cleaned):
        raise ValueError("The name must contain a letter or a digit.")
    return cleaned


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # Set when the owner of `email` followed the link we sent to it; None until then.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of every login (session and "remember me" cookies, see get_id): bumping it logs the user
    # out everywhere, e.g. after a password reset.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Set only from the command line (`flask staff grant`), never from the web.
    is_staff: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Set by staff: a suspended user cannot log in, and their store and products are hidden.
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspension_reason: Mapped[str | None] = mapped_column(Text)
    # The user left: the row stays (their sales records point at it) with no personal data in it.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Joined: the nav shows "my store" on every page, so load it with the user in one query.
    store: Mapped[Store | None] = relationship(back_populates="user", uselist=False, lazy="joined")
    products: Mapped[list[Product]] = relationship(back_populates="creator")
    orders: Mapped[list[Order]] = relationship(back_populates="buyer")
    reviews: Mapped[list[Review]] = relationship(back_populates="author")
    staff_actions: Mapped[list[StaffAction]] = relationship(back_populates="staff")

    @classmethod
    def create(cls, email: str, password: str) -> User:
        """Return a new, unsaved user with the email normalised and the password hashed."""
        user = cls(email=email)
        user.set_password(password)
        return user

    @validates("email")
    def validate_email(self, key: str, email: str) -> str:
        return normalize_email(email)

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """What the login cookies hold: the id and the session version (see load_user)."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def why_cannot_publish(self) -> str | None:
        """Why this user may not publish products yet (their email is unconfirmed), or None."""
        if not self.is_verified:
            return f"Confirm your email address before publishing: we sent a link to {self.email}."
        return None

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_active(self) -> bool:
        """Flask-Login's word for "may log in": not suspended, not gone."""
        return not self.is_suspended and not self.is_deleted

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


def in_good_standing() -> ColumnElement[bool]:
    """SQL for "this user may be seen on the site": neither suspended nor gone."""
    return and_(User.suspended_at.is_(None), User.deleted_at.is_(None))


class Store(db.Model):
    __tablename__ = "store"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(STORE_NAME_MAX_LENGTH))
    description: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    user: Mapped[User] = relationship(back_populates="store")
    products: Mapped[list[Product]] = relationship(back_populates="store")
    discount_codes: Mapped[list[DiscountCode]] = relationship(back_populates="store")

    # Filled only by queries that ask for it (`with_expression`), e.g. the store listing.
    product_count: Mapped[int] = query_expression()

    @validates("name")
    def validate_name(self, key: str, name: str) -> str:
        return clean_name(name, STORE_NAME_MAX_LENGTH)

    # Stores are always on the site (see access.get_owned_or_403).
    is_deleted = False
    is_public = True

    def is_owned_by(self, user: Any) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and self.user_id == user.id

    def __repr__(self) -> str:
        return f"<Store {self.id} {self.name!r}>"


class Product(db.Model):
    __tablename__ = "product"
    __table_args__ = (
        CheckConstraint("price_cents >= 0", name="price_not_negative"),
        # A store's page lists its products newest first; this index also serves the foreign key.
        Index("ix_product_store_id_created_at", "store_id", "created_at"),
        Index("ix_product_rating_score_id", "rating_score", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(PRODUCT_NAME_MAX_LENGTH))
    description: Mapped[str] = mapped_column(Text, default="")
    # With pay what you want, price_cents is the least a buyer may pay.
    price_cents: Mapped[int] = mapped_column(Integer, default=0)
    pay_what_you_want: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Kept by reviews.services.refresh_rating from the reviews of paid orders: the listings sort by
    # them without counting reviews for every product.
    rating_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rating_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The average times 100 (0 when unrated), indexed: "best rated first" reads the index in order.
    rating_score: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    suggested_price_cents: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default=DEFAULT_CURRENCY)
    picture: Mapped[str | None] = mapped_column(String(64))
    creator_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    # Nullable so that a product made in a shell with only a creator can be saved; services
    # always set it.
    store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"))
    # The digital file the product sells: a random name under UPLOAD_FOLDER/files, never public.
    file: Mapped[str | None] = mapped_column(String(64))
    file_original_name: Mapped[str | None] = mapped_column(String(255))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)
    # A draft (None) is seen by its creator only, until it is published.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Deleted products leave the site but stay in the database: their buyers keep their orders
    # and their downloads.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by staff when they unpublish it: it cannot be published again until staff allow it.
    taken_down_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    takedown_reason: Mapped[str | None] = mapped_column(Text)

    creator: Mapped[User] = relationship(back_populates="products", uselist=False)
    store: Mapped[Store | None] = relationship(back_populates="products")
    orders: Mapped[list[Order]] = relationship(back_populates="product")
    discount_codes: Mapped[list[DiscountCode]] = relationship(back_populates="product")
    reviews: Mapped[list[Review]] = relationship(back_populates="product")

    @validates("name")
    def validate_name(self, key: str, name: str) -> str:
        return clean_name(name, PRODUCT_NAME_MAX_LENGTH)

    @validates("price_cents")
    def validate_price_cents(self, key: str, price_cents: int) -> int:
        if price_cents is None or price_cents < 0:
            raise ValueError("A price is a whole number of cents, and cannot be negative.")
        return price_cents

    @property
    def display_price(self) -> str:
        if self.pay_what_you_want:
            minimum = format_money(self.price_cents, self.currency)
            return "Pay what you want" if self.price_cents == 0 else f"{minimum}+"
        return format_price(self.price_cents, self.currency)

    @property
    def rating_average(self) -> float | None:
        return round(self.rating_total / self.rating_count, 1) if self.rating_count else None

    @property
    def offered_price_cents(self) -> int:
        """What the buy box offers: the price, or with pay what you want the suggested price (or minimum)."""
        if self.pay_what_you_want and self.suggested_price_cents is not None:
            return self.suggested_price_cents
        return self.price_cents

    @property
    def is_free(self) -> bool:
        return self.price_cents == 0 and not self.pay_what_you_want

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_on_the_site(self) -> bool:
        """Anyone can see it: published, not deleted, and its creator in good standing (in_good_standing)."""
        return self.is_published and not self.is_deleted and self.creator.is_active

    @property
    def is_public(self) -> bool:
        return self.is_on_the_site

    @property
    def has_something_to_deliver(self) -> bool:
        """A file, or, for a free product, its description (a text, a link, a recipe...)."""
        return self.file is not None or (self.is_free and bool(self.description))

    @property
    def is_for_sale(self) -> bool:
        """A buyer can get it: it is on the site and has something to deliver."""
        return self.is_on_the_site and self.has_something_to_deliver

    @property
    def why_not_publishable(self) -> str | None:
        """What a draft lacks before it can be published, or None if nothing."""
        if self.taken_down_at is not None:
            return f"Taken down by Yumroad staff: “{self.takedown_reason}”. It cannot be published until they allow it."
        if self.creator.why_cannot_publish:
            return self.creator.why_cannot_publish
        if not self.has_something_to_deliver:
            return "Upload the file buyers get (a free product may instead have just a description)."
        return None

    def is_owned_by(self, user: Any) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and self.creator_id == user.id

    def __repr__(self) -> str:
        return f"<Product {self.id} {self.name!r}>"


class OrderStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    REFUNDED = "refunded"


def new_public_id() -> str:
    return secrets.token_urlsafe(16)


class Order(db.Model):
    """One buyer's purchase of one product, written before the buyer leaves to pay."""

    __tablename__ = "order"
    __table_args__ = (CheckConstraint("amount_cents >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The order's name in URLs (checkout and thank-you pages): unguessable, unlike the id.
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    buyer_email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH), index=True)
    # What the buyer pays, captured when the order is made: later price changes do not touch it.
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[OrderStatus] = mapped_column(
        Enum(
            OrderStatus,
            native_enum=False,
            length=16,
            create_constraint=True,
            values_callable=lambda statuses: [status.value for status in statuses],
        ),
        default=OrderStatus.PENDING,
    )
    provider: Mapped[str] = mapped_column(String(16))
    provider_reference: Mapped[str | None] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the receipt, and the creator's sale notice, went out: `flask send-receipts` sends
    # those still owed (mail was down), and a background job does not send one that went.
    receipt_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sale_notice_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set while a worker sends that email: a lease that others respect until it expires (the
    # worker was killed), so that two workers do not send it at once and a crash loses nothing.
    receipt_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sale_notice_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    download_count: Mapped[int] = mapped_column(Integer, default=0)
    # Part of every download link: sending fresh links bumps it, and the old links stop working.
    download_link_version: Mapped[int] = mapped_column(Integer, default=1)
    discount_code_id: Mapped[int | None] = mapped_column(ForeignKey("discount_code.id"), index=True)
    discount_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # taken off amount_cents

    product: Mapped[Product] = relationship(back_populates="orders")
    buyer: Mapped[User | None] = relationship(back_populates="orders")
    discount_code: Mapped[DiscountCode | None] = relationship(back_populates="orders")
    review: Mapped[Review | None] = relationship(back_populates="order")
    payment_events: Mapped[list[PaymentEvent]] = relationship(back_populates="order")

    @validates("buyer_email")
    def validate_buyer_email(self, key: str, email: str) -> str:
        return normalize_email(email)

    @property
    def display_amount(self) -> str:
        return format_price(self.amount_cents, self.currency)

    def __repr__(self) -> str:
        return f"<Order {self.id} {self.status.value} {self.buyer_email}>"


class PaymentEvent(db.Model):
    """A payment event already handled: the same event arriving again is ignored."""

    __tablename__ = "payment_event"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)  # the provider's event id
    type: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("order.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    order: Mapped[Order | None] = relationship(back_populates="payment_events")


class DiscountCode(db.Model):
    """A store's code that takes a percentage or an amount off, maybe for one product, for a time."""

    __tablename__ = "discount_code"
    __table_args__ = (
        UniqueConstraint("store_id", "code", name="uq_discount_code_store_id_code"),
        CheckConstraint("(percent_off IS NULL) != (amount_off_cents IS NULL)", name="percent_or_amount"),
        CheckConstraint("percent_off IS NULL OR (percent_off BETWEEN 1 AND 100)", name="percent_in_range"),
        CheckConstraint("amount_off_cents IS NULL OR amount_off_cents > 0", name="amount_positive"),
        CheckConstraint("max_uses IS NULL OR max_uses > 0", name="max_uses_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    code: Mapped[str] = mapped_column(String(DISCOUNT_CODE_MAX_LENGTH))  # upper-cased: codes ignore case
    percent_off: Mapped[int | None] = mapped_column(Integer)
    amount_off_cents: Mapped[int | None] = mapped_column(Integer)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"), index=True)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    max_uses: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # Written first by every purchase that uses the code: it serialises them, so the limit holds.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    store: Mapped[Store] = relationship(back_populates="discount_codes")
    product: Mapped[Product | None] = relationship(back_populates="discount_codes")
    orders: Mapped[list[Order]] = relationship(back_populates="discount_code")

    @validates("code")
    def validate_code(self, key: str, code: str) -> str:
        return normalize_discount_code(code)

    def discount_on(self, amount_cents: int) -> int:
        """How many cents this code takes off an amount (never more than the amount)."""
        if self.percent_off is not None:
            return amount_cents * self.percent_off // 100
        return min(self.amount_off_cents or 0, amount_cents)

    @property
    def display_value(self) -> str:
        if self.percent_off is not None:
            return f"{self.percent_off}% off"
        return f"{format_money(self.amount_off_cents or 0)} off"

    def is_owned_by(self, user: Any) -> bool:
        return self.store.is_owned_by(user)

    is_deleted = False
    is_public = False

    def __repr__(self) -> str:
        return f"<DiscountCode {self.id} {self.code}>"


class Review(db.Model):
    """A buyer's rating (1 to 5) of a product they paid for, with optional words: one per order."""

    __tablename__ = "review"
    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_one_to_five"),
        # A product's page lists its reviews newest first.
        Index("ix_review_product_id_created_at", "product_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id"), unique=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    rating: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)

    order: Mapped[Order] = relationship(back_populates="review")
    product: Mapped[Product] = relationship(back_populates="reviews")
    author: Mapped[User] = relationship(back_populates="reviews")

    @validates("rating")
    def validate_rating(self, key: str, rating: int) -> int:
        if rating not in range(1, 6):
            raise ValueError("A rating is a whole number from 1 to 5.")
        return rating

    def __repr__(self) -> str:
        return f"<Review {self.id} {self.rating}/5>"


class StaffAction(db.Model):
    """The audit log: one line per thing a staff member did, with who, what, to what, why and when."""

    __tablename__ = "staff_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))  # "suspend_user", "take_down_product"...
    subject_type: Mapped[str] = mapped_column(String(16))  # "user", "product"...
    subject_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)

    staff: Mapped[User] = relationship(back_populates="staff_actions")

    def __repr__(self) -> str:
        return f"<StaffAction {self.id} {self.action} {self.subject_type} {self.subject_id}>"
