"""Download links: signed, expiring, counted, and replaceable by fresh ones sent to the buyer."""

import os
from datetime import datetime, timedelta

from flask import current_app, url_for
from flask_sqlalchemy.pagination import Pagination
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import ColumnElement
from sqlalchemy.orm import joinedload

from yumroad.emails import EmailNotSent, send_email
from yumroad.extensions import db
from yumroad.jobs import try_enqueue
from yumroad.models import Order, OrderStatus, Product, User, normalize_email, utc_now
from yumroad.product_files import file_path
from yumroad.templating import format_date
from yumroad.urls import public_url_for

SALT = "yumroad-download"


class DownloadLinkProblem(Exception):
    """A download link that cannot be used; `reason` is shown to the buyer."""

    reason = "This download link does not work."
    # Most problems are mended by fresh links sent to the buyer's email; the problem page offers them.
    fresh_links_help = True


class TamperedLink(DownloadLinkProblem):
    reason = "This download link is not valid: it may have been cut short when it was copied."


class ExpiredLink(DownloadLinkProblem):
    reason = "This download link has expired."


class ReplacedLink(DownloadLinkProblem):
    reason = "This download link was replaced by a newer one, sent by email."


class ExhaustedLink(DownloadLinkProblem):
    reason = "This download link has been used as many times as it allows."


class MissingFile(DownloadLinkProblem):
    reason = "This file is missing. The creator has been told; please try again later."


class DownloadsEnded(DownloadLinkProblem):
    """The creator deleted their account, and this purchase's download window is over."""

    fresh_links_help = False

    def __init__(self, ended_at: datetime) -> None:
        super().__init__(ended_at)
        self.ended_at = ended_at
        self.reason = (
            f"The creator closed their store, and the downloads of this purchase ended on {format_date(ended_at)}."
        )


# Each order's links can be sent afresh this many times: with DOWNLOAD_LIMIT downloads each time,
# that bounds what one purchase can be downloaded, however often someone asks for fresh links.
MAX_FRESH_LINKS = 3


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _token(order: Order) -> str:
    return _serializer().dumps([order.public_id, order.download_link_version])


def download_url(order: Order) -> str:
    """Return a signed download link for a paid order, valid for DOWNLOAD_LINK_MAX_AGE seconds."""
    return url_for("downloads.download", token=_token(order))


def emailed_download_url(order: Order) -> str:
    """The same link, in full, for an email."""
    return public_url_for("downloads.download", token=_token(order))


def download_window() -> timedelta:
    """How long after paying a buyer may still download once the creator left (DOWNLOAD_WINDOW_DAYS)."""
    return timedelta(days=current_app.config["DOWNLOAD_WINDOW_DAYS"])


def downloads_end_at(order: Order) -> datetime | None:
    """When a paid order's downloads end: never (None) while its creator has an account; once they
    deleted it, DOWNLOAD_WINDOW_DAYS after paying (or when they left, if that was later)."""
    left_at = order.product.creator.deleted_at
    if left_at is None or order.paid_at is None:
        return None
    return max(order.paid_at + download_window(), left_at)


def paid_within_download_window(now: datetime) -> ColumnElement[bool]:
    """SQL on Order: paid recently enough that its downloads go on after the creator left."""
    return Order.paid_at > now - download_window()


def downloads_go_on(now: datetime) -> ColumnElement[bool]:
    """SQL on Order for "its downloads have not ended" (downloads_end_at's rule, for queries)."""
    creator_is_here = Order.product.has(Product.creator.has(User.deleted_at.is_(None)))
    return db.or_(creator_is_here, paid_within_download_window(now))


def claim_download(token: str, count: bool = True) -> Order:
    """Check a link and (if `count`) count one download; return its order with its product.

    Raises TamperedLink, ExpiredLink, DownloadsEnded, ReplacedLink, ExhaustedLink or MissingFile.
    """
    order, version = _order_of_link(token)
    if version != order.download_link_version:
        raise ReplacedLink
    if not os.path.exists(file_path(order.product.file)):
        current_app.logger.error("the file of product %s is missing from storage", order.product.id)
        raise MissingFile
    if not count:
        return order
    # One statement that counts and checks the limit at once, so parallel downloads cannot pass it.
    counted = db.session.execute(
        db.update(Order)
        .where(
            Order.id == order.id,
            Order.download_link_version == version,
            Order.download_count < current_app.config["DOWNLOAD_LIMIT"],
        )
        .values(download_count=Order.download_count + 1)
    )
    db.session.commit()
    if counted.rowcount != 1:
        raise ExhaustedLink
    return order


def _order_of_link(token: str) -> tuple[Order, int]:
    """The paid order a link names, whose downloads go on, with the link's version.

    Raises ExpiredLink, TamperedLink or DownloadsEnded.
    """
    try:
        public_id, version = _serializer().loads(token, max_age=current_app.config["DOWNLOAD_LINK_MAX_AGE"])
    except SignatureExpired as error:
        raise ExpiredLink from error
    except (BadSignature, ValueError, TypeError) as error:
        raise TamperedLink from error
    order = db.session.scalar(
        db.select(Order)
        .options(joinedload(Order.product).joinedload(Product.creator))
        .where(Order.public_id == public_id)
    )
    if order is None or order.status != OrderStatus.PAID:
        raise TamperedLink
    ended_at = downloads_end_at(order)
    if ended_at is not None and ended_at <= utc_now():
        raise DownloadsEnded(ended_at)
    if order.product.file is None:
        raise TamperedLink
    return order, version


def request_fresh_links(email: str) -> None:
    """Send fresh links (see send_fresh_links) from a background worker, or now when there is none.

    Raises EmailNotSent, changing nothing, only when sent now: a worker retries instead.
    """
    if not try_enqueue(send_fresh_links, email):
        send_fresh_links(email)


def send_fresh_links(email: str) -> int:
    """Email fresh download links for every paid order of this email; the old links stop working.

    Each order gets fresh links at most MAX_FRESH_LINKS times, and none once its downloads ended
    (see downloads_end_at). Returns how many orders got links
    (the page never says: that would tell who bought what). Raises EmailNotSent, changing nothing.
    """
    orders = list(
        db.session.scalars(
            db.select(Order)
            .options(joinedload(Order.product))
            .where(
                Order.buyer_email == normalize_email(email),
                Order.status == OrderStatus.PAID,
                Order.download_link_version <= MAX_FRESH_LINKS,
                Order.product.has(Product.file.is_not(None)),  # a product without a file has no link
                downloads_go_on(utc_now()),
            )
            .order_by(Order.created_at.desc())
        )
    )
    if not orders:
        return 0
    for order in orders:
        order.download_link_version += 1
        order.download_count = 0
    links = [(order, emailed_download_url(order)) for order in orders]
    try:  # the old links keep working unless the new ones are sent
        send_email(orders[0].buyer_email, "Your Yumroad download links", "fresh_links", links=links)
    except EmailNotSent:
        db.session.rollback()
        raise
    db.session.commit()
    return len(orders)


def purchases_of(buyer: User, page: int, per_page: int) -> Pagination:
    """Return one page of a buyer's paid orders, newest first, with their products, stores and creators."""
    product = joinedload(Order.product)
    statement = (
        db.select(Order)
        .options(product.joinedload(Product.store), product.joinedload(Product.creator), joinedload(Order.review))
        .where(Order.buyer_id == buyer.id, Order.status == OrderStatus.PAID)
        .order_by(Order.paid_at.desc(), Order.id.desc())
    )
    return db.paginate(statement, page=page, per_page=per_page, error_out=True)


def attach_guest_orders(email: str) -> int:
    """Give the paid orders made as a guest with `email` to the account that proved it owns that address.

    Nothing happens unless an account with this email has confirmed it (anyone may sign up with
    someone else's address). Called when an account confirms its address, and when a guest order
    is paid. Returns how many orders it attached; the caller commits.
    """
    owner_id = db.session.scalar(
        db.select(User.id).where(
            User.email == normalize_email(email), User.email_verified_at.is_not(None), User.deleted_at.is_(None)
        )
    )
    if owner_id is None:
        return 0
    attached = db.session.execute(
        db.update(Order)
        .where(Order.buyer_id.is_(None), Order.buyer_email == normalize_email(email), Order.status == OrderStatus.PAID)
        .values(buyer_id=owner_id)
        .execution_options(synchronize_session="fetch")
    )
    return attached.rowcount
