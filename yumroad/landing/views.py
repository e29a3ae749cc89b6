from flask import Blueprint, render_template

from yumroad.products.services import featured_products
from yumroad.stores.services import featured_stores

bp = Blueprint("landing", __name__)

FEATURED_PRODUCTS = 8
FEATURED_STORES = 6


@bp.get("/")
def index() -> str:
    return render_template(
        "landing/index.html", products=featured_products(FEATURED_PRODUCTS), stores=featured_stores(FEATURED_STORES)
    )
