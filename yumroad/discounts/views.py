from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from yumroad.access import get_owned_or_403
from yumroad.discounts.forms import DiscountCodeForm
from yumroad.discounts.services import DiscountCodeTaken, create_discount, delete_discount, discounts_of, paid_uses
from yumroad.extensions import db
from yumroad.models import DiscountCode, Product, Store
from yumroad.pagination import requested_page
from yumroad.products.services import store_products_for_owner

bp = Blueprint("discounts", __name__)


@bp.route("/store/<int:store_id>/discounts", methods=["GET", "POST"])
@login_required
def index(store_id: int) -> str | Response:
    store = get_owned_or_403(Store, store_id)
    form = DiscountCodeForm(store_products_for_owner(store))
    if form.validate_on_submit():
        try:
            _create_from(form, store)
        except DiscountCodeTaken:
            form.code.errors.append("Your store already has this code.")
        else:
            flash(f"The code {form.code.data.upper()} is ready to use.", "success")
            return redirect(url_for("discounts.index", store_id=store.id))
    codes = discounts_of(store, requested_page(), current_app.config["ORDERS_PER_PAGE"])
    uses = paid_uses(codes.items)
    return render_template("discounts/index.html", store=store, form=form, codes=codes, uses=uses)


def _create_from(form: DiscountCodeForm, store: Store) -> DiscountCode:
    percent = form.kind.data == "percent"
    return create_discount(
        store,
        form.code.data,
        percent_off=form.percent_off.data if percent else None,
        amount_off_cents=None if percent else form.amount_off.data,
        product=db.session.get(Product, form.product_id.data) if form.product_id.data else None,
        starts_at=form.as_utc(form.starts_at.data),
        expires_at=form.as_utc(form.expires_at.data),
        max_uses=form.max_uses.data,
    )


@bp.post("/store/<int:store_id>/discounts/<int:discount_id>/delete")
@login_required
def delete(store_id: int, discount_id: int) -> Response:
    discount = get_owned_or_403(DiscountCode, discount_id)
    if discount.store_id != store_id:
        abort(404)
    if delete_discount(discount):
        flash(f"The code {discount.code} is deleted.", "info")
    else:
        flash(
            f"The code {discount.code} has ended: orders used it, so it stays in their records (and its name stays"
            " taken in your store).",
            "info",
        )
    return redirect(url_for("discounts.index", store_id=store_id))
