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

import os
import secrets
from itertools import chain
from typing import Any

from flask import Flask, current_app, g, has_app_context, request, session
from flask.typing import ResponseReturnValue
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE
from flask_sqlalchemy.session import Session
from flask_wtf.csrf import generate_csrf
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, UOWTransaction
from werkzeug.wrappers import Response

from yumroad.extensions import cache

CACHED_PAGES = frozenset({"landing.index", "products.index", "products.show", "stores.index", "stores.show"})
# The tables those pages show (order: a sale moves a product up "popular" and its sales count).
SHOWN_TABLES = frozenset({"user", "store", "product", "review", "order"})
GENERATION_KEY = "pages-generation"
CSRF_PLACEHOLDER = "\x00csrf-token\x00"
CACHE_FAILURES = (RedisError, OSError)


def cache_settings(config: dict[str, Any], instance_path: str) -> dict[str, Any]:
    """Flask-Caching's settings for the page cache, unless the environment chose its own CACHE_TYPE."""
    seconds = config["PAGE_CACHE_SECONDS"]
    if seconds <= 0:
        return {"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}
    settings: dict[str, Any] = {"CACHE_DEFAULT_TIMEOUT": seconds, "CACHE_KEY_PREFIX": "yumroad:"}
    if config.get("REDIS_URL"):
        return settings | {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": config["REDIS_URL"]}
    return settings | {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": os.path.join(instance_path, "page-cache")}


def register_page_cache(app: Flask) -> None:
    for key, value in cache_settings(app.config, app.instance_path).items():
        app.config.setdefault(key, value)
    cache.init_app(app)
    app.before_request(serve_kept_page)
    app.after_request(keep_page)


def _is_cacheable_request() -> bool:
    return (
        request.method == "GET"
        and request.endpoint in CACHED_PAGES
        and "_user_id" not in session
        and "_flashes" not in session
        and current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE) not in request.cookies
    )


def _page_key() -> str | None:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = secrets.token_hex(8)
        cache.set(GENERATION_KEY, generation, timeout=0)
    return f"page:{generation}:{request.full_path}"


def serve_kept_page() -> ResponseReturnValue | None:
    """Answer from the cache if this page is kept; else note where to keep it once rendered."""
    if not _is_cacheable_request():
        return None
    try:
        key = _page_key()
        kept = cache.get(key)
    except CACHE_FAILURES:
        current_app.logger.warning("page cache unreachable: serving %s uncached", request.path, exc_info=True)
        return None
    if kept is None:
        g.page_cache_key = key
        return None
    if CSRF_PLACEHOLDER in kept:
        kept = kept.replace(CSRF_PLACEHOLDER, generate_csrf())
    return Response(kept, mimetype="text/html", headers={"X-Cache": "hit"})


def keep_page(response: Response) -> Response:
    key = g.pop("page_cache_key", None)
    if key is None or response.status_code != 200 or response.mimetype != "text/html":
        return response
    page = response.get_data(as_text=True)
    token = g.get("csrf_token")
    if token:
        page = page.replace(token, CSRF_PLACEHOLDER)
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
    return table in SHOWN_TABLES


@event.listens_for(Session, "after_flush")
def _note_changed_rows(session: Session, flush_context: UOWTransaction) -> None:
    if any(_shows_on_pages(instance) for instance in chain(session.new, session.dirty, session.deleted)):
        session.info["pages_changed"] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state: ORMExecuteState) -> None:
    if state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in SHOWN_TABLES:
            state.session.info["pages_changed"] = True


@event.listens_for(Session, "after_commit")
def _forget_pages_after_commit(session: Session) -> None:
    if session.info.pop("pages_changed", False) and has_app_context() and "cache" in current_app.extensions:
        forget_kept_pages()


@event.listens_for(Session, "after_rollback")
def _nothing_changed_after_rollback(session: Session) -> None:
    session.info.pop("pages_changed", None)
