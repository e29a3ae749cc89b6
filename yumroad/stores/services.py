"""Stores: listing, showing and editing them."""

from sqlalchemy import Select, func
from sqlalchemy.orm import with_expression

from yumroad.extensions import db
from yumroad.models import Product, Store


def stores_newest_first() -> Select[tuple[Store]]:
    """Select every store, newest first, each with its number of products."""
    product_count = (
        db.select(func.count(Product.id)).where(Product.store_id == Store.id).correlate(Store).scalar_subquery()
    )
    return db.select(Store).options(with_expression(Store.product_count, product_count)).order_by(Store.id.desc())


def update_store(store: Store, name: str, description: str) -> Store:
    """Save a store's new name and description."""
    store.name = name
    store.description = description
    db.session.commit()
    return store
