"""Accounts: signing up and logging in."""

from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from yumroad.accounts.tokens import LinkPurpose, describe_lifetime, email_verification_link, lifetime
from yumroad.emails import send_email
from yumroad.extensions import db
from yumroad.jobs import enqueue
from yumroad.models import Store, User, normalize_email
from yumroad.urls import public_url_for

# Checked against when the email is unknown, so that a wrong email takes as long as a wrong password.
_UNKNOWN_USER_HASH = generate_password_hash("no user has this password")


class EmailAlreadyRegistered(Exception):
    """Someone already signed up with this email (in any letter case)."""


def register_creator(email: str, password: str, store_name: str) -> User:
    """Create a user and their store in one transaction, and send a welcome email with the link
    that confirms their address (they publish once it is confirmed).

    Raises EmailAlreadyRegistered, and ValueError if the store name breaks the model's rule.
    """
    user = User.create(email, password)
    if email_is_registered(user.email):
        raise EmailAlreadyRegistered(user.email)
    user.store = Store(name=store_name)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        if email_is_registered(user.email):  # a sign-up with the same email won the race
            raise EmailAlreadyRegistered(user.email) from error
        raise
    enqueue(send_welcome_email, user.id)
    return user


def send_welcome_email(user_id: int) -> None:
    """Welcome a new creator, with links to their store. A background job; raises EmailNotSent."""
    user = db.session.get(User, user_id)
    if user is None or user.store is None:  # gone since they signed up
        return
    send_email(
        user.email,
        "Welcome to Yumroad",
        "welcome",
        store=user.store,
        store_link=public_url_for("stores.show", store_id=user.store.id),
        new_product_link=public_url_for("products.new"),
        verify_link=None if user.is_verified else email_verification_link(user),
        verify_lifetime=describe_lifetime(lifetime(LinkPurpose.EMAIL_VERIFICATION)),
    )


def email_is_registered(email: str) -> bool:
    """True if an account uses this address, in any letter case."""
    return db.session.scalar(db.select(User.id).where(User.email == normalize_email(email))) is not None


def authenticate(email: str, password: str) -> User | None:
    """Return the user with this email and password (maybe suspended: see User.is_active), or None."""
    user = db.session.scalar(db.select(User).where(User.email == normalize_email(email)))
    if user is None or user.is_deleted:
        check_password_hash(_UNKNOWN_USER_HASH, password)
        return None
    return user if user.check_password(password) else None
