from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from yumroad.access import get_owned_or_403
from yumroad.models import Store
from yumroad.pagination import requested_page
from yumroad.products.services import list_products
from yumroad.stores.forms import StoreForm
from yumroad.stores.services import get_store, list_stores, sales_of, sales_totals, update_store

bp = Blueprint("stores", __name__)


@bp.get("/stores")
def index() -> str:
    stores = list_stores(requested_page(), current_app.config["STORES_PER_PAGE"])
    return render_template("stores/index.html", stores=stores)


@bp.get("/store/<int:store_id>")
def show(store_id: int) -> str:
    store = get_store(store_id)
    products = list_products(
        requested_page(),
        current_app.config["PRODUCTS_PER_PAGE"],
        store=store,
        with_drafts=store.is_owned_by(current_user),
    )
    return render_template("stores/show.html", store=store, products=products)


@bp.route("/store/<int:store_id>/edit", methods=["GET", "POST"])
@login_required
def edit(store_id: int) -> str | Response:
    store = get_owned_or_403(Store, store_id)
    form = StoreForm(obj=store)
    if form.validate_on_submit():
        update_store(store, form.name.data, form.description.data)
        flash("Your store is saved.", "success")
        return redirect(url_for("stores.show", store_id=store.id))
    return render_template("stores/edit.html", form=form, store=store)


@bp.get("/store/<int:store_id>/sales")
@login_required
def sales(store_id: int) -> str:
    store = get_owned_or_403(Store, store_id)
    orders = sales_of(store, requested_page(), current_app.config["ORDERS_PER_PAGE"])
    return render_template("stores/sales.html", store=store, orders=orders, totals=sales_totals(store))
