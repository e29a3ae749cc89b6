"""Building the app for tests: every request in its own context, uploads and mail in a temp folder."""

import contextvars
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

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
    """An app on an in-memory database (unless overridden), with its tables made."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "WTF_CSRF_ENABLED": False,
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "MAIL_OUTBOX_FOLDER": str(folder / "outbox"),
            "PAYMENT_PROVIDER": "test",
            "PUBLIC_URL": "http://yumroad.test",
            "RATELIMIT_ENABLED": False,  # tests/functional/test_rate_limits.py switches them on
            **overrides,
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
    return app


def drop_everything(app: Flask) -> None:
    with app.app_context():
        db.drop_all()
        db.engine.dispose()
