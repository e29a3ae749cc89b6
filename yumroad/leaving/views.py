import json

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from yumroad.leaving.forms import DeleteAccountForm
from yumroad.leaving.services import StaffCannotLeave, delete_account, personal_data_of
from yumroad.models import utc_now

bp = Blueprint("leaving", __name__)


@bp.get("/settings/export")
@login_required
def export() -> Response:
    data = json.dumps(personal_data_of(current_user), indent=2, ensure_ascii=False)
    response = current_app.response_class(data + "\n", mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="yumroad-data-{utc_now():%Y-%m-%d}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/settings/delete", methods=["GET", "POST"])
@login_required
def delete() -> str | Response:
    form = DeleteAccountForm(current_user)
    if form.validate_on_submit():
        try:
            delete_account(current_user)
        except StaffCannotLeave:
            form.email.errors.append(
                "Staff accounts cannot be deleted: the audit log would lose who acted. "
                "Ask for your staff access to be revoked first (flask staff revoke)."
            )
            return render_template("leaving/delete.html", form=form)
        logout_user()
        flash("Your account is deleted. We emailed you what went and what stays. Goodbye, and thank you!", "info")
        return redirect(url_for("landing.index"))
    return render_template("leaving/delete.html", form=form)
