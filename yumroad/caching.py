"""The page cache: anonymous visitors' pages, kept whole and dropped when the data they show changes.

Only the pages in CACHED_PAGES are kept, only for a GET from a visitor who is not logged in and has
no flashed message waiting, and only when they answer 200. Each kept page is filed under the current
*generation*: a token that changes whenever a commit touches a table those pages show, so one write
makes every kept page stale at once, in every process that shares the cache. (Coarse, but never
wrong, and writes are rare next to reads.)

A page with a form holds its visitor's CSRF token: the kept copy holds a placeholder instead, and
each visitor gets their own token put back in.

The cache is Redis when REDIS_URL is set (shared by every process), else a folder in the instance
folder; PAGE_CACHE_SECONDS=0 turns it off. If the cache cannot be reached, pages are served
uncached and the failure is logged.
"""

import hmac
import os
import secrets
from itertools import chain
from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, g, has_app_context, request, session
from flask.typing import ResponseReturnValue
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE
from flask_sqlalchemy.session import Session
from flask_wtf.csrf import generate_csrf
from redis.exceptions import RedisError
from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, UOWTransaction
from werkzeug.wrappers import Response

from yumroad.extensions import cache

# The pages kept, each with the query arguments it reads: a page asked with any other is not kept, so
# made-up arguments cannot fill the cache.
CACHED_PAGES = {
    "landing.index": frozenset(),
    "products.index": frozenset({"q", "sort", "page"}),
    "products.show": frozenset({"reviews_page"}),
    "stores.index": frozenset({"page"}),
    "stores.show": frozenset({"page"}),
}
# The tables those pages show. An order shows only once paid (a sale moves a product up "popular"):
# of its changes, only those of its status count, not downloads, emails sent or new pending orders.
SHOWN_TABLES = frozenset({"user", "store", "product", "review"})
ORDER_TABLE, ORDER_STATUS = "order", "status"
GENERATION_KEY = "pages-generation"
CACHE_FAILURES = (RedisError, OSError)
# A Redis that hangs must not hang pages: give up on it fast and serve them uncached.
REDIS_OPTIONS = {"socket_timeout": 0.25, "socket_connect_timeout": 0.25}


def cache_settings(config: dict[str, Any], instance_path: str) -> dict[str, Any]:
    """Flask-Caching's settings for the page cache, unless the environment chose its own CACHE_TYPE."""
    seconds = config["PAGE_CACHE_SECONDS"]
    if seconds <= 0:
        return {"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}
    settings: dict[str, Any] = {"CACHE_DEFAULT_TIMEOUT": seconds, "CACHE_KEY_PREFIX": "yumroad:"}
    if config.get("REDIS_URL"):
        return settings | {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": config["REDIS_URL"],
            "CACHE_OPTIONS": REDIS_OPTIONS,
        }
    return settings | {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": os.path.join(instance_path, "page-cache")}


def register_page_cache(app: Flask) -> None:
    settings = cache_settings(app.config, app.instance_path)
    if app.config.get("CACHE_TYPE"):  # chosen by the environment (FLASK_CACHE_TYPE) or a test: keep it whole
        settings = {
            key: value for key, value in settings.items() if key in ("CACHE_DEFAULT_TIMEOUT", "CACHE_KEY_PREFIX")
        }
    for key, value in settings.items():
        if app.config.get(key) is None:
            app.config[key] = value
    cache.init_app(app)
    app.before_request(serve_kept_page)
    app.after_request(keep_page)


def _is_cacheable_request() -> bool:
    return (
        request.method == "GET"
        and request.endpoint in CACHED_PAGES
        and request.args.keys() <= CACHED_PAGES[request.endpoint]
        and "_user_id" not in session
        and "_flashes" not in session
        and current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE) not in request.cookies
    )


def _page_key(generation: str) -> str:
    arguments = sorted(request.args.items(multi=True))
    return f"page:{generation}:{request.path}?{urlencode(arguments)}"


def _kept_page() -> tuple[str, str | None]:
    """The key this page is kept under, and the page if it is kept.

    One round trip to the cache in the usual case: the generation this process saw last is asked for
    with the page filed under it, and the page counts only if that generation is still the current one.
    """
    last_seen = current_app.extensions.get("page-cache-generation", "")
    generation, kept = cache.get_many(GENERATION_KEY, _page_key(last_seen))
    if generation is None:
        generation = secrets.token_hex(8)
        cache.set(GENERATION_KEY, generation, timeout=0)
    if generation != last_seen:
        current_app.extensions["page-cache-generation"] = generation
        kept = cache.get(_page_key(generation))
    return _page_key(generation), kept


def _csrf_placeholder() -> str:
    """What a kept page holds instead of a CSRF token: secret, so no visitor can plant it in a page."""
    return "csrf-" + hmac.new(current_app.secret_key.encode(), b"page-cache-csrf", "sha256").hexdigest()[:32]


def serve_kept_page() -> ResponseReturnValue | None:
    """Answer from the cache if this page is kept; else note where to keep it once rendered."""
    if not _is_cacheable_request():
        return None
    try:
        key, kept = _kept_page()
    except CACHE_FAILURES:
        current_app.logger.warning("page cache unreachable: serving %s uncached", request.path, exc_info=True)
        return None
    if kept is None:
        g.page_cache_key = key
        return None
    placeholder = _csrf_placeholder()
    if placeholder in kept:
        kept = kept.replace(placeholder, generate_csrf())
    return Response(kept, mimetype="text/html", headers={"X-Cache": "hit"})


def keep_page(response: Response) -> Response:
    key = g.pop("page_cache_key", None)
    if key is None or response.status_code != 200 or response.mimetype != "text/html":
        return response
    page = response.get_data(as_text=True)
    token = g.get("csrf_token")
    if token:
        page = page.replace(token, _csrf_placeholder())
    try:
        cache.set(key, page)
    except CACHE_FAILURES:
        current_app.logger.warning("page cache unreachable: %s not kept", request.path, exc_info=True)
    response.headers["X-Cache"] = "miss"
    return response


def forget_kept_pages() -> None:
    """Make every kept page stale, everywhere the cache is shared."""
    try:
        cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=0)
    except CACHE_FAILURES:
        current_app.logger.error("page cache unreachable: kept pages stay until they expire", exc_info=True)


def _shows_on_pages(instance: object) -> bool:
    table = getattr(instance, "__tablename__", None)
    if table == ORDER_TABLE:
        return inspect(instance).attrs[ORDER_STATUS].history.has_changes()
    return table in SHOWN_TABLES


@event.listens_for(Session, "after_flush")
def _note_changed_rows(session: Session, flush_context: UOWTransaction) -> None:
    # Dirty rows whose own columns changed: adding an order to a product's list changes no column of it.
    changed = [row for row in session.dirty if session.is_modified(row, include_collections=False)]
    if any(_shows_on_pages(row) for row in chain(changed, session.deleted)) or any(
        getattr(row, "__tablename__", None) in SHOWN_TABLES for row in session.new
    ):
        session.info["pages_changed"] = True


def _bulk_change_shows_on_pages(statement: Any) -> bool:
    table = getattr(getattr(statement, "table", None), "name", None)
    if table == ORDER_TABLE:
        changed = getattr(statement, "_values", None) or {}
        return any(getattr(column, "key", column) == ORDER_STATUS for column in changed)
    return table in SHOWN_TABLES


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and _bulk_change_shows_on_pages(state.statement):
        state.session.info["pages_changed"] = True


@event.listens_for(Session, "after_commit")
def _forget_pages_after_commit(session: Session) -> None:
    if session.info.pop("pages_changed", False) and has_app_context() and "cache" in current_app.extensions:
        forget_kept_pages()


@event.listens_for(Session, "after_rollback")
def _nothing_changed_after_rollback(session: Session) -> None:
    session.info.pop("pages_changed", None)
