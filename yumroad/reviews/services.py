"""Ratings and reviews: a buyer rates what they paid for, once per order, and may change it."""

from dataclasses import dataclass

from flask import abort
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func
from sqlalchemy.orm import joinedload

from yumroad.extensions import db
from yumroad.models import Order, OrderStatus, Product, Review, User


@dataclass(frozen=True)
class RatingSummary:
    count: int
    average: float | None  # None while there is no review


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
    """Write or change the review of an order."""
    review = order.review or Review(order=order, product_id=order.product_id, author_id=order.buyer_id)
    review.rating = rating
    review.body = body
    db.session.add(review)
    db.session.commit()
    return review


def rating_summary(product: Product) -> RatingSummary:
    """How many reviews a product has and their average rating, in one query."""
    count, average = db.session.execute(
        db.select(func.count(Review.id), func.avg(Review.rating)).where(Review.product_id == product.id)
    ).one()
    return RatingSummary(count=count, average=round(float(average), 1) if average is not None else None)


def reviews_of(product: Product, page: int, per_page: int) -> Pagination:
    """Return one page of a product's reviews, newest first, with their authors."""
    statement = (
        db.select(Review).where(Review.product_id == product.id).order_by(Review.created_at.desc(), Review.id.desc())
    )
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)
