"""gunicorn.conf.py, wsgi.py and `make prod` (scripts/serve-production), run for real in processes."""

import json
import os
import runpy
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from tests.apps import drop_everything, make_app
from tests.servers import free_port, wait_for_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def gunicorn_settings(monkeypatch, **environment: str) -> dict:
    for name in ("PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_BIND", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_settings_have_defaults_and_come_from_the_environment(monkeypatch):
    defaults = gunicorn_settings(monkeypatch)
    assert defaults["bind"] == "127.0.0.1:5000"
    assert defaults["worker_class"] == "gthread"
    assert defaults["workers"] == min((os.cpu_count() or 1) + 1, 8) and defaults["threads"] == 2
    assert defaults["accesslog"] is None  # the app logs each request itself

    environment = {"PORT": "8123", "WEB_CONCURRENCY": "3", "GUNICORN_THREADS": "8", "GUNICORN_TIMEOUT": "60"}
    chosen = gunicorn_settings(monkeypatch, **environment)
    assert (chosen["bind"], chosen["workers"], chosen["threads"], chosen["timeout"]) == ("127.0.0.1:8123", 3, 8, 60)
    assert gunicorn_settings(monkeypatch, GUNICORN_BIND="0.0.0.0:80")["bind"] == "0.0.0.0:80"
    with pytest.raises(RuntimeError, match="WEB_CONCURRENCY must be a whole number above 0, not 'many'"):
        gunicorn_settings(monkeypatch, WEB_CONCURRENCY="many")


@pytest.fixture
def database_url(tmp_path) -> str:
    """A SQLite file with the app's tables, as `flask db upgrade` would leave it."""
    url = f"sqlite:///{tmp_path / 'production.db'}"
    drop = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)
    with drop.app_context():
        from yumroad.extensions import db

        db.engine.dispose()
    return url


def production_environment(tmp_path: Path, database_url: str, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "a-test-secret",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "2",
        "LOG_FORMAT": "json",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "MAIL_OUTBOX_FOLDER": str(tmp_path / "outbox"),
        "PYTHONUNBUFFERED": "1",
    }


def test_gunicorn_serves_the_app_with_json_request_logs(tmp_path, database_url):
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [BIN / "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=production_environment(tmp_path, database_url, port),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, seconds=30)
        response = requests.get(f"http://127.0.0.1:{port}/healthz", headers={"X-Request-ID": "from-the-lb"}, timeout=10)
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok", "redis": "not configured"}
        assert response.headers["X-Request-ID"] == "from-the-lb"
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    assert [(line["path"], line["status"], line["request_id"]) for line in lines] == [("/healthz", 200, "from-the-lb")]


def test_make_prod_needs_the_database_and_redis():
    environment = {name: value for name, value in os.environ.items() if name not in ("DATABASE_URL", "REDIS_URL")}
    result = subprocess.run(
        ["scripts/serve-production"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert "make prod needs DATABASE_URL REDIS_URL" in result.stderr


# gunicorn gives its workers graceful_timeout (30 s) to stop; one still booting when TERM arrives (a
# busy machine) takes all of it, so the script may need that long to stop.
STOPPING_SECONDS = 60


def fake_worker_bin(folder: Path) -> Path:
    """BIN for the script: the real gunicorn and flask, except `flask worker`, which sleeps (its pid noted)."""
    folder.mkdir()
    (folder / "gunicorn").symlink_to(BIN / "gunicorn")
    flask = folder / "flask"
    flask.write_text(
        "#!/usr/bin/env bash\n"
        'if [[ "$1" == worker ]]; then\n'
        '  echo $$ > "$(dirname "$0")/worker.pid"; trap "exit 0" TERM; sleep 600 & wait $!; exit 0\n'
        "fi\n"
        f'exec "{BIN / "flask"}" "$@"\n'
    )
    flask.chmod(0o755)
    return folder


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@contextmanager
def make_prod(tmp_path: Path, database_url: str, port: int) -> Iterator[tuple[subprocess.Popen, Path]]:
    """Run scripts/serve-production (what `make prod` runs) in its own process group; yield it and its BIN."""
    bin_folder = fake_worker_bin(tmp_path / "bin")
    environment = {
        **production_environment(tmp_path, database_url, port),
        "REDIS_URL": "redis://127.0.0.1:6379/3",
        "BIN": str(bin_folder),
        "FLASK_APP": "yumroad",
    }
    with (tmp_path / "script.log").open("w") as log:
        script = subprocess.Popen(
            ["scripts/serve-production"],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal gives it
        )
    try:
        yield script, bin_folder
    finally:
        if script.poll() is None:
            os.killpg(script.pid, signal.SIGKILL)
            script.wait(timeout=10)


def started_worker(bin_folder: Path) -> int:
    wait_until(lambda: (bin_folder / "worker.pid").exists(), message="the worker started")
    return int((bin_folder / "worker.pid").read_text())


def test_make_prod_migrates_then_runs_web_and_worker_and_ctrl_c_stops_both(tmp_path):
    port = free_port()
    with make_prod(tmp_path, f"sqlite:///{tmp_path / 'fresh.db'}", port) as (script, bin_folder):
        wait_for_port(port, seconds=60)  # after `flask db upgrade` on an empty database
        response = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
        assert response.json()["database"] == "ok"  # migrated
        worker = started_worker(bin_folder)
        assert is_running(worker)

        os.killpg(script.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
        script.wait(timeout=STOPPING_SECONDS)

        wait_until(lambda: not is_running(worker), seconds=10, message="the worker stopped")
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
    assert "Running upgrade" in (tmp_path / "script.log").read_text()


def test_make_prod_stops_the_web_server_if_the_worker_dies(tmp_path):
    port = free_port()
    with make_prod(tmp_path, f"sqlite:///{tmp_path / 'fresh.db'}", port) as (script, bin_folder):
        wait_for_port(port, seconds=60)
        os.kill(started_worker(bin_folder), signal.SIGKILL)

        assert script.wait(timeout=STOPPING_SECONDS) != 0
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
    assert "a process stopped (exit 137); stopping the other" in (tmp_path / "script.log").read_text()


def test_make_prod_fails_when_a_part_stops_even_cleanly(tmp_path):
    """A worker told to stop exits 0; the stack is still down, and a supervisor must see a failure."""
    port = free_port()
    with make_prod(tmp_path, f"sqlite:///{tmp_path / 'fresh.db'}", port) as (script, bin_folder):
        wait_for_port(port, seconds=60)
        os.kill(started_worker(bin_folder), signal.SIGTERM)

        assert script.wait(timeout=STOPPING_SECONDS) == 1
    assert "a process stopped (exit 0); stopping the other" in (tmp_path / "script.log").read_text()


def test_wsgi_builds_the_app(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'wsgi.db'}")
    module = runpy.run_path(str(ROOT / "wsgi.py"))
    assert module["app"].name == "yumroad"
    drop_everything(module["app"])
