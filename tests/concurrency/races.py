"""Races that SQLite hides (it lets one writer in at a time), run for real on PostgreSQL.

Each racer is an HTTP request to the app served from a thread, so each has its own connection and
transaction, as under gunicorn. A barrier starts them together; and the test itself first takes the
row locks the racers will need, in a transaction of its own, and lets go only once every racer waits
on a lock (or is done): so they meet inside the database, every time, not only when a scheduler is
unlucky.
"""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import text

from tests.servers import wait_until
from yumroad.extensions import db

T = TypeVar("T")


def race(racers: list[Callable[[], T]], holding: str, **parameters: Any) -> list[T]:
    """Run the racers at once while the statement `holding` keeps its locks; return their results."""
    barrier = threading.Barrier(len(racers))

    def start(racer: Callable[[], T]) -> T:
        barrier.wait(timeout=15)
        return racer()

    # Exits in reverse: the locks go (the connection closes) before the pool waits for its threads.
    with ThreadPoolExecutor(max_workers=len(racers)) as pool, db.engine.connect() as holder:
        holder.execute(text(holding), parameters)
        running = [pool.submit(start, racer) for racer in racers]
        wait_until(
            lambda: sessions_waiting_on_a_lock() + sum(future.done() for future in running) >= len(racers),
            message="every racer waits on the test's lock",
        )
        holder.rollback()
        return [future.result(timeout=60) for future in running]


def sessions_waiting_on_a_lock() -> int:
    """How many connections to this database wait on a lock (a fresh transaction: a fresh view)."""
    with db.engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        ).scalar_one()
