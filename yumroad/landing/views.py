from flask import Blueprint, render_template

from yumroad.extensions import db
from yumroad.products.services import products_newest_first
from yumroad.stores.services import stores_newest_first

bp = Blueprint("landing", __name__)

FEATURED_PRODUCTS = 8
FEATURED_STORES = 6


@bp.get("/")
def index() -> str:
    products = db.session.scalars(products_newest_first().limit(FEATURED_PRODUCTS)).all()
    stores = db.session.scalars(stores_newest_first().limit(FEATURED_STORES)).all()
    return render_template("landing/index.html", products=products, stores=stores)
