"""`make bench`: the anonymous pages under load, served by gunicorn, on SQLite and on PostgreSQL.

For each database it seeds a fresh marketplace through the migrations (50 stores of 20 products, or
with --large 1,000 stores of 100: 100,000 products), starts gunicorn on 127.0.0.1 with the page cache
off, then on, and loads each page with wrk for BENCH_SECONDS (15) at BENCH_CONNECTIONS (16). In the
same run it loads bench/control_app.py (a bare Flask + SQLAlchemy + Jinja page reading 50 rows) under
the same gunicorn settings, just before each page, and reports each page's requests/s as a ratio to that
run (this machine's speed drifts over minutes). SQL queries per page
are counted in process, uncached. The table is printed and written to bench/RESULTS.md.

Settings: BENCH_POSTGRES_URL (an existing database to create the bench database from),
BENCH_REDIS_URL (the cache's Redis; the bench flushes that database), and gunicorn's own
WEB_CONCURRENCY and GUNICORN_THREADS (see gunicorn.conf.py).
"""

import argparse
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import redis  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.search_and_dashboard import WORDS  # noqa: E402
from yumroad import create_app  # noqa: E402
from yumroad.extensions import db  # noqa: E402
from yumroad.models import Order, OrderStatus, Product, Store, User, utc_now  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
CONTROL_SECONDS = int(os.environ.get("BENCH_CONTROL_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://root@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "RESULTS.md"
START, END = "<!-- serving: start -->", "<!-- serving: end -->"
PAGES = ["/", "/product/", "/stores", "/store/{store_id}", "/product/{product_id}"]


@dataclass
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


@dataclass
class Row:
    database: str
    products: int
    cache: str
    page: str
    load: Load
    queries: int | None
    control: float


def seed(database_url: str, stores: int, per_store: int) -> tuple[int, int]:
    """Build the schema through the migrations and fill it; return a store id and a product id to load."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "PAGE_CACHE_SECONDS": 0})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        password_hash = User.create("hash@example.com", "bench-password").password_hash
        now = utc_now()
        db.session.execute(
            db.insert(User),
            [{"email": f"creator{n}@example.com", "password_hash": password_hash} for n in range(stores)],
        )
        user_ids = db.session.scalars(db.select(User.id).order_by(User.id)).all()
        db.session.execute(
            db.insert(Store),
            [{"name": f"Store {n}", "description": "A bench store.", "user_id": id_} for n, id_ in enumerate(user_ids)],
        )
        store_rows = db.session.execute(db.select(Store.id, Store.user_id).order_by(Store.id)).all()
        for first in range(0, len(store_rows), 100):  # in slices: 100,000 rows at once is a lot of memory
            db.session.execute(
                db.insert(Product),
                [
                    {
                        "name": f"{WORDS[(store_id + n) % len(WORDS)].title()} {WORDS[n % len(WORDS)]} {n}",
                        "description": " ".join(WORDS[(n + k) % len(WORDS)] for k in range(20)),
                        "price_cents": 100 + (n * 37) % 5000,
                        "currency": "USD",
                        "creator_id": user_id,
                        "store_id": store_id,
                        "file": "bench",
                        "created_at": now - timedelta(minutes=store_id * per_store + n),
                        "updated_at": now,
                        "published_at": now,
                    }
                    for store_id, user_id in store_rows[first : first + 100]
                    for n in range(per_store)
                ],
            )
        product_ids = db.session.scalars(db.select(Product.id).order_by(Product.id)).all()
        db.session.execute(
            db.insert(Order),
            [
                {
                    "public_id": f"bench{n}",
                    "product_id": product_id,
                    "buyer_email": f"buyer{n}@example.com",
                    "amount_cents": 1000,
                    "currency": "USD",
                    "status": OrderStatus.PAID,
                    "provider": "test",
                    "paid_at": now,
                }
                for n, product_id in enumerate(product_ids[::7])
            ],
        )
        db.session.commit()
        middle_store = store_rows[len(store_rows) // 2][0]
        middle_product = product_ids[len(product_ids) // 2]
        db.engine.dispose()
    return middle_store, middle_product


def count_queries(database_url: str, urls: list[str]) -> dict[str, int]:
    """SQL statements each page runs, uncached, for an anonymous visitor."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "PAGE_CACHE_SECONDS": 0})
    counts = {}
    with app.app_context():
        engine = db.engine
    for url in urls:
        statements: list[str] = []

        def record(*args: object, statements: list[str] = statements) -> None:
            statements.append(str(args[2]))

        event.listen(engine, "before_cursor_execute", record)
        response = app.test_client().get(url)
        event.remove(engine, "before_cursor_execute", record)
        assert response.status_code == 200, (url, response.status_code)
        counts[url] = len(statements)
    engine.dispose()
    return counts


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(app_spec: str, environment: dict[str, str], log: Path) -> Iterator[str]:
    """Serve `app_spec` with the repo's gunicorn.conf.py on a free port of 127.0.0.1; yield its address."""
    port = free_port()
    env = os.environ | environment | {"PORT": str(port)}
    with open(log, "ab") as log_file:
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                app_spec,
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=log_file,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start: see {log}") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


LATENCY = re.compile(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, seconds: int = SECONDS) -> Load:
    """Load `url` with wrk at CONNECTIONS connections for `seconds`."""
    output = subprocess.run(
        ["wrk", "--latency", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    latencies = {int(percent): float(value) * UNITS_MS[unit] for percent, value, unit in LATENCY.findall(output)}
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    errors += sum(int(count) for count in socket_errors.groups()) if socket_errors else 0
    return Load(rate, latencies[50], latencies[99], errors)


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards; yields its SQLAlchemy URL."""
    admin = make_url(POSTGRES_URL)
    name = f"yumroad_bench_{secrets.token_hex(4)}"
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def sqlite_database(folder: Path) -> Iterator[str]:
    yield f"sqlite:///{folder / 'bench.db'}"


def bench_database(label: str, database_url: str, stores: int, per_store: int, folder: Path) -> list[Row]:
    started = time.monotonic()
    store_id, product_id = seed(database_url, stores, per_store)
    print(f"  seeded {stores * per_store:,} products in {time.monotonic() - started:.0f} s", flush=True)
    urls = [page.format(store_id=store_id, product_id=product_id) for page in PAGES]
    queries = count_queries(database_url, urls)
    environment = {
        "DATABASE_URL": database_url,
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "MAIL_OUTBOX_FOLDER": str(folder / "outbox"),
        "SECRET_KEY": secrets.token_hex(16),
        "GUNICORN_LOG_LEVEL": "warning",
    }
    log = folder / "gunicorn.log"
    rows: list[Row] = []
    controls: list[Load] = []
    redis.Redis.from_url(REDIS_URL).flushdb()
    for cache, cache_environment in (("off", {"PAGE_CACHE_SECONDS": "0"}), ("on", {"REDIS_URL": REDIS_URL})):
        with (
            gunicorn("bench.control_app:create_control_app()", environment, log) as control_address,
            gunicorn("yumroad:create_app()", environment | cache_environment, log) as address,
        ):
            control_url = f"{control_address}/control"
            for url in [control_url, *(f"{address}{url}" for url in urls)]:
                wrk(url, seconds=3)  # every worker warms up (templates, connections) and, cache on, fills it
            for page, url in zip(PAGES, urls, strict=True):
                # The control page just before each page: this shared machine's speed drifts over minutes.
                control = wrk(control_url, seconds=CONTROL_SECONDS)
                controls.append(control)
                load = wrk(f"{address}{url}")
                rows.append(
                    Row(label, stores * per_store, cache, page, load, queries[url], control.requests_per_second)
                )
                print(
                    f"  cache {cache} {page}: {load.requests_per_second:.0f} requests/s"
                    f" (control {control.requests_per_second:.0f})",
                    flush=True,
                )
    average = Load(
        statistics.mean(control.requests_per_second for control in controls),
        statistics.median(control.p50_ms for control in controls),
        max(control.p99_ms for control in controls),
        sum(control.errors for control in controls),
    )
    rows.insert(
        0,
        Row(label, stores * per_store, "-", "control page (mean of its runs)", average, 1, average.requests_per_second),
    )
    return rows


def table(rows: list[Row]) -> str:
    lines = [
        "| database | products | cache | page | requests/s | p50 ms | p99 ms | errors | SQL | vs control |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        load = row.load
        lines.append(
            f"| {row.database} | {row.products:,} | {row.cache} | `{row.page}` | {load.requests_per_second:,.0f} "
            f"| {load.p50_ms:.1f} | {load.p99_ms:.1f} | {load.errors} | {row.queries} "
            f"| {load.requests_per_second / row.control:.2f} |"
        )
    return "\n".join(lines)


def machine() -> str:
    workers = os.environ.get("WEB_CONCURRENCY", "the gunicorn.conf.py default")
    threads = os.environ.get("GUNICORN_THREADS", "the gunicorn.conf.py default")
    return (
        f"{datetime.now(UTC):%Y-%m-%d}, {platform.platform()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; gunicorn workers: {workers}, threads: {threads}; wrk: {SECONDS} s a page "
        f"at {CONNECTIONS} connections, 2 threads, after a 3 s warm-up of every page; the control page "
        f"for {CONTROL_SECONDS} s just before each page, and each ratio is to that run"
    )


def write_results(text: str, start: str = START, end: str = END) -> None:
    """Put `text` into bench/RESULTS.md between the `start` and `end` markers, keeping the rest."""
    current = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    block = f"{start}\n{text}\n{end}"
    if start in current:
        before, rest = current.split(start, 1)
        current = before + block + rest.split(end, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(current)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large", action="store_true", help="also run with 100,000 products")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    sizes = [(50, 20)] + ([(1000, 100)] if arguments.large else [])
    rows: list[Row] = []
    for stores, per_store in sizes:
        for label, database in (("SQLite", sqlite_database), ("PostgreSQL", lambda _: postgres_database())):
            if arguments.only and label.lower() != arguments.only:
                continue
            print(f"{label}, {stores * per_store:,} products:", flush=True)
            with tempfile.TemporaryDirectory() as folder, database(Path(folder)) as url:
                rows.extend(bench_database(label, url, stores, per_store, Path(folder)))
    text = f"## Serving: anonymous pages under load\n\n{machine()}.\n\n{table(rows)}"
    print("\n" + text)
    write_results(text)


if __name__ == "__main__":
    main()
