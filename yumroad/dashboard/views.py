from flask import Blueprint, Response, flash, redirect, render_template, stream_with_context, url_for
from flask_login import current_user, login_required

from yumroad.dashboard.chart import revenue_chart
from yumroad.dashboard.services import daily_revenue, latest_orders, sales_csv, sales_per_product, totals
from yumroad.models import utc_now

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.get("")
@login_required
def index() -> str | Response:
    store = current_user.store
    if store is None:
        flash("The dashboard shows a store's sales, and your account has no store.", "info")
        return redirect(url_for("landing.index"))
    return render_template(
        "dashboard/index.html",
        store=store,
        totals=totals(store),
        products=sales_per_product(store),
        chart=revenue_chart(daily_revenue(store)),
        orders=latest_orders(store),
    )


@bp.get("/sales.csv")
@login_required
def sales_export() -> Response:
    store = current_user.store
    if store is None:
        return redirect(url_for("dashboard.index"))
    filename = f"yumroad-sales-{utc_now():%Y-%m-%d}.csv"
    return Response(
        stream_with_context(sales_csv(store)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"},
    )
