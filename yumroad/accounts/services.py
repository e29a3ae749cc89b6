"""Accounts: resetting a forgotten password, confirming and changing an email address, ending sessions."""

from sqlalchemy.exc import IntegrityError

from yumroad.accounts.tokens import (
    LinkProblem,
    LinkPurpose,
    UsedLink,
    describe_lifetime,
    email_change_link,
    email_verification_link,
    lifetime,
    password_reset_link,
    read_token,
    reset_fingerprint,
)
from yumroad.downloads.services import attach_guest_orders
from yumroad.emails import send_email
from yumroad.extensions import db
from yumroad.jobs import enqueue
from yumroad.models import User, hash_password, normalize_email, utc_now
from yumroad.users.services import EmailAlreadyRegistered, email_is_registered


class WrongPassword(Exception):
    """The password typed to confirm a change is not the account's."""


class SameEmail(Exception):
    """The new email address is the one the account already has."""


class EmailTakenMeanwhile(LinkProblem):
    """An email change link whose new address another account took since it was sent."""

    status = 409

    def __init__(self, email: str) -> None:
        super().__init__(email)
        self.reason = f"{email} is now used by another account, so your address cannot change to it."


class ChangedAddress(UsedLink):
    reason = "This link was for an email address your account no longer uses."


def _user_of_link(user_id: object) -> User:
    """The account a genuine link names, if it can still use it: not deleted or suspended. Raises UsedLink."""
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active:
        raise UsedLink
    return user


def _mark_verified(user: User) -> None:
    """Record that the user owns their address, and give them its guest orders; the caller commits."""
    if user.email_verified_at is None:
        user.email_verified_at = utc_now()
    db.session.flush()
    attach_guest_orders(user.email)


# Resetting a forgotten password.


def request_password_reset(email: str) -> None:
    """Send a reset link to this address if an account uses it, from a job that looks it up itself.

    The request does the same work for any address, known or not, so that its answer and its timing
    tell nobody whether an account uses it.
    """
    enqueue(send_password_reset_link, normalize_email(email))


def send_password_reset_link(email: str) -> None:
    """Email a password reset link to the account using `email`, if any (a job; raises EmailNotSent)."""
    user = db.session.scalar(db.select(User).where(User.email == normalize_email(email)))
    if user is None or not user.is_active:  # nobody, or an account that may not log in anyway
        return
    send_email(
        user.email,
        "Choose a new Yumroad password",
        "password_reset",
        link=password_reset_link(user),
        lifetime=describe_lifetime(lifetime(LinkPurpose.PASSWORD_RESET)),
    )


def user_of_reset_link(token: str) -> User:
    """The account whose password a reset link may change. Raises TamperedLink, ExpiredLink, UsedLink."""
    user_id, fingerprint = read_token(LinkPurpose.PASSWORD_RESET, token, length=2)
    user = _user_of_link(user_id)
    if fingerprint != reset_fingerprint(user):  # the password (or the email) changed since: used
        raise UsedLink
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password through a reset link, once; every other login of the account ends.

    Following the link proved the user owns the address, so it counts as confirmed.
    Raises TamperedLink, ExpiredLink, UsedLink (also when another use of the link won a race).
    """
    user = user_of_reset_link(token)
    # Only if the password is still the one the link was made for: of two uses at once, one wins.
    won = db.session.execute(
        db.update(User)
        .where(User.id == user.id, User.password_hash == user.password_hash)
        .values(password_hash=hash_password(new_password), session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    if won.rowcount != 1:
        db.session.rollback()
        raise UsedLink
    db.session.refresh(user)
    _mark_verified(user)
    db.session.commit()
    return user


# Confirming an email address.


def send_verification_email(user_id: int) -> None:
    """Email a user the link that confirms their address, unless it is confirmed (a job; raises EmailNotSent)."""
    user = db.session.get(User, user_id)
    if user is None or user.is_verified or not user.is_active:
        return
    send_email(
        user.email,
        "Confirm your email address",
        "confirm_email",
        link=email_verification_link(user),
        lifetime=describe_lifetime(lifetime(LinkPurpose.EMAIL_VERIFICATION)),
    )


def request_verification_email(user: User) -> bool:
    """Send the user a new confirmation link; False (and nothing sent) if their address is confirmed."""
    if user.is_verified:
        return False
    enqueue(send_verification_email, user.id)
    return True


def verify_email(token: str) -> tuple[User, bool]:
    """Confirm the address a link was sent to; return its user and whether it was confirmed just now.

    Raises TamperedLink, ExpiredLink, UsedLink (ChangedAddress if the account's address changed since).
    """
    user_id, email = read_token(LinkPurpose.EMAIL_VERIFICATION, token, length=2)
    user = _user_of_link(user_id)
    if user.email != email:
        raise ChangedAddress
    if user.is_verified:
        return user, False
    _mark_verified(user)
    db.session.commit()
    return user, True


def mark_email_verified(user: User) -> None:
    """Count the user's address as confirmed without a link (demo data, the command line)."""
    _mark_verified(user)
    db.session.commit()


# Changing an email address.


def request_email_change(user: User, new_email: str, password: str) -> str:
    """Send a link to `new_email` that makes it the user's address once followed; return it normalised.

    Raises WrongPassword, SameEmail, EmailAlreadyRegistered. The address does not change here.
    """
    new_email = normalize_email(new_email)
    if not user.check_password(password):
        raise WrongPassword
    if new_email == user.email:
        raise SameEmail
    if email_is_registered(new_email):
        raise EmailAlreadyRegistered(new_email)
    enqueue(send_email_change_link, user.id, new_email)
    return new_email


def send_email_change_link(user_id: int, new_email: str) -> None:
    """Email the link that confirms an email change to the new address (a job; raises EmailNotSent)."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return
    send_email(
        new_email,
        "Confirm your new email address",
        "confirm_new_email",
        user=user,
        new_email=new_email,
        link=email_change_link(user, new_email),
        lifetime=describe_lifetime(lifetime(LinkPurpose.EMAIL_CHANGE)),
    )


def change_email(token: str) -> tuple[User, str]:
    """Make the new address of an email change link the account's, confirmed; return the user and
    their old address, which is told of the change.

    Raises TamperedLink, ExpiredLink, UsedLink (ChangedAddress if the address changed since the link
    was sent), EmailTakenMeanwhile.
    """
    user_id, current_email, new_email = read_token(LinkPurpose.EMAIL_CHANGE, token, length=3)
    user = _user_of_link(user_id)
    if user.email != current_email:
        raise ChangedAddress
    if email_is_registered(new_email):
        raise EmailTakenMeanwhile(new_email)
    user.email = new_email
    user.email_verified_at = utc_now()  # they followed a link sent to it
    try:
        _mark_verified(user)
        db.session.commit()
    except IntegrityError as error:  # another account took it at this very moment
        db.session.rollback()
        raise EmailTakenMeanwhile(new_email) from error
    enqueue(send_email_changed_notice, current_email, new_email)
    return user, current_email


def send_email_changed_notice(old_email: str, new_email: str) -> None:
    """Tell an account's old address that the account now uses another (a job; raises EmailNotSent)."""
    send_email(
        old_email,
        "Your Yumroad email address was changed",
        "email_changed",
        old_email=old_email,
        new_email=new_email,
    )


# Passwords and sessions, from the settings.


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Replace the user's password and end every login of theirs (the caller logs this one in again).

    Raises WrongPassword.
    """
    if not user.check_password(current_password):
        raise WrongPassword
    user.set_password(new_password)
    user.session_version += 1
    db.session.commit()


def end_every_session(user: User) -> None:
    """Log the user out everywhere: every session and "remember me" cookie of theirs stops working."""
    user.session_version += 1
    db.session.commit()
