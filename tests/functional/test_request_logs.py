"""One structured log line per request, request ids, errors logged with theirs, and Sentry when set up."""

import gzip
import json
import subprocess
import sys
import uuid
import zlib

import pytest
import sentry_sdk

from tests.apps import drop_everything, make_app
from tests.factories import UserFactory
from yumroad.observability import log_format


@pytest.fixture
def json_app(tmp_path):
    app = make_app(tmp_path, LOG_FORMAT="json")
    app.config["PROPAGATE_EXCEPTIONS"] = False  # an unexpected error gets the 500 page, as in production

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    yield app
    drop_everything(app)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def request_lines(text: str) -> list[dict]:
    return [line for line in json_lines(text) if line["logger"] == "yumroad.requests"]


def test_each_request_is_one_json_line(json_app, capsys):
    response = json_app.test_client().get("/login?next=/library", environ_base={"REMOTE_ADDR": "192.0.2.5"})

    [line] = request_lines(capsys.readouterr().err)
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert {key: line[key] for key in ("level", "method", "path", "status", "user_id", "remote_addr")} == {
        "level": "INFO",
        "method": "GET",
        "path": "/login",
        "status": 200,
        "user_id": None,
        "remote_addr": "192.0.2.5",
    }
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["message"] == f"GET /login 200 {line['duration_ms']}ms"


def test_the_logged_in_users_id_is_logged(json_app, capsys):
    with json_app.app_context():
        user = UserFactory(email="fan@example.com")
        user_id = user.id
    client = json_app.test_client()
    client.post("/login", data={"email": "fan@example.com", "password": "correct horse battery"})
    capsys.readouterr()

    client.get("/library")

    [line] = request_lines(capsys.readouterr().err)
    assert (line["path"], line["status"], line["user_id"]) == ("/library", 200, user_id)


def test_a_request_id_from_the_proxy_is_kept_and_a_strange_one_replaced(json_app, capsys):
    client = json_app.test_client()

    kept = client.get("/", headers={"X-Request-ID": "lb-4f2a.9"})
    replaced = client.get("/", headers={"X-Request-ID": "<script> and more"})

    assert kept.headers["X-Request-ID"] == "lb-4f2a.9"
    assert replaced.headers["X-Request-ID"] != "<script> and more"
    assert len(replaced.headers["X-Request-ID"]) == 32
    lines = request_lines(capsys.readouterr().err)
    assert [line["request_id"] for line in lines] == ["lb-4f2a.9", replaced.headers["X-Request-ID"]]


def test_an_error_is_logged_with_its_request_id_and_traceback(json_app, capsys):
    response = json_app.test_client().get("/boom", headers={"X-Request-ID": "trace-me"})

    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "trace-me"
    lines = json_lines(capsys.readouterr().err)
    [error] = [line for line in lines if line["level"] == "ERROR"]
    assert error["request_id"] == "trace-me"
    assert "RuntimeError: kaboom" in error["exception"]
    assert [line["status"] for line in request_lines("\n".join(map(json.dumps, lines)))] == [500]


def test_a_download_token_never_reaches_the_logs(json_app, capsys):
    token = f"secret-{uuid.uuid4().hex}"

    @json_app.get("/download/<token>/boom")
    def boom_with_a_token(token):
        raise RuntimeError("kaboom")

    client = json_app.test_client()
    assert client.get(f"/download/{token}").status_code == 410  # not a link of ours
    assert client.get(f"/download/{token}/boom").status_code == 500
    assert client.get("/download/fresh-links").status_code == 200

    logged = capsys.readouterr().err
    assert token not in logged
    assert [line["path"] for line in request_lines(logged)] == [
        "/download/<token>",
        "/download/<token>/boom",
        "/download/fresh-links",
    ]
    assert "Exception on /download/<token>/boom [GET]" in logged


def test_development_logs_are_readable_text(tmp_path, capsys):
    app = make_app(tmp_path)

    response = app.test_client().get("/stores")

    [line] = [line for line in capsys.readouterr().err.splitlines() if "yumroad.requests" in line]
    assert f"INFO yumroad.requests [{response.headers['X-Request-ID']}] GET /stores 200 " in line
    drop_everything(app)


def test_the_log_format_follows_the_environment():
    assert log_format({"YUMROAD_ENV": "production"}) == "json"
    assert log_format({"YUMROAD_ENV": "development"}) == "text"
    assert log_format({"YUMROAD_ENV": "production", "LOG_FORMAT": "text"}) == "text"
    with pytest.raises(RuntimeError, match="LOG_FORMAT must be 'json' or 'text', not 'xml'"):
        log_format({"YUMROAD_ENV": "development", "LOG_FORMAT": "xml"})


def test_without_a_dsn_sentry_is_not_even_imported():
    program = "import sys, yumroad; yumroad.create_app(); print('sentry_sdk' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == "False"


def envelope_text(request) -> str:
    body = request.get_data()
    encoding = request.headers.get("Content-Encoding", "")
    if encoding == "gzip":
        body = gzip.decompress(body)
    elif encoding == "deflate":
        body = zlib.decompress(body)
    return body.decode()


@pytest.fixture
def sentry_reset():
    yield
    sentry_sdk.get_client().close(timeout=2)
    sentry_sdk.get_global_scope().set_client(None)


def test_with_a_dsn_errors_reach_sentry(tmp_path, httpserver, sentry_reset):
    httpserver.expect_request("/api/1/envelope/", method="POST").respond_with_json({})
    app = make_app(tmp_path, SENTRY_DSN=f"http://public-key@127.0.0.1:{httpserver.port}/1")
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.post("/download/<token>/boom")
    def boom(token):
        raise RuntimeError("kaboom for sentry")

    # Values made at run time: the event quotes the source around the error, so literals would be in it.
    cookie, address = uuid.uuid4().hex, f"192.0.2.{uuid.uuid4().int % 200 + 10}"
    token, email = uuid.uuid4().hex, f"{uuid.uuid4().hex}@example.com"
    client = app.test_client()
    response = client.post(
        f"/download/{token}/boom",
        data={"email": email},
        headers={"Cookie": f"session={cookie}"},
        environ_base={"REMOTE_ADDR": address},
    )
    sentry_sdk.flush(timeout=5)

    assert response.status_code == 500
    envelopes = [envelope_text(request) for request, _response in httpserver.log]
    [event] = [text for text in envelopes if "kaboom for sentry" in text]
    assert "RuntimeError" in event
    assert cookie not in event
    assert address not in event
    assert token not in event
    assert email not in event
    assert "/download/<token>/boom" in event
    assert sentry_sdk.get_client().options["data_collection"]["user_info"] is False
    drop_everything(app)
