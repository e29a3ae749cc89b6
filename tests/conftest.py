from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from tests import postgres
from tests.apps import drop_everything, make_app
from tests.browser import submit_form
from tests.factories import PASSWORD, StoreFactory
from tests.servers import localstripe_server
from yumroad.extensions import db
from yumroad.models import User


@pytest.fixture(scope="session", autouse=True)
def _postgres_database() -> Iterator[None]:
    """With TEST_DATABASE_URL, drop the session's own database at the end (tests/postgres.py)."""
    yield
    postgres.drop_session_database()


@pytest.fixture(scope="session")
def localstripe() -> Iterator[str]:
    """localstripe, a fake Stripe server, in its own process for the session: its base URL."""
    with localstripe_server() as base_url:
        yield base_url


@pytest.fixture
def app(request: pytest.FixtureRequest, tmp_path) -> Iterator[Flask]:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=request.node.get_closest_marker("csrf") is not None)
    yield app
    drop_everything(app)


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
