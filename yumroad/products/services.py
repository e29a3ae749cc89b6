"""Products: listing them, and a creator creating, editing and deleting their own."""

from typing import IO

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select
from sqlalchemy.orm import joinedload

from yumroad.extensions import db
from yumroad.models import Product, Store, User
from yumroad.pictures import delete_picture, save_picture


class CreatorHasNoStore(Exception):
    """Products are sold from a store, and this user has none."""


def _newest_first(store: Store | None = None) -> Select[tuple[Product]]:
    statement = (
        db.select(Product).options(joinedload(Product.store)).order_by(Product.created_at.desc(), Product.id.desc())
    )
    return statement if store is None else statement.where(Product.store_id == store.id)


def list_products(page: int, per_page: int, store: Store | None = None) -> Pagination:
    """Return one page of every product (or one store's), newest first; 404 past the last page."""
    return db.paginate(_newest_first(store), page=page, per_page=per_page, error_out=True)


def featured_products(limit: int) -> list[Product]:
    """Return the newest products, with their stores."""
    return list(db.session.scalars(_newest_first().limit(limit)))


def get_product(product_id: int) -> Product:
    """Return a product with its store; 404 if there is none with this id."""
    return db.one_or_404(db.select(Product).options(joinedload(Product.store)).where(Product.id == product_id))


def create_product(
    creator: User, name: str, description: str, price_cents: int, picture: IO[bytes] | None = None
) -> Product:
    """Create a product in the creator's store, its picture (already checked) stored.

    Raises CreatorHasNoStore, and OSError if the picture cannot be written.
    """
    if creator.store is None:
        raise CreatorHasNoStore(creator.id)
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
    """Save a product's new details; a new picture replaces the old one, which is deleted.

    Raises OSError if the picture cannot be written.
    """
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
