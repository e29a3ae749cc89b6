import contextvars
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from tests.browser import submit_form
from tests.factories import PASSWORD, StoreFactory
from yumroad import create_app
from yumroad.extensions import db
from yumroad.models import User


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in a fresh context, as in a real server.

    Without this, `g` and `db.session` from the test's own app context leak into requests, and a
    user logged in on one client would show up on another.
    """

    def open(self, *args, **kwargs):  # type: ignore[override]
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(request: pytest.FixtureRequest, tmp_path) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "WTF_CSRF_ENABLED": request.node.get_closest_marker("csrf") is not None,
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """An anonymous visitor. (pytest-flask's own opens it `with`, which keeps request contexts alive.)"""
    return app.test_client()


@pytest.fixture
def creator() -> User:
    """A user with a store."""
    return StoreFactory().user


@pytest.fixture
def log_in(app: Flask) -> Callable[[User], FlaskClient]:
    """Return a function that logs a user in through the login form and returns their own client."""

    def log_in_as(user: User, password: str = PASSWORD) -> FlaskClient:
        client = app.test_client()
        response = submit_form(client, "/login", {"email": user.email, "password": password})
        assert response.status_code == 302, response.text
        return client

    return log_in_as


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], AbstractContextManager[list[str]]]:
    """Return a context manager that lists the SQL statements run inside it."""

    @contextmanager
    def recording() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany) -> None:
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return recording
