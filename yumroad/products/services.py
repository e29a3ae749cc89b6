"""Products: listing them, and a creator creating, editing and deleting their own."""

from dataclasses import dataclass
from typing import IO

from flask import abort
from flask_login import AnonymousUserMixin
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, func
from sqlalchemy.orm import defer, joinedload

from yumroad.extensions import db
from yumroad.models import Order, OrderStatus, Product, Store, User, in_good_standing, utc_now
from yumroad.pictures import delete_picture, save_picture
from yumroad.product_files import delete_product_file, save_product_file
from yumroad.search import matching, search_terms


class CreatorHasNoStore(Exception):
    """Products are sold from a store, and this user has none."""


class CannotPublish(Exception):
    """The draft lacks something buyers need; the message says what."""


@dataclass(frozen=True)
class Upload:
    stream: IO[bytes]
    filename: str


@dataclass(frozen=True)
class ProductDetails:
    """What a creator types into the product form (uploads already checked by the form)."""

    name: str
    description: str
    price_cents: int
    picture: IO[bytes] | None = None
    file: Upload | None = None
    remove_picture: bool = False
    pay_what_you_want: bool = False
    suggested_price_cents: int | None = None


# What a product card shows: its store, and not its description (which makes sorted rows wide).
CARD_LOADING = (joinedload(Product.store), defer(Product.description))


def not_deleted() -> Select[tuple[Product]]:
    """Every product still in the store, drafts included, of a creator in good standing (not suspended)."""
    return db.select(Product).where(Product.deleted_at.is_(None), Product.creator.has(in_good_standing()))


def on_the_site() -> Select[tuple[Product]]:
    """Every product anyone may see: published, not deleted, its creator not suspended."""
    return not_deleted().where(Product.published_at.is_not(None))


def _newest_first(store: Store | None = None, with_drafts: bool = False) -> Select[tuple[Product]]:
    statement = not_deleted() if with_drafts else on_the_site()
    statement = statement.options(*CARD_LOADING).order_by(Product.created_at.desc(), Product.id.desc())
    return statement if store is None else statement.where(Product.store_id == store.id)


def list_products(page: int, per_page: int, store: Store | None = None, with_drafts: bool = False) -> Pagination:
    """Return one page of every product (or one store's, drafts too if asked), newest first.

    404 past the last page.
    """
    return db.paginate(_newest_first(store, with_drafts), page=page, per_page=per_page, error_out=True)


SORTS = {
    "newest": "Newest",
    "price_asc": "Price: low to high",
    "price_desc": "Price: high to low",
    "popular": "Most bought",
    "rating": "Best rated",
}
RELEVANCE = "relevance"


def _paid_orders() -> ColumnElement[int]:
    return (
        db.select(func.count(Order.id))
        .where(Order.product_id == Product.id, Order.status == OrderStatus.PAID)
        .correlate(Product)
        .scalar_subquery()
    )


def _sort_order(sort: str, relevance: ColumnElement | None) -> list[ColumnElement]:
    orders = {
        "newest": [Product.created_at.desc()],
        "price_asc": [Product.price_cents.asc()],
        "price_desc": [Product.price_cents.desc()],
        "popular": [_paid_orders().desc()],
        "rating": [Product.rating_score.desc()],  # unrated products score 0, below every rating
    }
    chosen = orders.get(sort) or ([relevance] if relevance is not None else orders["newest"])
    return [*chosen, Product.id.desc()]


def browse_products(page: int, per_page: int, query: str = "", sort: str = "") -> Pagination:
    """Return one page of the products on the site matching `query` (all, if it has no words),
    sorted by `sort` (one of SORTS; by default the best matches first, or the newest)."""
    statement = on_the_site().options(*CARD_LOADING)
    relevance = None
    terms = search_terms(query)
    if terms:
        statement, relevance = matching(statement, terms, db.session.get_bind().dialect.name)
    statement = statement.order_by(*_sort_order(sort, relevance))
    return db.paginate(statement, page=page, per_page=per_page, error_out=True)


def store_products_for_owner(store: Store) -> list[Product]:
    """Every product of a store its owner may pick from (drafts too), by name."""
    return list(db.session.scalars(not_deleted().where(Product.store_id == store.id).order_by(Product.name)))


def featured_products(limit: int) -> list[Product]:
    """Return the newest products, with their stores."""
    return list(db.session.scalars(_newest_first().limit(limit)))


def get_product(product_id: int, viewer: User | AnonymousUserMixin | None = None) -> Product:
    """Return a product with its store, if `viewer` may see it: published, or a draft of theirs.

    404 if there is none with this id, it was deleted, its creator is suspended, or it is someone else's draft.
    """
    product = db.one_or_404(
        not_deleted().options(joinedload(Product.store), joinedload(Product.creator)).where(Product.id == product_id)
    )
    if not product.is_published and not product.is_owned_by(viewer):
        abort(404)
    return product


def publish_product(product: Product) -> None:
    """Put a draft on the site; raise CannotPublish with what it lacks."""
    if product.why_not_publishable:
        raise CannotPublish(product.why_not_publishable)
    if product.published_at is None:
        product.published_at = utc_now()
        db.session.commit()


def unpublish_product(product: Product) -> None:
    """Make a product a draft again: off the listings, search and sale; its buyers keep it."""
    product.published_at = None
    db.session.commit()


def create_product(creator: User, details: ProductDetails) -> Product:
    """Create a product in the creator's store, with its picture and file stored.

    Raises CreatorHasNoStore, and OSError if an upload cannot be written.
    """
    if creator.store is None:
        raise CreatorHasNoStore(creator.id)
    product = Product(creator=creator, store=creator.store)
    db.session.add(product)
    _save(product, details)
    return product


def update_product(product: Product, details: ProductDetails) -> Product:
    """Save a product's new details; a new picture or file replaces the old one, which is deleted.

    Raises OSError if an upload cannot be written.
    """
    _save(product, details)
    return product


def delete_product(product: Product) -> None:
    """Take a product off the site for good. Its buyers keep their orders and downloads."""
    picture = product.picture
    product.deleted_at = utc_now()
    product.picture = None
    db.session.commit()
    delete_picture(picture)


def _save(product: Product, details: ProductDetails) -> None:
    """Write the details and uploads, commit, then remove the files they replaced (or, on failure, the new ones)."""
    old_picture, old_file = product.picture, product.file
    new_picture = save_picture(details.picture) if details.picture is not None else None
    new_file = save_product_file(details.file.stream, details.file.filename) if details.file is not None else None
    product.name = details.name
    product.description = details.description
    product.price_cents = details.price_cents
    product.pay_what_you_want = details.pay_what_you_want
    product.suggested_price_cents = details.suggested_price_cents
    if new_picture is not None or details.remove_picture:
        product.picture = new_picture
    if new_file is not None:
        product.file = new_file.name
        product.file_original_name = new_file.original_name
        product.file_size = new_file.size
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        delete_picture(new_picture)
        delete_product_file(new_file.name if new_file else None)
        raise
    if old_picture != product.picture:
        delete_picture(old_picture)
    if old_file != product.file:
        delete_product_file(old_file)
