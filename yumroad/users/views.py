from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from yumroad.access import is_safe_redirect_target
from yumroad.models import User
from yumroad.users.forms import LoginForm, RegisterForm
from yumroad.users.services import EmailAlreadyRegistered, authenticate, register_creator

bp = Blueprint("users", __name__)


def home_of(user: User) -> str:
    """Where a user lands once logged in: their store, or the home page."""
    return url_for("stores.show", store_id=user.store.id) if user.store else url_for("landing.index")


def _next_page_or_home_of(user: User) -> str:
    next_page = request.args.get("next")
    return next_page if is_safe_redirect_target(next_page) else home_of(user)


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | Response:
    if current_user.is_authenticated:
        return redirect(_next_page_or_home_of(current_user))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = register_creator(form.email.data, form.password.data, form.store_name.data)
        except EmailAlreadyRegistered:
            form.email.errors.append("This email is already registered: log in instead.")
        else:
            login_user(user)
            flash(f"Welcome to Yumroad! Your store “{user.store.name}” is open.", "success")
            return redirect(home_of(user))
    return render_template("users/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(_next_page_or_home_of(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append("Wrong email or password.")
        elif not user.is_active:
            form.email.errors.append(f"This account is suspended: {user.suspension_reason or 'ask us why.'}")
        else:
            login_user(user, remember=form.remember.data)
            flash("You are logged in.", "success")
            return redirect(_next_page_or_home_of(user))
    return render_template("users/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    logout_user()
    flash("You are logged out. See you soon!", "info")
    return redirect(url_for("landing.index"))
