from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from yumroad.downloads.forms import FreshLinksForm
from yumroad.downloads.services import (
    DownloadLinkProblem,
    MissingFile,
    claim_download,
    download_url,
    downloads_end_at,
    purchases_of,
    request_fresh_links,
)
from yumroad.emails import EmailNotSent
from yumroad.models import utc_now
from yumroad.pagination import requested_page
from yumroad.product_files import file_path

bp = Blueprint("downloads", __name__)


def _is_a_new_download() -> bool:
    """A GET of the whole file, or of its start: not a HEAD, nor a resumed or parallel range."""
    return request.method == "GET" and (request.range is None or request.range.ranges[0][0] == 0)


@bp.get("/download/<token>")
def download(token: str) -> Response | tuple[str, int]:
    try:
        order = claim_download(token, count=_is_a_new_download())
    except DownloadLinkProblem as problem:
        status = 404 if isinstance(problem, MissingFile) else 410
        return render_template("downloads/problem.html", problem=problem, form=FreshLinksForm()), status
    product = order.product
    response = send_file(
        file_path(product.file),
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=product.file_original_name or "download",
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/download/fresh-links", methods=["GET", "POST"])
def fresh_links() -> str | Response:
    form = FreshLinksForm()
    if form.validate_on_submit():
        try:
            request_fresh_links(form.email.data)
        except EmailNotSent:
            flash("We could not send email just now. Your links are unchanged: please try again soon.", "danger")
            return render_template("downloads/fresh_links.html", form=form)
        flash(
            f"If {form.email.data} bought anything here, fresh download links are on their way to it. "
            "Older links stop working.",
            "info",
        )
        return redirect(url_for("downloads.fresh_links"))
    return render_template("downloads/fresh_links.html", form=form)


@bp.get("/library")
@login_required
def library() -> str:
    orders = purchases_of(current_user, requested_page(), current_app.config["ORDERS_PER_PAGE"])
    links = {order.id: download_url(order) for order in orders.items}
    ends = {order.id: downloads_end_at(order) for order in orders.items}
    return render_template("downloads/library.html", orders=orders, links=links, ends=ends, now=utc_now())
