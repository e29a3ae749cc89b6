"""Who may see and change what: ownership is checked here and nowhere else."""

from typing import Protocol, TypeVar
from urllib.parse import urlsplit

from flask import abort
from flask_login import current_user

from yumroad.extensions import db


class Owned(Protocol):
    is_deleted: bool  # gone for everyone: 404
    is_public: bool  # others may know it exists: 403 to them, rather than 404

    def is_owned_by(self, user: object) -> bool: ...


OwnedModel = TypeVar("OwnedModel", bound=Owned)


def get_owned_or_403(model: type[OwnedModel], object_id: int) -> OwnedModel:
    """Return the object if the logged-in user owns it.

    404 if it does not exist (or is deleted, or is someone else's draft), 403 if it is public but not theirs.
    """
    owned = db.get_or_404(model, object_id)
    if owned.is_deleted:
        abort(404)
    if not owned.is_owned_by(current_user):
        abort(403 if owned.is_public else 404)
    return owned


def is_safe_redirect_target(target: str | None) -> bool:
    """True for a path on this site ('/product/3'); False for other hosts and tricks like '//x'."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(character < " " or character == "\x7f" for character in target):  # e.g. a newline in a header
        return False
    parts = urlsplit(target)
    return parts.scheme == "" and parts.netloc == ""
