"""Building the app for tests: every request in its own context, uploads and mail in a temp folder."""

import contextvars
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests import postgres
from yumroad import create_app
from yumroad.extensions import db


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in a fresh context, as in a real server.

    Without this, `g` and `db.session` from the test's own app context leak into requests, and a
    user logged in on one client would show up on another.
    """

    def open(self, *args, **kwargs):  # type: ignore[override]
        # Buffered: a streamed body is read inside the request's context, as a server would.
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_app(folder: Path, **overrides: Any) -> Flask:
    """An app on an empty database with its tables made: in memory (unless overridden), or the
    session's PostgreSQL database with TEST_DATABASE_URL (see tests/postgres.py)."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": postgres.session_database_url() if postgres.on_postgres() else "sqlite://",
            "WTF_CSRF_ENABLED": False,
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "MAIL_OUTBOX_FOLDER": str(folder / "outbox"),
            "PAYMENT_PROVIDER": "test",
            "PUBLIC_URL": "http://yumroad.test",
            "REDIS_URL": None,  # whatever the shell says: the tests that use Redis pass TEST_REDIS_URL
            "CACHE_TYPE": "SimpleCache",  # the page cache is on, as in production, and each app has its own
            "RATELIMIT_ENABLED": False,  # tests/functional/test_rate_limits.py switches them on
            **overrides,
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        if postgres.is_session_database(app.config["SQLALCHEMY_DATABASE_URI"]):
            postgres.empty_every_table(db.session)
        else:
            db.create_all()
    return app


def shared_database_uri(folder: Path) -> str:
    """A database that threads (a served app, concurrent purchases) share: a file, or PostgreSQL."""
    return postgres.session_database_url() if postgres.on_postgres() else f"sqlite:///{folder / 'shared.db'}"


def drop_everything(app: Flask) -> None:
    with app.app_context():
        if not postgres.is_session_database(app.config["SQLALCHEMY_DATABASE_URI"]):
            db.drop_all()  # the session's PostgreSQL database is emptied by the next test instead
        db.engine.dispose()
