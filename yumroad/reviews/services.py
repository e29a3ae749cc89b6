"""Ratings and reviews: a buyer rates what they paid for, once per order, and may change it."""

from typing import Any

from flask import abort
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import joinedload

from yumroad.extensions import db
from yumroad.models import Order, OrderStatus, Product, Review, User


def reviewable_order(public_id: str, user: User) -> Order:
    """Return the user's paid order that they may review (with its review, if any); 404 otherwise."""
    order = db.one_or_404(
        db.select(Order)
        .options(joinedload(Order.product), joinedload(Order.review))
        .where(Order.public_id == public_id, Order.buyer_id == user.id, Order.status == OrderStatus.PAID)
    )
    if order.product.is_owned_by(user):  # a creator does not rate their own work
        abort(404)
    return order


def save_review(order: Order, rating: int, body: str) -> Review:
    """Write or change the review of an order, and the product's rating with it."""
    review = order.review or Review(order=order, product_id=order.product_id, author_id=order.buyer_id)
    review.rating = rating
    review.body = body
    db.session.add(review)
    db.session.flush()
    refresh_rating(order.product_id)
    db.session.commit()
    return review


def _counted() -> ColumnElement[bool]:
    """Reviews that count: those of paid orders (a refund takes its review out of the rating)."""
    return Review.order.has(Order.status == OrderStatus.PAID)


def refresh_rating(product_id: int) -> None:
    """Recount a product's rating from its reviews that count; the caller commits."""
    count, total = db.session.execute(
        db.select(func.count(Review.id), func.coalesce(func.sum(Review.rating), 0)).where(
            Review.product_id == product_id, _counted()
        )
    ).one()
    db.session.execute(
        db.update(Product)
        .where(Product.id == product_id)
        .values(rating_count=count, rating_total=total, rating_score=round(100 * total / count) if count else 0)
        .execution_options(synchronize_session="fetch")
    )


class _NothingToPage(Pagination):
    """An empty page of results, known to be empty without asking the database."""

    def _query_items(self) -> list[Any]:
        return []

    def _query_count(self) -> int:
        return 0


def reviews_of(product: Product, page: int, per_page: int) -> Pagination:
    """Return one page of a product's reviews that count, newest first.

    A product with no rating has no review that counts: its page costs no query.
    """
    if product.rating_count == 0:
        return _NothingToPage(page=page, per_page=per_page, error_out=False)
    statement = (
        db.select(Review)
        .where(Review.product_id == product.id, _counted())
        .order_by(Review.created_at.desc(), Review.id.desc())
    )
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)
