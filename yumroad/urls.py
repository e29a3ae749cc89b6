"""Links that leave the site: in emails, and in the tags that describe a page to other sites."""

from contextlib import AbstractContextManager
from typing import Any

from flask import current_app, url_for


def public_url_for(endpoint: str, **values: Any) -> str:
    """A full link built on PUBLIC_URL, never on the Host header of the request that sent the email.

    (A Host header is the client's to choose: a link built on it could point a buyer elsewhere, and
    on a kept page, every visitor after.)
    """
    return public_url(url_for(endpoint, **values))


def public_url(path: str) -> str:
    """The full link, on PUBLIC_URL, of a path of the site: '/product/3' -> 'https://yumroad.com/product/3'."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def link_building_context() -> AbstractContextManager[object]:
    """A request context on PUBLIC_URL, for commands that send email (links need one)."""
    return current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"])
