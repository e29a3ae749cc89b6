"""Benchmark: product search and the creator's dashboard with 50 and with 50,000 products.

Seeds a fresh SQLite database file (the `make run` default) per size, with the products in one
store (the dashboard's worst case) and a paid order for one product in ten, then times requests
through the app (in process: the app's own time, without a network or a server in front).
Writes bench/RESULTS.md. Run with `make bench-search` (or `.venv/bin/python bench/search_and_dashboard.py`).
"""

import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from yumroad import create_app
from yumroad.extensions import db
from yumroad.models import Order, OrderStatus, Product, Store, User, utc_now

SIZES = (50, 50_000)
REQUESTS = 40
SEARCHES = ["brush", "ebook python", "drum samples", "planner", "zzzz-nothing", "watercolour pack"]
WORDS = [
    "brush",
    "pack",
    "ebook",
    "python",
    "flask",
    "guide",
    "drum",
    "samples",
    "loops",
    "planner",
    "template",
    "preset",
    "watercolour",
    "sketch",
    "course",
    "podcast",
    "font",
    "icon",
    "photo",
    "lightroom",
    "notion",
    "budget",
    "habit",
    "recipe",
    "yoga",
    "poster",
    "wallpaper",
    "music",
]


def seed(app, products: int) -> None:
    chooser = random.Random(products)
    with app.app_context():
        db.create_all()
        creator = User.create("bench@example.com", "bench-password")
        creator.store = Store(name="Bench Store")
        db.session.add(creator)
        db.session.commit()
        now = utc_now()
        rows = [
            {
                "name": " ".join(chooser.sample(WORDS, 3)).title(),
                "description": " ".join(chooser.choices(WORDS, k=25)),
                "price_cents": chooser.randrange(0, 5000),
                "pay_what_you_want": False,
                "currency": "USD",
                "creator_id": creator.id,
                "store_id": creator.store.id,
                "file": "bench",
                "created_at": now - timedelta(minutes=number),
                "updated_at": now,
                "published_at": now,
            }
            for number in range(products)
        ]
        db.session.execute(db.insert(Product), rows)
        product_ids = db.session.scalars(db.select(Product.id)).all()
        orders = [
            {
                "public_id": f"bench{number}",
                "product_id": product_id,
                "buyer_email": f"buyer{number}@example.com",
                "amount_cents": 1000,
                "currency": "USD",
                "status": OrderStatus.PAID,
                "provider": "test",
                "created_at": now - timedelta(days=number % 400),
                "paid_at": now - timedelta(days=number % 400),
                "download_count": 0,
                "download_link_version": 1,
                "discount_cents": 0,
            }
            for number, product_id in enumerate(product_ids[::10])
        ]
        db.session.execute(db.insert(Order), orders)
        db.session.commit()


def timed(client, url: str) -> tuple[float, float]:
    """Median and 95th percentile, in milliseconds, of REQUESTS GETs of `url` (after one warm-up)."""
    assert client.get(url).status_code == 200, url
    durations = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(url)
        durations.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    durations.sort()
    return statistics.median(durations), durations[int(len(durations) * 0.95) - 1]


def measure(products: int) -> dict[str, tuple[float, float]]:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                "UPLOAD_FOLDER": folder,
                "MAIL_OUTBOX_FOLDER": folder,
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,  # the benchmark logs in with a plain POST
            }
        )
        seed(app, products)
        client = app.test_client()
        client.post("/login", data={"email": "bench@example.com", "password": "bench-password"})
        anonymous = app.test_client()
        results = {}
        for query in SEARCHES:
            results[f"search “{query}”"] = timed(anonymous, f"/product/?q={query}")
        results["search “brush” by popularity"] = timed(anonymous, "/product/?q=brush&sort=popular")
        results["search “brush”, best rated first"] = timed(anonymous, "/product/?q=brush&sort=rating")
        results["search “b” (one letter)"] = timed(anonymous, "/product/?q=b")
        results["search “pa” (a two-letter prefix)"] = timed(anonymous, "/product/?q=pa")
        results["all products, best rated first"] = timed(anonymous, "/product/?sort=rating")
        results["all products, most bought first"] = timed(anonymous, "/product/?sort=popular")
        results["search “brush”, page 20"] = timed(
            anonymous, "/product/?q=brush&page=20" if products > 1000 else "/product/?q=brush"
        )
        results["dashboard"] = timed(client, "/dashboard")
        with app.app_context():
            db.engine.dispose()
        return results


def main() -> None:
    measured = {size: measure(size) for size in SIZES}
    lines = [
        "# Benchmarks",
        "",
        f"Search and dashboard, {time.strftime('%Y-%m-%d')}, on this project's machine (2 cores),",
        "SQLite file database, through the app in process (no server or network):",
        f"median and 95th percentile of {REQUESTS} requests, in ms.",
        "One store holds every product; one product in ten has a paid order. `make bench-search` makes this file.",
        "",
        "| request | " + " | ".join(f"{size:,} products (median / p95)" for size in SIZES) + " |",
        "|---|" + "---|" * len(SIZES),
    ]
    for name in measured[SIZES[0]]:
        cells = [f"{measured[size][name][0]:.1f} / {measured[size][name][1]:.1f}" for size in SIZES]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    worst = max(value[0] for name, value in measured[SIZES[-1]].items() if name.startswith("search"))
    lines += ["", f"Slowest search median at {SIZES[-1]:,} products: {worst:.1f} ms (target: under 50 ms).", ""]
    output = Path(__file__).parent / "RESULTS.md"
    output.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
