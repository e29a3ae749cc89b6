from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from yumroad.reviews.forms import ReviewForm
from yumroad.reviews.services import reviewable_order, save_review

bp = Blueprint("reviews", __name__)


@bp.route("/order/<public_id>/review", methods=["GET", "POST"])
@login_required
def edit(public_id: str) -> str | Response:
    order = reviewable_order(public_id, current_user)
    existing = order.review
    form = ReviewForm(data={"rating": existing.rating, "body": existing.body} if existing else None)
    if form.validate_on_submit():
        save_review(order, form.rating.data, form.body.data)
        flash("Your review is updated." if existing else "Thank you for your review.", "success")
        if not order.product.is_on_the_site:  # unpublished since: its page is gone
            return redirect(url_for("downloads.library"))
        return redirect(url_for("products.show", product_id=order.product_id))
    return render_template("reviews/edit.html", order=order, form=form, existing=existing)
