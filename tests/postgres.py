"""The suite on PostgreSQL: with TEST_DATABASE_URL set, tests run on a database of their own.

TEST_DATABASE_URL names a server and a database to connect to for administration (for example
`postgresql+psycopg://root@127.0.0.1:5432/postgres`). The session creates a uniquely named database
next to it, makes the schema once, empties every table before each test (and restarts the ids, so they
start at 1 as on a fresh SQLite database), and drops the database at the end.
Unset, every test keeps its own in-memory SQLite database.
"""

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from yumroad import search  # noqa: F401 (adds the search index to the product table)
from yumroad.extensions import db

DATABASE_PREFIX = "yumroad_pg_test_"

_session_database: URL | None = None


def admin_url() -> URL | None:
    """The URL of TEST_DATABASE_URL, or None when the suite runs on SQLite."""
    value = os.environ.get("TEST_DATABASE_URL", "").strip()
    return make_url(value) if value else None


def on_postgres() -> bool:
    return admin_url() is not None


postgres_only = pytest.mark.skipif(admin_url() is None, reason="needs TEST_DATABASE_URL (PostgreSQL)")


@contextmanager
def scratch_database(suffix: str = "") -> Iterator[str]:
    """Create an empty, uniquely named database on TEST_DATABASE_URL's server; yield its URL; drop it."""
    url = create_database(suffix)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        drop_database(url)


def create_database(suffix: str = "") -> URL:
    admin = _admin_url_or_fail()
    name = f"{DATABASE_PREFIX}{os.getpid()}_{secrets.token_hex(4)}{suffix}"
    _run_outside_a_transaction(admin, f'CREATE DATABASE "{name}"')
    return admin.set(database=name)


def drop_database(url: URL) -> None:
    # FORCE: a connection a failed test left open must not keep the database alive.
    _run_outside_a_transaction(_admin_url_or_fail(), f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


def session_database_url() -> str:
    """The session's database, created with the schema on first use."""
    global _session_database
    if _session_database is None:
        url = create_database()
        engine = create_engine(url)
        try:
            db.metadata.create_all(engine)
        finally:
            engine.dispose()
        _session_database = url
    return _session_database.render_as_string(hide_password=False)


def drop_session_database() -> None:
    global _session_database
    if _session_database is not None:
        drop_database(_session_database)
        _session_database = None


def is_session_database(url: str) -> bool:
    return _session_database is not None and make_url(url) == _session_database


def empty_every_table(session: Session) -> None:
    """Delete every row and restart every id (DELETE: on a few rows, several times faster than TRUNCATE)."""
    for table in reversed(db.metadata.sorted_tables):
        session.execute(table.delete())
    session.execute(
        text(
            "SELECT setval(format('%I.%I', schemaname, sequencename), 1, false) "
            "FROM pg_sequences WHERE schemaname = current_schema()"
        )
    )
    session.commit()


def _admin_url_or_fail() -> URL:
    url = admin_url()
    if url is None:
        raise RuntimeError("TEST_DATABASE_URL is not set")
    return url


def _run_outside_a_transaction(url: URL, statement: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(statement)
    finally:
        engine.dispose()
