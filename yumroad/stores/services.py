"""Stores: listing, showing and editing them."""

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func
from sqlalchemy.orm import with_expression

from yumroad.extensions import db
from yumroad.models import Product, Store


def _newest_first() -> Select[tuple[Store]]:
    """Every store, newest first, each with its number of products (one query, whatever the count)."""
    product_count = (
        db.select(func.count(Product.id)).where(Product.store_id == Store.id).correlate(Store).scalar_subquery()
    )
    return db.select(Store).options(with_expression(Store.product_count, product_count)).order_by(Store.id.desc())


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
