"""Background jobs: on RQ workers (`flask worker`) when REDIS_URL is set, run at once otherwise.

A job is a module-level function called with ids and other plain values, never ORM objects: it
loads what it needs, in an app context whose links are built on PUBLIC_URL. It may run more than
once (a retry after a failure, `flask send-receipts`), so it checks what is already done. A job
that raises is retried JOB_RETRIES times, JOB_RETRY_INTERVALS seconds apart (a job queued with
long_retries=True: once per WEBHOOK_JOB_RETRY_INTERVALS, over days); then it is logged and kept in
RQ's failed job registry. Run at once (no worker), a job that raises is logged, never raised: its
caller goes on as it would have with a worker.
"""

import inspect
import logging
import reprlib
from collections.abc import Callable
from types import TracebackType
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, SimpleWorker
from rq.job import Job

from yumroad.emails import EmailNotSent
from yumroad.extensions import db
from yumroad.urls import link_building_context

logger = logging.getLogger(__name__)


def try_enqueue(function: Callable[..., object], *args: object, long_retries: bool = False) -> bool:
    """Queue function(*args) for a worker; False if REDIS_URL is unset or Redis does not answer.

    Call it after the commit that the job reads, never before: the worker may start at once.
    long_retries: retry on WEBHOOK_JOB_RETRY_INTERVALS, over days, for work that nobody would ask for
    again (Stripe does not resend an event it got a 200 for).
    """
    if not current_app.config["REDIS_URL"]:
        return False
    try:
        job_queue(_connection()).enqueue(function, *args, retry=_retry(long_retries))
    except RedisError:
        logger.exception("could not queue %s: running it now", describe(function, args))
        return False
    return True


def enqueue(function: Callable[..., object], *args: object) -> None:
    """Run function(*args) on a worker, or now when there is none (see try_enqueue)."""
    if not try_enqueue(function, *args):
        run_now(function, *args)


def run_now(function: Callable[..., object], *args: object) -> object | None:
    """Run a job here and now; None if it failed, which is logged with its ids, never raised.

    As on a worker, a failing job does not fail its caller: a paid order's page still shows, and
    the next job (the sale notice after the receipt) still runs. An email that could not go stays
    owed (`flask send-receipts`).
    """
    try:
        return function(*args)
    except EmailNotSent as error:
        logger.exception("%s: could not send %s", describe(function, args), error)
    except Exception:
        logger.exception("%s failed", describe(function, args))
    db.session.rollback()  # whatever the job left half done, so that the caller's session works on
    return None


def job_queue(connection: Redis) -> Queue:
    return Queue(current_app.config["JOB_QUEUE"], connection=connection)


def describe(function: Callable[..., object], args: tuple[object, ...]) -> str:
    """A job for people: 'send_receipt(order_id=42)'."""
    try:
        arguments = inspect.signature(function).bind(*args).arguments
    except TypeError:
        arguments = {f"argument {number}": value for number, value in enumerate(args, 1)}
    shown = ", ".join(f"{name}={reprlib.repr(value)}" for name, value in arguments.items())
    return f"{getattr(function, '__name__', function)}({shown})"


def _retry(long_retries: bool = False) -> Retry | None:
    if long_retries:
        intervals = current_app.config["WEBHOOK_JOB_RETRY_INTERVALS"]
        return Retry(max=len(intervals), interval=intervals)
    retries = current_app.config["JOB_RETRIES"]
    return Retry(max=retries, interval=current_app.config["JOB_RETRY_INTERVALS"]) if retries > 0 else None


def _connection() -> Redis:
    """One connection pool per app and URL, for queueing (short timeouts: a request waits on it)."""
    url = current_app.config["REDIS_URL"]
    connections = current_app.extensions.setdefault("job_redis", {})
    if url not in connections:
        connections[url] = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    return connections[url]


class AppWorker(SimpleWorker):
    """An RQ worker for one app, built once: each job runs in a fresh app context of it.

    Jobs run in the worker's own process, one at a time; run more workers for more at once.
    """

    def __init__(self, *args: Any, app: Flask, **kwargs: Any) -> None:
        super().__init__(*args, exception_handlers=[log_job_failure], **kwargs)
        self.app = app

    def perform_job(self, job: Job, queue: Queue) -> bool:
        # A fresh context, and with it a fresh database session, per job; links built on PUBLIC_URL.
        with self.app.app_context(), link_building_context():
            return super().perform_job(job, queue)


def log_job_failure(
    job: Job, exception_type: type[BaseException], exception: BaseException, traceback: TracebackType
) -> bool:
    """Say which job failed, with its ids, and whether it will be tried again."""
    try:
        what = describe(job.func, job.args)
    except Exception:  # a job whose function or arguments cannot be loaded any more
        what = f"job {job.id}"
    if job.should_retry:
        logger.warning("%s failed (%s); it will be retried, %d more time(s)", what, exception, job.retries_left)
    else:
        logger.error("%s failed for good: %s; it is kept in the failed job registry", what, exception)
    return True


def make_worker(app: Flask) -> AppWorker:
    """A worker on the app's queue, on its own Redis connection (it blocks waiting for jobs)."""
    connection = Redis.from_url(app.config["REDIS_URL"])
    with app.app_context():
        queue = job_queue(connection)
    return AppWorker([queue], connection=connection, app=app)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Quit once no job is waiting (for tests and scripts).")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run background jobs (emails, Stripe events) from Redis until stopped."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config["REDIS_URL"]:
        raise click.UsageError("REDIS_URL is not set: without Redis, jobs run at once and no worker is needed.")
    # The scheduler puts retries back on the queue when their time comes.
    make_worker(app).work(burst=burst, with_scheduler=True)


def register(app: Flask) -> None:
    app.cli.add_command(worker_command)
