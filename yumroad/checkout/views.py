from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from yumroad.checkout.forms import GuestBuyForm, TestCardForm, buy_form
from yumroad.checkout.services import (
    AmountTooLow,
    CannotBuyOwnProduct,
    InvalidWebhook,
    PaymentUnavailable,
    ProductNotForSale,
    UnknownTestCard,
    get_order,
    pay_in_test_mode,
    payment_page_secret,
    receive_payment_event,
    start_purchase,
    verify_stripe_webhook,
)
from yumroad.discounts.services import InvalidDiscount
from yumroad.downloads.services import download_url
from yumroad.emails import is_unreachable
from yumroad.extensions import csrf
from yumroad.models import Order, OrderStatus
from yumroad.products.services import get_product
from yumroad.products.views import render_product_page

bp = Blueprint("checkout", __name__)

REMEMBERED_ORDERS = 20  # orders this browser bought, whose thank-you pages offer the download
PURCHASE_PROBLEMS = {
    CannotBuyOwnProduct: ("This is your own product: buyers see the Buy button here.", "info"),
    ProductNotForSale: ("This product is not for sale yet.", "warning"),
    PaymentUnavailable: ("Payments are not available right now. Nothing was charged: please try again soon.", "danger"),
}


def _remember_buying(order: Order) -> None:
    session["orders"] = [order.public_id, *session.get("orders", [])][:REMEMBERED_ORDERS]


def _bought_here(order: Order) -> bool:
    """The download is on the thank-you page only for whoever bought: anyone else has the email."""
    mine = current_user.is_authenticated and order.buyer_id == current_user.id
    return mine or order.public_id in session.get("orders", [])


@bp.post("/product/<int:product_id>/buy")
def buy(product_id: int) -> str | Response:
    product = get_product(product_id, current_user)
    form = buy_form(product)
    if not form.validate_on_submit():
        return render_product_page(product, form)
    buyer, email = (None, form.email.data) if isinstance(form, GuestBuyForm) else (current_user, current_user.email)
    try:
        order = start_purchase(product, buyer, email, form.amount.data, form.discount_code.data)
    except (AmountTooLow, InvalidDiscount) as problem:
        field = form.amount if isinstance(problem, AmountTooLow) else form.discount_code
        field.errors.append(str(problem))
        return render_product_page(product, form)
    except tuple(PURCHASE_PROBLEMS) as problem:
        flash(*PURCHASE_PROBLEMS[type(problem)])
        return redirect(url_for("products.show", product_id=product.id))
    _remember_buying(order)
    next_page = "checkout.done" if order.status == OrderStatus.PAID else "checkout.pay"
    return redirect(url_for(next_page, public_id=order.public_id))


@bp.get("/product/<int:product_id>/buy")
def buy_again(product_id: int) -> Response:
    """A refused buy form leaves this address in the address bar: opened again, it is the product's page."""
    return redirect(url_for("products.show", product_id=product_id))


@bp.route("/checkout/<public_id>", methods=["GET", "POST"])
def pay(public_id: str) -> str | Response:
    order = get_order(public_id)
    if order.status == OrderStatus.PAID:
        return redirect(url_for("checkout.done", public_id=order.public_id))
    if not order.product.is_on_the_site:
        flash("This product is no longer for sale. Nothing was charged.", "warning")
        return redirect(url_for("landing.index"))
    if is_unreachable(order.buyer_email):  # its buyer deleted their account: nobody could get the file
        flash("This order was cancelled. Nothing was charged.", "warning")
        return redirect(url_for("landing.index"))
    if order.provider == "stripe":
        return _pay_with_stripe(order)
    form = TestCardForm()
    if form.validate_on_submit():
        try:
            if pay_in_test_mode(order, form.card_number.data):
                return redirect(url_for("checkout.done", public_id=order.public_id))
            form.card_number.errors.append("Your card was declined. Try another card.")
        except UnknownTestCard:
            form.card_number.errors.append("In test mode, use 4242 4242 4242 4242 or 4000 0000 0000 0002.")
    return render_template("checkout/pay_test.html", order=order, form=form)


def _pay_with_stripe(order: Order) -> str | Response:
    try:
        client_secret = payment_page_secret(order)
    except PaymentUnavailable:
        flash(*PURCHASE_PROBLEMS[PaymentUnavailable])
        return redirect(url_for("products.show", product_id=order.product_id))
    return render_template("checkout/pay_stripe.html", order=order, client_secret=client_secret)


@bp.get("/checkout/<public_id>/done")
def done(public_id: str) -> str:
    order = get_order(public_id)
    link = download_url(order) if order.status == OrderStatus.PAID and _bought_here(order) else None
    return render_template("checkout/done.html", order=order, download_link=link)


@bp.post("/webhooks/stripe")
@csrf.exempt
def stripe_webhook() -> tuple[dict[str, object], int]:
    try:
        event = verify_stripe_webhook(request.get_data(), request.headers.get("Stripe-Signature"))
    except InvalidWebhook as error:
        current_app.logger.warning("refused a Stripe webhook: %s", error)
        return {"error": "invalid webhook"}, 400
    return {"received": True, "outcome": receive_payment_event(event)}, 200
