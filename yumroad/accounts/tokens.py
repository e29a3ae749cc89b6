"""Signed, expiring links for accounts: reset a password, confirm an email address, change it.

Each kind of link has its own salt, so a token made for one can never be used as another, and its
own lifetime setting. A token carries what must still hold when it is used (the password it may
replace, the address it confirms); the services check that, and so make each link single-use.
"""

import hashlib
from enum import StrEnum
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from yumroad.models import User
from yumroad.urls import public_url_for


class LinkPurpose(StrEnum):
    """What a link does; its value is the salt its tokens are signed with."""

    PASSWORD_RESET = "yumroad-password-reset"  # nosec B105: a salt's name, not a secret
    EMAIL_VERIFICATION = "yumroad-email-verification"
    EMAIL_CHANGE = "yumroad-email-change"


MAX_AGE_SETTINGS = {
    LinkPurpose.PASSWORD_RESET: "PASSWORD_RESET_MAX_AGE",
    LinkPurpose.EMAIL_VERIFICATION: "EMAIL_VERIFICATION_MAX_AGE",
    LinkPurpose.EMAIL_CHANGE: "EMAIL_CHANGE_MAX_AGE",
}


class LinkProblem(Exception):
    """An account link that cannot be used; `reason` is shown to its visitor, with HTTP `status`."""

    reason = "This link does not work."
    status = 410


class TamperedLink(LinkProblem):
    # 404: we never made this link (a character changed, or it was cut short when it was copied).
    reason = "This link is not valid: it may have been cut short when it was copied."
    status = 404


class ExpiredLink(LinkProblem):
    reason = "This link has expired."


class UsedLink(LinkProblem):
    reason = "This link has already been used, or no longer applies."


def _serializer(purpose: LinkPurpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose.value)


def lifetime(purpose: LinkPurpose) -> int:
    """How many seconds a link for this purpose works (its setting)."""
    return current_app.config[MAX_AGE_SETTINGS[purpose]]


def make_token(purpose: LinkPurpose, *values: Any) -> str:
    """Sign `values` (ids and strings) for a link of this purpose."""
    return _serializer(purpose).dumps(list(values))


def read_token(purpose: LinkPurpose, token: str, length: int) -> list[Any]:
    """The values a token of this purpose carries, if it is genuine, unexpired and of `length` values.

    Raises TamperedLink or ExpiredLink.
    """
    try:
        values = _serializer(purpose).loads(token, max_age=lifetime(purpose))
    except SignatureExpired as error:
        raise ExpiredLink from error
    except BadSignature as error:
        raise TamperedLink from error
    if not isinstance(values, list) or len(values) != length:
        raise TamperedLink
    return values


def reset_fingerprint(user: User) -> str:
    """A short digest of the user's password hash and email: a reset link carries it, and dies when
    either changes (the password is set: the link was used; the email moved: the old mailbox lost it).

    (Not the hash itself: a link may sit in a mailbox or a log, and must not leak what to attack.)
    """
    return hashlib.sha256(f"{user.password_hash}\0{user.email}".encode()).hexdigest()[:16]


def password_reset_link(user: User) -> str:
    """The full link that lets the owner of `user`'s email choose a new password, once."""
    token = make_token(LinkPurpose.PASSWORD_RESET, user.id, reset_fingerprint(user))
    return public_url_for("accounts.reset_password", token=token)


def email_verification_link(user: User) -> str:
    """The full link that confirms `user` owns their email address, while it is still theirs."""
    token = make_token(LinkPurpose.EMAIL_VERIFICATION, user.id, user.email)
    return public_url_for("accounts.verify_email", token=token)


def email_change_link(user: User, new_email: str) -> str:
    """The full link, sent to `new_email`, that makes it `user`'s address (while their address is unchanged)."""
    token = make_token(LinkPurpose.EMAIL_CHANGE, user.id, user.email, new_email)
    return public_url_for("accounts.confirm_email_change", token=token)


def describe_lifetime(seconds: int) -> str:
    """'an hour', '24 hours', '7 days', '10 minutes': how long a link works, in words."""
    if seconds >= 2 * 86400 and seconds % 86400 == 0:
        return f"{seconds // 86400} days"
    if seconds >= 3600 and seconds % 3600 == 0:
        return "an hour" if seconds == 3600 else f"{seconds // 3600} hours"
    minutes = max(1, round(seconds / 60))
    return "a minute" if minutes == 1 else f"{minutes} minutes"
