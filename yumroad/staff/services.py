"""Staff: who is staff, what they can find, and what they do to users and products (each act in the audit log)."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, func, or_
from sqlalchemy.orm import joinedload

from yumroad.emails import send_email
from yumroad.extensions import db
from yumroad.jobs import enqueue
from yumroad.models import Order, OrderStatus, Product, StaffAction, Store, User, normalize_email, utc_now
from yumroad.routing import LARGEST_DATABASE_ID
from yumroad.urls import public_url_for

logger = logging.getLogger("yumroad.staff")

REASON_MIN_WORDS = 3
REASON_MAX_LENGTH = 2000

# What StaffAction.action holds, and how the audit log says it.
SUSPEND_USER = "suspend_user"
LIFT_SUSPENSION = "lift_suspension"
TAKE_DOWN_PRODUCT = "take_down_product"
ALLOW_PRODUCT = "allow_product"
ACTION_LABELS = {
    SUSPEND_USER: "Suspended",
    LIFT_SUSPENSION: "Lifted the suspension of",
    TAKE_DOWN_PRODUCT: "Took down",
    ALLOW_PRODUCT: "Allowed again",
}
USER, PRODUCT = "user", "product"


class UnknownUser(Exception):
    """No user has this email."""


class StaffActionRefused(Exception):
    """The action cannot be done to this subject; the message says why, for the staff member."""


class AlreadyInEffect(StaffActionRefused):
    """The action is already in effect (suspending a suspended user): nothing was written."""


# Who is staff: set from the command line only (`flask staff grant|revoke|list`).


def _user_with_email(email: str) -> User:
    user = db.session.scalar(db.select(User).where(User.email == normalize_email(email)))
    if user is None or user.is_deleted:
        raise UnknownUser(email)
    return user


def set_staff(email: str, is_staff: bool) -> tuple[User, bool]:
    """Grant (or revoke) staff access; return the user and whether anything changed. Raises UnknownUser.

    Logged to the app's log (there is no staff member behind a command to put in the audit log).
    """
    user = _user_with_email(email)
    if user.is_staff == is_staff:
        return user, False
    user.is_staff = is_staff
    db.session.commit()
    logger.warning(
        "staff access %s: user %d (%s), from the command line",
        "granted" if is_staff else "revoked",
        user.id,
        user.email,
    )
    return user, True


def staff_members() -> list[User]:
    """Every user with staff access, by email."""
    return list(db.session.scalars(db.select(User).where(User.is_staff).order_by(User.email)))


# Finding things: users by email, stores and products by name, orders by buyer email, public id or #id.

SEARCH_KINDS = ("users", "stores", "products", "orders")


def _order_condition(query: str) -> ColumnElement[bool]:
    number = query.removeprefix("#")
    if query.startswith("#") and number.isdecimal() and int(number) <= LARGEST_DATABASE_ID:
        return Order.id == int(number)
    return or_(Order.buyer_email.icontains(query, autoescape=True), Order.public_id == query)


def _searched(kind: str, query: str) -> Select[Any]:
    """The newest things of a kind matching the query (every one of them, if it is empty)."""
    statements: dict[str, tuple[Select[Any], Callable[[str], ColumnElement[bool]]]] = {
        "users": (
            db.select(User).order_by(User.id.desc()),
            lambda text: User.email.icontains(text, autoescape=True),
        ),
        "stores": (
            db.select(Store).options(joinedload(Store.user)).order_by(Store.id.desc()),
            lambda text: Store.name.icontains(text, autoescape=True),
        ),
        "products": (
            db.select(Product).options(joinedload(Product.creator)).order_by(Product.id.desc()),
            lambda text: Product.name.icontains(text, autoescape=True),
        ),
        "orders": (db.select(Order).options(joinedload(Order.product)).order_by(Order.id.desc()), _order_condition),
    }
    statement, condition = statements[kind]
    return statement.where(condition(query)) if query else statement


@dataclass(frozen=True)
class Found:
    """The first things of a kind that match, and whether there are more."""

    items: list[Any]
    more: bool


def search(query: str, limit: int) -> dict[str, Found]:
    """For each kind (SEARCH_KINDS), the newest `limit` things matching the query: one query each."""
    found = {}
    for kind in SEARCH_KINDS:
        items = list(db.session.scalars(_searched(kind, query).limit(limit + 1)).unique())
        found[kind] = Found(items[:limit], len(items) > limit)
    return found


def search_kind(kind: str, query: str, page: int, per_page: int) -> Pagination:
    """One page of the things of one kind matching the query, newest first; 404 past the last page."""
    return db.paginate(_searched(kind, query), page=page, per_page=per_page, error_out=True)


# What a staff page shows, each in a constant number of queries.


def _actions_about(subject_type: str, subject_id: int, limit: int) -> list[StaffAction]:
    return list(
        db.session.scalars(
            db.select(StaffAction)
            .options(joinedload(StaffAction.staff))
            .where(StaffAction.subject_type == subject_type, StaffAction.subject_id == subject_id)
            .order_by(StaffAction.created_at.desc(), StaffAction.id.desc())
            .limit(limit)
        )
    )


def _paid_sales(condition: ColumnElement[bool]) -> Select[tuple[int]]:
    return db.select(func.count(Order.id)).join(Order.product).where(condition, Order.status == OrderStatus.PAID)


@dataclass(frozen=True)
class UserOverview:
    user: User
    products: list[Product]  # the newest, at most the limit asked
    more_products: bool
    orders_placed: int  # as a logged-in buyer
    orders_paid: int
    sales: int  # paid orders of their products
    actions: list[StaffAction]  # the latest audit lines about them


def user_overview(user_id: int, products_limit: int, actions_limit: int) -> UserOverview:
    """A user with their store, newest products, order counts and latest audit lines; 404 if unknown."""
    user = db.get_or_404(User, user_id)
    products = list(
        db.session.scalars(
            db.select(Product)
            .where(Product.creator_id == user.id)
            .order_by(Product.id.desc())
            .limit(products_limit + 1)
        )
    )
    placed = db.select(func.count(Order.id)).where(Order.buyer_id == user.id)
    paid = placed.where(Order.status == OrderStatus.PAID)
    sales = _paid_sales(Product.creator_id == user.id)
    counts = db.session.execute(
        db.select(placed.scalar_subquery(), paid.scalar_subquery(), sales.scalar_subquery())
    ).one()
    return UserOverview(
        user,
        products[:products_limit],
        len(products) > products_limit,
        *counts,
        _actions_about(USER, user.id, actions_limit),
    )


@dataclass(frozen=True)
class ProductOverview:
    product: Product
    sales: int  # paid orders
    actions: list[StaffAction]


def product_overview(product_id: int, actions_limit: int) -> ProductOverview:
    """A product with its creator and store, its paid orders count and latest audit lines; 404 if unknown."""
    product = db.one_or_404(
        db.select(Product)
        .options(joinedload(Product.creator), joinedload(Product.store))
        .where(Product.id == product_id)
    )
    sales = db.session.scalar(_paid_sales(Order.product_id == product.id)) or 0
    return ProductOverview(product, sales, _actions_about(PRODUCT, product.id, actions_limit))


def get_order(order_id: int) -> Order:
    """An order with its product, store, buyer and discount code; 404 if unknown."""
    return db.one_or_404(
        db.select(Order)
        .options(
            joinedload(Order.product).joinedload(Product.store),
            joinedload(Order.buyer),
            joinedload(Order.discount_code),
        )
        .where(Order.id == order_id)
    )


def product_state(product: Product) -> str:
    """Where a product stands, in a word or two: deleted, taken down, published or draft."""
    if product.is_deleted:
        return "deleted"
    if product.taken_down_at is not None:
        return "taken down"
    return "published" if product.is_published else "draft"


# The audit log.


def _newest_actions() -> Select[tuple[StaffAction]]:
    return (
        db.select(StaffAction)
        .options(joinedload(StaffAction.staff))
        .order_by(StaffAction.created_at.desc(), StaffAction.id.desc())
    )


def latest_actions(limit: int) -> list[StaffAction]:
    return list(db.session.scalars(_newest_actions().limit(limit)))


def audit_log(
    page: int,
    per_page: int,
    staff_id: int | None = None,
    subject_type: str | None = None,
    subject_id: int | None = None,
) -> Pagination:
    """One page of the audit log, newest first, maybe of one staff member or about one subject; 404 past the end."""
    statement = _newest_actions()
    if staff_id is not None:
        statement = statement.where(StaffAction.staff_id == staff_id)
    if subject_type is not None:
        statement = statement.where(StaffAction.subject_type == subject_type)
    if subject_id is not None:
        statement = statement.where(StaffAction.subject_id == subject_id)
    return db.paginate(statement, page=page, per_page=per_page, error_out=True)


def subject_names(actions: list[StaffAction]) -> dict[tuple[str, int], str]:
    """What each action was about, by (subject type, id): a user's email, a product's name (a query per type)."""
    names: dict[tuple[str, int], str] = {}
    for subject_type, model, name in ((USER, User, User.email), (PRODUCT, Product, Product.name)):
        ids = {action.subject_id for action in actions if action.subject_type == subject_type}
        if ids:
            rows = db.session.execute(db.select(model.id, name).where(model.id.in_(ids)))
            names |= {(subject_type, subject_id): subject_name for subject_id, subject_name in rows}
    return names


def audit_staff() -> list[User]:
    """The staff members one may filter the audit log by: staff now, or who acted before."""
    acted = db.select(StaffAction.staff_id)
    return list(db.session.scalars(db.select(User).where(or_(User.is_staff, User.id.in_(acted))).order_by(User.email)))


# Acting: each action changes its subject and writes its audit line in one commit, then emails the owner.


def check_reason(reason: str | None) -> str:
    """Return the reason trimmed; raise ValueError if it is not a few words, or too long."""
    cleaned = (reason or "").strip()
    if len(cleaned.split()) < REASON_MIN_WORDS:
        raise ValueError(f"Say why in a few words (at least {REASON_MIN_WORDS}): the owner reads it in an email.")
    if len(cleaned) > REASON_MAX_LENGTH:
        raise ValueError(f"Use at most {REASON_MAX_LENGTH:,} characters.")
    return cleaned


def _record(staff: User, action: str, subject: User | Product, reason: str) -> None:
    """Write the audit line, commit it with the change, then email the subject's owner about it."""
    subject_type = USER if isinstance(subject, User) else PRODUCT
    line = StaffAction(
        staff_id=staff.id, action=action, subject_type=subject_type, subject_id=subject.id, reason=reason
    )
    db.session.add(line)
    db.session.commit()
    enqueue(send_staff_action_email, line.id)


def _refuse_if_deleted(subject: User | Product) -> None:
    if isinstance(subject, User) and subject.is_deleted:
        raise StaffActionRefused("This account was deleted by its owner: there is nothing left to act on.")
    if isinstance(subject, Product) and subject.is_deleted:
        raise StaffActionRefused(f"“{subject.name}” was deleted by its creator: it is not on the site.")


def suspend_user(staff: User, user: User, reason: str) -> None:
    """Suspend a user: logged out everywhere, cannot log in, their store and products off the site.

    Raises StaffActionRefused for oneself, another staff member or a deleted account; AlreadyInEffect
    if they are suspended already.
    """
    reason = check_reason(reason)
    if user.id == staff.id:
        raise StaffActionRefused("You cannot suspend yourself.")
    if user.is_staff:
        raise StaffActionRefused(
            f"{user.email} is a staff member, who cannot be suspended: revoke their access first (flask staff revoke)."
        )
    _refuse_if_deleted(user)
    if user.is_suspended:
        raise AlreadyInEffect(f"{user.email} is already suspended: nothing changed.")
    user.suspended_at, user.suspension_reason = utc_now(), reason
    user.session_version += 1
    _record(staff, SUSPEND_USER, user, reason)


def lift_suspension(staff: User, user: User, reason: str) -> None:
    """Let a suspended user log in again, their store and products back. Raises AlreadyInEffect if not suspended."""
    reason = check_reason(reason)
    _refuse_if_deleted(user)
    if not user.is_suspended:
        raise AlreadyInEffect(f"{user.email} is not suspended: nothing changed.")
    user.suspended_at, user.suspension_reason = None, None
    _record(staff, LIFT_SUSPENSION, user, reason)


def take_down_product(staff: User, product: Product, reason: str) -> None:
    """Unpublish a product, which its creator cannot publish again until staff allow it.

    Raises StaffActionRefused for a deleted product, AlreadyInEffect if it is taken down already.
    """
    reason = check_reason(reason)
    _refuse_if_deleted(product)
    if product.taken_down_at is not None:
        raise AlreadyInEffect(f"“{product.name}” is already taken down: nothing changed.")
    product.published_at = None
    product.taken_down_at, product.takedown_reason = utc_now(), reason
    _record(staff, TAKE_DOWN_PRODUCT, product, reason)


def allow_product(staff: User, product: Product, reason: str) -> None:
    """Let a taken-down product be published again (it stays a draft). Raises AlreadyInEffect if not taken down."""
    reason = check_reason(reason)
    _refuse_if_deleted(product)
    if product.taken_down_at is None:
        raise AlreadyInEffect(f"“{product.name}” is not taken down: nothing changed.")
    product.taken_down_at, product.takedown_reason = None, None
    _record(staff, ALLOW_PRODUCT, product, reason)


# (subject line, template under templates/emails) of the email each action sends its subject's owner.
OWNER_EMAILS = {
    SUSPEND_USER: ("Your Yumroad account is suspended", "staff_suspended"),
    LIFT_SUSPENSION: ("Your Yumroad account is open again", "staff_suspension_lifted"),
    TAKE_DOWN_PRODUCT: ("Your product was taken down from Yumroad", "staff_taken_down"),
    ALLOW_PRODUCT: ("Your product may be published again", "staff_allowed"),
}


def send_staff_action_email(staff_action_id: int) -> None:
    """Tell a user, or a product's creator, what staff did and why. A background job; raises EmailNotSent."""
    action = db.session.get(StaffAction, staff_action_id)
    if action is None:
        return
    product = db.session.get(Product, action.subject_id) if action.subject_type == PRODUCT else None
    owner = product.creator if product is not None else db.session.get(User, action.subject_id)
    if owner is None or owner.is_deleted:  # gone since: nobody to tell
        return
    subject, template = OWNER_EMAILS[action.action]
    send_email(
        owner.email,
        subject,
        template,
        user=owner,
        product=product,
        reason=action.reason,
        product_link=public_url_for("products.show", product_id=product.id) if product else None,
        login_link=public_url_for("users.login"),
    )
