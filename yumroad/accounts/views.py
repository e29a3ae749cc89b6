"""Accounts: a forgotten password, confirming and changing an email address, the settings page."""

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.utils import login_remembered
from werkzeug.wrappers import Response

from yumroad.access import is_safe_redirect_target
from yumroad.accounts import services
from yumroad.accounts.forms import (
    EMAIL_CHANGE_PREFIX,
    PASSWORD_CHANGE_PREFIX,
    STORE_PREFIX,
    EmailChangeForm,
    PasswordChangeForm,
    PasswordResetForm,
    PasswordResetRequestForm,
)
from yumroad.accounts.tokens import LinkProblem, LinkPurpose, describe_lifetime, lifetime
from yumroad.models import User
from yumroad.stores.forms import StoreForm
from yumroad.stores.services import update_store
from yumroad.users.services import EmailAlreadyRegistered
from yumroad.users.views import home_of

bp = Blueprint("accounts", __name__)


def _link_problem(problem: LinkProblem, purpose: LinkPurpose) -> tuple[str, int]:
    """The page of a link that cannot be used: why, and how to get a new one."""
    page = render_template(
        "accounts/link_problem.html", reason=problem.reason, purpose=purpose.name, lifetime=_lifetime_of(purpose)
    )
    return page, problem.status


def _is_logged_in_as(user: User) -> bool:
    return current_user.is_authenticated and current_user.id == user.id


def _lifetime_of(purpose: LinkPurpose) -> str:
    return describe_lifetime(lifetime(purpose))


# A forgotten password.


@bp.route("/reset-password", methods=["GET", "POST"])
def request_password_reset() -> str | Response:
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        # The same answer whoever asks (an account or not, suspended or not): it tells nobody who has one.
        flash(
            "If an account uses that address, we have sent it a link to choose a new password. "
            f"It works for {_lifetime_of(LinkPurpose.PASSWORD_RESET)}.",
            "info",
        )
        return redirect(url_for("accounts.request_password_reset"))
    return render_template("accounts/request_password_reset.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response | tuple[str, int]:
    form = PasswordResetForm()
    try:
        user = services.user_of_reset_link(token)
        if form.validate_on_submit():
            user = services.reset_password(token, form.password.data)
            login_user(user)
            flash("Your new password is saved and you are logged in. Every other session of yours ended.", "success")
            return redirect(home_of(user))
    except LinkProblem as problem:
        return _link_problem(problem, LinkPurpose.PASSWORD_RESET)
    return render_template("accounts/reset_password.html", form=form, user=user)


# Confirming an email address.


@bp.get("/verify-email/<token>")
def verify_email(token: str) -> Response | tuple[str, int]:
    try:
        user, just_now = services.verify_email(token)
    except LinkProblem as problem:
        return _link_problem(problem, LinkPurpose.EMAIL_VERIFICATION)
    if just_now:
        flash(f"Thank you: {user.email} is confirmed. You can publish your products now.", "success")
    else:
        flash(f"{user.email} is already confirmed: nothing more to do.", "info")
    if _is_logged_in_as(user):
        return redirect(home_of(user))
    return redirect(url_for("users.login", next=home_of(user)))


@bp.post("/verify-email/resend")
@login_required
def resend_verification() -> Response:
    if services.request_verification_email(current_user):
        lifetime_text = _lifetime_of(LinkPurpose.EMAIL_VERIFICATION)
        flash(f"We sent a new link to {current_user.email}. It works for {lifetime_text}.", "info")
    else:
        flash(f"{current_user.email} is already confirmed: nothing more to do.", "info")
    back = request.form.get("next")
    return redirect(back if is_safe_redirect_target(back) else home_of(current_user))


# The settings page: one form per section, each posting to its own URL.


def _settings_page(**forms: Any) -> str:
    """The settings page, with the form that was sent (and its messages) and fresh ones for the rest."""
    store = current_user.store
    fresh = {
        "email_form": EmailChangeForm(formdata=None, prefix=EMAIL_CHANGE_PREFIX),
        "password_form": PasswordChangeForm(formdata=None, prefix=PASSWORD_CHANGE_PREFIX),
        "store_form": StoreForm(formdata=None, obj=store, prefix=STORE_PREFIX) if store else None,
    }
    return render_template("accounts/settings.html", **(fresh | forms))


@bp.get("/settings")
@login_required
def settings() -> str:
    return _settings_page()


@bp.post("/settings/email")
@login_required
def change_email() -> str | Response:
    form = EmailChangeForm(prefix=EMAIL_CHANGE_PREFIX)
    if form.validate_on_submit():
        try:
            new_email = services.request_email_change(current_user, form.email.data, form.password.data)
        except services.WrongPassword:
            form.password.errors.append("Wrong password.")
        except services.SameEmail:
            form.email.errors.append("This is already your email address.")
        except EmailAlreadyRegistered:
            form.email.errors.append("Another account uses this email address.")
        else:
            flash(
                f"We sent a link to {new_email}: follow it within {_lifetime_of(LinkPurpose.EMAIL_CHANGE)} "
                f"to make it your address. Until then your address stays {current_user.email}.",
                "info",
            )
            return redirect(url_for("accounts.settings"))
    return _settings_page(email_form=form)


@bp.get("/settings/email/<token>")
def confirm_email_change(token: str) -> Response | tuple[str, int]:
    try:
        user, old_email = services.change_email(token)
    except LinkProblem as problem:
        return _link_problem(problem, LinkPurpose.EMAIL_CHANGE)
    flash(f"Your email address is now {user.email}. We told {old_email} about the change.", "success")
    if _is_logged_in_as(user):
        return redirect(url_for("accounts.settings"))
    return redirect(url_for("users.login", next=url_for("accounts.settings")))


@bp.post("/settings/password")
@login_required
def change_password() -> str | Response:
    form = PasswordChangeForm(prefix=PASSWORD_CHANGE_PREFIX)
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except services.WrongPassword:
            form.current_password.errors.append("Wrong password.")
        else:
            # The new session version ended every login, this one too: log this one in again.
            login_user(current_user._get_current_object(), remember=login_remembered())
            flash("Your new password is saved. You are still logged in here; every other session has ended.", "success")
            return redirect(url_for("accounts.settings"))
    return _settings_page(password_form=form)


@bp.post("/settings/store")
@login_required
def edit_store() -> str | Response:
    if current_user.store is None:
        abort(404)
    form = StoreForm(prefix=STORE_PREFIX)
    if form.validate_on_submit():
        update_store(current_user.store, form.name.data, form.description.data)
        flash("Your store is saved.", "success")
        return redirect(url_for("accounts.settings"))
    return _settings_page(store_form=form)


@bp.post("/settings/log-out-everywhere")
@login_required
def log_out_everywhere() -> Response:
    services.end_every_session(current_user)
    logout_user()
    flash("You are logged out everywhere: on this device and every other.", "info")
    return redirect(url_for("users.login"))
