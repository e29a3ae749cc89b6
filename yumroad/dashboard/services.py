"""The creator's dashboard: revenue and sales over time, per product, and the sales export.

Every amount is added up by the database over integer cents; nothing is summed as a float.
"""

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, case, func
from sqlalchemy.orm import contains_eager, joinedload

from yumroad.extensions import db
from yumroad.models import Order, OrderStatus, Product, Store, utc_now
from yumroad.money import decimal_amount

PERIODS = {"7 days": 7, "30 days": 30, "365 days": 365}
CHART_DAYS = 30
LATEST_ORDERS = 10
TOP_PRODUCTS = 25
CSV_HEADER = ["date", "product", "buyer_email", "amount", "currency", "discount_code"]


@dataclass(frozen=True)
class Totals:
    sales: int
    revenue_cents: int


@dataclass(frozen=True)
class ProductSales:
    product: Product
    periods: dict[str, Totals]  # the same periods as `totals`, "All time" last


@dataclass(frozen=True)
class Day:
    day: date
    revenue_cents: int


def _paid_in(store: Store) -> ColumnElement[bool]:
    return (Product.store_id == store.id) & (Order.status == OrderStatus.PAID)


PERIOD_NAMES = [*PERIODS, "All time"]


def _period_columns() -> list[ColumnElement[int]]:
    """A count and a sum of cents per period, over the paid orders a query selects."""
    now, columns = utc_now(), []
    for days in PERIODS.values():
        recent = Order.paid_at >= now - timedelta(days=days)
        columns += [
            func.count(case((recent, Order.id))),
            func.coalesce(func.sum(case((recent, Order.amount_cents))), 0),
        ]
    return [*columns, func.count(Order.id), func.coalesce(func.sum(Order.amount_cents), 0)]


def _periods(values: Sequence[int]) -> dict[str, Totals]:
    return {name: Totals(values[2 * index], values[2 * index + 1]) for index, name in enumerate(PERIOD_NAMES)}


def totals(store: Store) -> dict[str, Totals]:
    """Sales and revenue for the last 7, 30 and 365 days and all time, in one query."""
    statement = db.select(*_period_columns()).select_from(Order).join(Order.product).where(_paid_in(store))
    return _periods(db.session.execute(statement).one())


def sales_per_product(store: Store, limit: int = TOP_PRODUCTS) -> list[ProductSales]:
    """The store's best-selling products of all time (deleted ones too, if they sold), with their sales
    and revenue per period, in one query."""
    columns = _period_columns()
    rows = db.session.execute(
        db.select(Product, *columns)
        .outerjoin(Order, (Order.product_id == Product.id) & (Order.status == OrderStatus.PAID))
        .where(Product.store_id == store.id, Product.deleted_at.is_(None) | (Order.id.is_not(None)))
        .group_by(Product.id)
        .order_by(columns[-1].desc(), Product.name)
        .limit(limit)
    )
    return [ProductSales(row[0], _periods(row[1:])) for row in rows]


def daily_revenue(store: Store, days: int = CHART_DAYS) -> list[Day]:
    """Revenue per day (UTC) for the last `days` days, oldest first, days without sales included."""
    today = utc_now().date()
    first = today - timedelta(days=days - 1)
    paid_day = _day(Order.paid_at)
    rows = db.session.execute(
        db.select(paid_day, func.sum(Order.amount_cents))
        .select_from(Order)
        .join(Order.product)
        .where(_paid_in(store), Order.paid_at >= utc_now() - timedelta(days=days))
        .group_by(paid_day)
    )
    by_day = {str(day): cents for day, cents in rows}
    return [Day(first + timedelta(days=n), by_day.get(str(first + timedelta(days=n)), 0)) for n in range(days)]


def _day(column: ColumnElement) -> ColumnElement:
    """The UTC calendar day of a timestamp, on SQLite (stored in UTC) and PostgreSQL alike."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.date(column)


def latest_orders(store: Store, limit: int = LATEST_ORDERS) -> list[Order]:
    """The store's newest orders, whatever their status, with their products."""
    return list(
        db.session.scalars(
            db.select(Order)
            .join(Order.product)
            .options(contains_eager(Order.product))
            .where(Product.store_id == store.id)
            .order_by(Order.created_at.desc(), Order.id.desc())
            .limit(limit)
        )
    )


def sales_csv(store: Store) -> Iterator[str]:
    """Every paid order of the store as CSV lines, oldest first, read from the database in batches."""
    orders = db.session.scalars(
        db.select(Order)
        .join(Order.product)
        .options(contains_eager(Order.product), joinedload(Order.discount_code))
        .where(_paid_in(store))
        .order_by(Order.paid_at, Order.id)
        .execution_options(yield_per=500)
    )
    yield _csv_line(CSV_HEADER)
    for order in orders:
        yield _csv_line(
            [
                order.paid_at.isoformat(),
                order.product.name,
                order.buyer_email,
                decimal_amount(order.amount_cents, order.currency),
                order.currency,
                order.discount_code.code if order.discount_code else "",
            ]
        )


def _csv_line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([_neutralised(value) for value in values])
    return buffer.getvalue()


def _neutralised(value: str) -> str:
    """A spreadsheet runs a cell that starts with = + - @ as a formula: quote it as text instead."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
