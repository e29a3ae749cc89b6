"""Stores: listing, showing and editing them."""

from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func
from sqlalchemy.orm import contains_eager, with_expression

from yumroad.extensions import db
from yumroad.models import Order, OrderStatus, Product, Store, in_good_standing


def _newest_first() -> Select[tuple[Store]]:
    """Every store on the site (its owner in good standing), newest first, each with its number of
    products (one query, whatever the count)."""
    product_count = (
        db.select(func.count(Product.id))
        .where(Product.store_id == Store.id, Product.deleted_at.is_(None), Product.published_at.is_not(None))
        .correlate(Store)
        .scalar_subquery()
    )
    return (
        db.select(Store)
        .options(with_expression(Store.product_count, product_count))
        .where(Store.user.has(in_good_standing()))
        .order_by(Store.id.desc())
    )


def get_store(store_id: int) -> Store:
    """Return a store anyone may see; 404 if there is none, or its owner is suspended or gone."""
    return db.one_or_404(db.select(Store).where(Store.id == store_id, Store.user.has(in_good_standing())))


def list_stores(page: int, per_page: int) -> Pagination:
    """Return one page of every store, newest first, with product counts; 404 past the last page."""
    return db.paginate(_newest_first(), page=page, per_page=per_page, error_out=True)


def featured_stores(limit: int) -> list[Store]:
    """Return the newest stores, with product counts."""
    return list(db.session.scalars(_newest_first().limit(limit)))


def update_store(store: Store, name: str, description: str) -> Store:
    """Save a store's new name and description."""
    store.name = name
    store.description = description
    db.session.commit()
    return store


@dataclass(frozen=True)
class SalesTotals:
    paid_orders: int
    revenue_cents: int


def sales_of(store: Store, page: int, per_page: int) -> Pagination:
    """Return one page of the orders for a store's products, newest first, with their products."""
    statement = (
        db.select(Order)
        .join(Order.product)
        .options(contains_eager(Order.product))
        .where(Product.store_id == store.id)
        .order_by(Order.created_at.desc(), Order.id.desc())
    )
    return db.paginate(statement, page=page, per_page=per_page, error_out=True)


def sales_totals(store: Store) -> SalesTotals:
    """Count a store's paid orders and add up their amounts, in SQL over integer cents."""
    paid_orders, revenue_cents = db.session.execute(
        db.select(func.count(Order.id), func.coalesce(func.sum(Order.amount_cents), 0))
        .join(Order.product)
        .where(Product.store_id == store.id, Order.status == OrderStatus.PAID)
    ).one()
    return SalesTotals(paid_orders=paid_orders, revenue_cents=revenue_cents)
