"""`make load`: 64 visitors browse, sign up and buy for 60 s on the production stack; no order is lost.

The stack is the real one: gunicorn (gunicorn.conf.py) and an RQ worker (`flask worker`) over a fresh
PostgreSQL database and Redis, all on 127.0.0.1. Two runs:

1. a clean run: no 5xx answers at all;
2. a faulty run: the worker is killed and restarted after 15 s, PostgreSQL is restarted after 35 s.
   Requests may fail while a part is down, but every order a buyer saw paid must be paid.

After each run, once the worker has drained its queue, the database is checked: every order whose
buyer reached the thank-you page is paid, no purchase made two orders, and every paid order has
exactly one receipt in the outbox. The figures go to bench/RESULTS.md. Restarting PostgreSQL needs
root and `pg_ctlcluster` (Debian); the faulty run is skipped with a note where that is missing.
Locust runs from its own virtualenv (.venv-load, made by `make load`), since it pins its own Flask.
"""

import csv
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from email import message_from_bytes
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
from rq import Queue  # noqa: E402
from rq.registry import ScheduledJobRegistry, StartedJobRegistry  # noqa: E402

from bench.serving import BIN, gunicorn, postgres_database, seed, write_results  # noqa: E402
from yumroad import create_app  # noqa: E402
from yumroad.extensions import db  # noqa: E402
from yumroad.models import Order, OrderStatus  # noqa: E402

USERS = int(os.environ.get("LOAD_USERS", "64"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/10")
LOCUST = ROOT / ".venv-load" / "bin" / "locust"
START, END = "<!-- load: start -->", "<!-- load: end -->"


def start_worker(environment: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as log_file:
        return subprocess.Popen(
            [BIN / "flask", "worker"], cwd=ROOT, env=os.environ | environment, stdout=log_file, stderr=log_file
        )


def restart_postgresql() -> None:
    version = next(iter(os.listdir("/etc/postgresql")))
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True)


def inject_faults(environment: dict[str, str], log: Path, workers: list[subprocess.Popen[bytes]], notes: list[str]):
    time.sleep(15)
    workers[0].kill()
    workers[0].wait()
    notes.append("worker killed (SIGKILL) at 15 s and restarted")
    workers[0] = start_worker(environment, log)
    time.sleep(20)
    started = time.monotonic()
    restart_postgresql()
    notes.append(f"PostgreSQL restarted at 35 s (down for {time.monotonic() - started:.1f} s)")


def drain(timeout: float = 180) -> None:
    """Wait until the worker has run every job, retries waiting for their turn included.

    A job the killed worker had started stays "started" until RQ gives it up as abandoned: once the
    queue is empty, started jobs that have not moved for 20 s are taken to be that one.
    """
    connection = redis.Redis.from_url(REDIS_URL)
    queue = Queue(os.environ.get("JOB_QUEUE", "yumroad"), connection=connection)
    scheduled, started = ScheduledJobRegistry(queue=queue), StartedJobRegistry(queue=queue)
    deadline = time.monotonic() + timeout
    last_started, unchanged_since = None, time.monotonic()

    def orphaned() -> bool:
        nonlocal last_started, unchanged_since
        now_started = set(started.get_job_ids())
        if now_started != last_started:
            last_started, unchanged_since = now_started, time.monotonic()
        return time.monotonic() - unchanged_since > 20

    while queue.count or scheduled.count or (started.count and not orphaned()):
        if time.monotonic() > deadline:
            raise RuntimeError("the worker did not drain its queue")
        time.sleep(0.5)


def receipts_per_order(outbox: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    for path in outbox.glob("*.eml"):
        message = message_from_bytes(path.read_bytes())
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                for line in part.get_payload(decode=True).decode().splitlines():
                    if line.startswith("Order: "):
                        counts[line.removeprefix("Order: ").strip()] += 1
    return counts


def check_orders(database_url: str, outbox: Path, seen: dict[str, list[str]]) -> dict[str, int]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "PAGE_CACHE_SECONDS": 0})
    with app.app_context():
        run_orders = db.select(Order.public_id, Order.status, Order.buyer_email).where(
            ~Order.public_id.startswith("bench")
        )
        orders = db.session.execute(run_orders).all()  # the orders of this run, not the seeded ones
        db.engine.dispose()
    status = {public_id: order_status for public_id, order_status, _ in orders}
    per_email = Counter(email for _, _, email in orders)
    receipts = receipts_per_order(outbox)
    paid = {public_id for public_id, order_status in status.items() if order_status == OrderStatus.PAID}
    return {
        "orders made in the run": len(orders),
        "paid in the database": len(paid),
        "buyers who reached the thank-you page": len(seen["paid"]),
        "lost (thank-you page seen, order not paid)": sum(
            status.get(public_id) != OrderStatus.PAID for public_id in seen["paid"]
        ),
        "doubled (two orders from one purchase)": sum(count > 1 for count in per_email.values()),
        "paid orders without exactly one receipt": sum(receipts[public_id] != 1 for public_id in paid),
        "receipts for unpaid orders": sum(1 for public_id in receipts if public_id not in paid),
    }


def locust_figures(stats_prefix: Path) -> dict[str, int | float]:
    with open(f"{stats_prefix}_stats.csv") as stats_file:
        total = next(row for row in csv.DictReader(stats_file) if row["Name"] == "Aggregated")
    failures: Counter[str] = Counter()
    with open(f"{stats_prefix}_failures.csv") as failures_file:
        for row in csv.DictReader(failures_file):
            failures[row["Error"]] += int(row["Occurrences"])
    server_errors = sum(count for error, count in failures.items() if "HTTPError('5" in error or ": 5" in error)
    return {
        "requests": int(total["Request Count"]),
        "requests/s": round(float(total["Requests/s"])),
        "p50 ms": float(total["50%"]),
        "p99 ms": float(total["99%"]),
        "failed requests": int(total["Failure Count"]),
        "5xx answers": server_errors,
    }, failures


def run(label: str, faults: bool) -> str:
    with tempfile.TemporaryDirectory() as folder_name, postgres_database() as database_url:
        folder = Path(folder_name)
        seed(database_url, 20, 10)
        redis.Redis.from_url(REDIS_URL).flushdb()
        environment = {
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "SECRET_KEY": secrets.token_hex(16),
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "MAIL_OUTBOX_FOLDER": str(folder / "outbox"),
            "RATELIMIT_ENABLED": "false",  # 64 visitors from one address would be throttled as one
            "JOB_RETRY_INTERVALS": "1,2,4,8,15",  # jobs failed while PostgreSQL restarts are retried within the run
            "GUNICORN_LOG_LEVEL": "warning",
        }
        log = folder / "stack.log"
        workers = [start_worker(environment, log)]
        notes: list[str] = []
        with gunicorn("yumroad:create_app()", environment, log) as address:
            for page in ("/", "/product/", "/stores"):  # every worker loads its templates before the visitors come
                subprocess.run(["wrk", "-d2s", "-c16", f"{address}{page}"], capture_output=True, check=True)
            injector = threading.Thread(target=inject_faults, args=(environment, log, workers, notes))
            if faults:
                injector.start()
            options = ["--headless", "--only-summary", "-u", str(USERS), "-r", str(USERS), "-t", f"{SECONDS}s"]
            subprocess.run(
                [
                    LOCUST,
                    "-f",
                    ROOT / "bench" / "locustfile.py",
                    *options,
                    "--host",
                    address,
                    "--csv",
                    folder / "locust",
                ],
                cwd=ROOT,
                env=os.environ | {"LOAD_ORDERS_FILE": str(folder / "orders.json")},
                check=False,
            )
            if faults:
                injector.join()
            drain()
        workers[0].send_signal(signal.SIGTERM)
        workers[0].wait(timeout=30)
        figures, failures = locust_figures(folder / "locust")
        seen = json.loads((folder / "orders.json").read_text())
        checks = check_orders(database_url, folder / "outbox", seen)
    lines = [f"### {label}", "", *(f"- {note}" for note in notes)]
    lines += [f"- {name}: {value}" for name, value in (figures | checks).items()]
    lines += [f"- failure: {error} x {count}" for error, count in failures.most_common(8)]
    return "\n".join(lines)


def main() -> None:
    if not LOCUST.exists():
        sys.exit("locust is missing: run `make load`, which installs it into .venv-load")
    can_restart = os.geteuid() == 0 and shutil.which("pg_ctlcluster") is not None
    sections = [run("Clean run", faults=False)]
    print(sections[-1], flush=True)
    if can_restart:
        sections.append(run("With the worker killed and PostgreSQL restarted mid-run", faults=True))
        print(sections[-1], flush=True)
    else:
        sections.append("The faulty run was skipped: restarting PostgreSQL needs root and pg_ctlcluster.")
    heading = f"## Load: {USERS} visitors for {SECONDS} s on gunicorn + RQ + PostgreSQL + Redis"
    write_results("\n\n".join([heading, *sections]), START, END)


if __name__ == "__main__":
    main()
