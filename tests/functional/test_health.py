"""GET /healthz: what a load balancer asks. The database and Redis are real, or really unreachable."""

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.apps import IsolatedClient, drop_everything, make_app
from tests.servers import free_port
from yumroad import create_app
from yumroad.extensions import db

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")


def test_healthy_on_sqlite_without_redis(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "not configured"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_needs_no_login_and_is_never_rate_limited(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_APPLICATION="3 per minute")
    client = app.test_client()
    assert {client.get("/healthz").status_code for _ in range(50)} == {200}
    assert [client.get("/").status_code for _ in range(4)] == [200, 200, 200, 429]
    drop_everything(app)


def test_a_database_without_the_apps_tables_is_unhealthy(app, client, caplog):
    with app.app_context():
        db.session.execute(text('ALTER TABLE "user" RENAME TO user_gone'))
        db.session.commit()

    response = client.get("/healthz")

    with app.app_context():  # put it back: on PostgreSQL the next test reuses this database
        db.session.execute(text('ALTER TABLE user_gone RENAME TO "user"'))
        db.session.commit()

    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "error", "redis": "not configured"}
    assert "Health check: the database is not answering" in caplog.text


def unreachable_postgresql_app(folder: Path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://yumroad@127.0.0.1:{free_port()}/yumroad_serve_none",
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "MAIL_OUTBOX_FOLDER": str(folder / "outbox"),
            "RATELIMIT_ENABLED": False,
        }
    )
    app.test_client_class = IsolatedClient
    return app


def test_a_postgresql_server_that_is_not_there_is_unhealthy(tmp_path):
    app = unreachable_postgresql_app(tmp_path)

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "error", "redis": "not configured"}
    with app.app_context():
        db.engine.dispose()


def test_redis_that_is_not_there_is_unhealthy(tmp_path, caplog):
    app = make_app(tmp_path, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "ok", "redis": "error"}
    assert "Health check: Redis is not answering" in caplog.text
    drop_everything(app)


@pytest.mark.skipif(TEST_REDIS_URL is None, reason="TEST_REDIS_URL is not set")
def test_healthy_with_real_redis(tmp_path):
    app = make_app(tmp_path, REDIS_URL=TEST_REDIS_URL)

    response = app.test_client().get("/healthz")

    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "ok"}
    drop_everything(app)


def test_pages_answer_503_not_500_while_the_database_is_down(tmp_path, caplog):
    app = unreachable_postgresql_app(tmp_path)

    for path in ("/", "/product/", "/stores"):
        response = app.test_client().get(path)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"] == "10"
        assert "We cannot reach our database right now" in response.text
    assert "the database is not answering" in caplog.text
    with app.app_context():
        db.engine.dispose()
