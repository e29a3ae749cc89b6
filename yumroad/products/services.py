"""Products: listing them, and a creator creating, editing and deleting their own."""

from typing import IO

from sqlalchemy import Select
from sqlalchemy.orm import joinedload

from yumroad.extensions import db
from yumroad.models import Product, Store, User
from yumroad.pictures import delete_picture, save_picture


def products_newest_first(store: Store | None = None) -> Select[tuple[Product]]:
    """Select every product (or one store's), newest first, with its store loaded."""
    statement = (
        db.select(Product).options(joinedload(Product.store)).order_by(Product.created_at.desc(), Product.id.desc())
    )
    if store is not None:
        statement = statement.where(Product.store_id == store.id)
    return statement


def product_with_store(product_id: int) -> Select[tuple[Product]]:
    """Select one product with its store loaded."""
    return db.select(Product).options(joinedload(Product.store)).where(Product.id == product_id)


def create_product(
    creator: User, name: str, description: str, price_cents: int, picture: IO[bytes] | None = None
) -> Product:
    """Create a product in the creator's store, its picture (already checked) stored."""
    picture_name = save_picture(picture) if picture is not None else None
    product = Product(
        name=name,
        description=description,
        price_cents=price_cents,
        picture=picture_name,
        creator=creator,
        store=creator.store,
    )
    db.session.add(product)
    _commit_or_forget_picture(picture_name)
    return product


def update_product(
    product: Product,
    name: str,
    description: str,
    price_cents: int,
    picture: IO[bytes] | None = None,
    remove_picture: bool = False,
) -> Product:
    """Save a product's new details; a new picture replaces the old one, which is deleted."""
    old_picture = product.picture
    new_picture = save_picture(picture) if picture is not None else None
    product.name = name
    product.description = description
    product.price_cents = price_cents
    if new_picture is not None or remove_picture:
        product.picture = new_picture
    _commit_or_forget_picture(new_picture)
    if old_picture != product.picture:
        delete_picture(old_picture)
    return product


def delete_product(product: Product) -> None:
    """Delete a product and its picture."""
    picture = product.picture
    db.session.delete(product)
    db.session.commit()
    delete_picture(picture)


def _commit_or_forget_picture(picture_name: str | None) -> None:
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        delete_picture(picture_name)
        raise
