from flask import Blueprint, current_app, render_template, send_from_directory
from werkzeug.wrappers import Response

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


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers and feed readers ask for it at the root, whatever the page's <link rel=icon> says."""
    return send_from_directory(str(current_app.static_folder), "favicon.ico", mimetype="image/vnd.microsoft.icon")
