from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from yumroad.access import get_owned_or_403
from yumroad.checkout.forms import BuyForm, buy_form
from yumroad.models import Product
from yumroad.pagination import requested_page
from yumroad.products.forms import ProductForm
from yumroad.products.services import (
    SORTS,
    CannotPublish,
    browse_products,
    create_product,
    delete_product,
    get_product,
    publish_product,
    unpublish_product,
    update_product,
)
from yumroad.reviews.services import reviews_of
from yumroad.search import search_terms

bp = Blueprint("products", __name__, url_prefix="/product")

REVIEWS_PER_PAGE = 10


@bp.get("/")
def index() -> str:
    query, sort = request.args.get("q", "").strip(), request.args.get("sort", "")
    sort = sort if sort in SORTS else ""
    products = browse_products(requested_page(), current_app.config["PRODUCTS_PER_PAGE"], query, sort)
    return render_template(
        "products/index.html", products=products, query=query, sort=sort, sorts=SORTS, terms=search_terms(query)
    )


@bp.get("/<int:product_id>")
def show(product_id: int) -> str:
    product = get_product(product_id, current_user)
    return render_product_page(product, buy_form(product))


def render_product_page(product: Product, form: BuyForm) -> str:
    """The product page, with its buy form as it stands (fresh, or with the buyer's errors)."""
    return render_template(
        "products/show.html",
        product=product,
        buy_form=form,
        reviews=reviews_of(product, requested_page("reviews_page"), REVIEWS_PER_PAGE),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> str | Response:
    if current_user.store is None:
        flash("Products are sold from a store, and your account has none yet.", "warning")
        return redirect(url_for("landing.index"))
    form = ProductForm()
    if form.validate_on_submit():
        product = create_product(current_user, form.details())
        flash(f"“{product.name}” is saved as a draft: only you see it until you publish it.", "success")
        return redirect(url_for("products.show", product_id=product.id))
    cancel_url = url_for("stores.show", store_id=current_user.store.id)
    return render_template("products/edit.html", form=form, product=None, cancel_url=cancel_url)


@bp.route("/<int:product_id>/edit", methods=["GET", "POST"])
@login_required
def edit(product_id: int) -> str | Response:
    product = get_owned_or_403(Product, product_id)
    form = ProductForm(
        data={
            "name": product.name,
            "description": product.description,
            "price": product.price_cents,
            "pay_what_you_want": product.pay_what_you_want,
            "suggested_price": product.suggested_price_cents,
        }
    )
    if form.validate_on_submit():
        update_product(product, form.details())
        flash("Your changes are saved.", "success")
        return redirect(url_for("products.show", product_id=product.id))
    cancel_url = url_for("products.show", product_id=product.id)
    return render_template("products/edit.html", form=form, product=product, cancel_url=cancel_url)


@bp.post("/<int:product_id>/delete")
@login_required
def delete(product_id: int) -> Response:
    product = get_owned_or_403(Product, product_id)
    store_id, name = product.store_id, product.name
    delete_product(product)
    flash(f"“{name}” was deleted.", "info")
    return redirect(url_for("stores.show", store_id=store_id) if store_id else url_for("products.index"))


@bp.post("/<int:product_id>/publish")
@login_required
def publish(product_id: int) -> Response:
    product = get_owned_or_403(Product, product_id)
    try:
        publish_product(product)
    except CannotPublish as reason:
        flash(f"Not published yet. {reason}", "warning")
    else:
        flash(f"“{product.name}” is published: buyers can find it now.", "success")
    return redirect(url_for("products.show", product_id=product.id))


@bp.post("/<int:product_id>/unpublish")
@login_required
def unpublish(product_id: int) -> Response:
    product = get_owned_or_403(Product, product_id)
    unpublish_product(product)
    flash(f"“{product.name}” is a draft again: only you see it.", "info")
    return redirect(url_for("products.show", product_id=product.id))
