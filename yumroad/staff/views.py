"""The staff area, behind one check: anonymous visitors are asked to log in, other users get a 403."""

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import Forbidden
from werkzeug.wrappers import Response

from yumroad.extensions import db, login_manager
from yumroad.models import Product, User
from yumroad.pagination import requested_page
from yumroad.routing import LARGEST_DATABASE_ID
from yumroad.staff.forms import ReasonForm
from yumroad.staff.services import (
    ACTION_LABELS,
    PRODUCT,
    SEARCH_KINDS,
    USER,
    StaffActionRefused,
    allow_product,
    audit_log,
    audit_staff,
    get_order,
    latest_actions,
    lift_suspension,
    product_overview,
    product_state,
    search,
    search_kind,
    subject_names,
    suspend_user,
    take_down_product,
    user_overview,
)

bp = Blueprint("staff", __name__, url_prefix="/staff")

RESULTS_PER_KIND = 10  # on the search page; "more" opens one kind, paginated
RESULTS_PER_PAGE = 25
LATEST_ACTIONS = 10  # on the search page with no query, and on a user's or product's page
AUDIT_PER_PAGE = 50
PRODUCTS_PER_USER = 50
QUERY_MAX_LENGTH = 200


class StaffOnly(Forbidden):
    page_text = ("This area is for Yumroad staff", "Your account cannot open it. Go back to the store.")


@bp.before_request
def staff_only() -> Response | None:
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_staff:
        raise StaffOnly
    return None


@bp.after_request
def private_page(response: Response) -> Response:
    """Staff pages show people's data: never indexed, never kept by a browser or a proxy."""
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.context_processor
def staff_helpers() -> dict[str, Any]:
    return {"action_labels": ACTION_LABELS, "product_state": product_state}


@bp.get("/")
def index() -> str:
    query = request.args.get("q", "").strip()[:QUERY_MAX_LENGTH]
    kind = request.args.get("kind")
    if kind in SEARCH_KINDS:
        page = search_kind(kind, query, requested_page(), RESULTS_PER_PAGE)
        return render_template("staff/index.html", query=query, kind=kind, page=page)
    found = search(query, RESULTS_PER_KIND)
    actions = [] if query else latest_actions(LATEST_ACTIONS)
    return render_template(
        "staff/index.html", query=query, kind=None, found=found, actions=actions, names=subject_names(actions)
    )


@bp.get("/users/<int:user_id>")
def user(user_id: int) -> str:
    return render_user_page(user_id, ReasonForm())


def render_user_page(user_id: int, form: ReasonForm) -> str:
    overview = user_overview(user_id, PRODUCTS_PER_USER, LATEST_ACTIONS)
    return render_template("staff/user.html", overview=overview, user=overview.user, form=form)


@bp.post("/users/<int:user_id>/suspend")
def suspend(user_id: int) -> str | Response:
    user = db.get_or_404(User, user_id)
    done = (
        f"{user.email} is suspended: logged out, their store and products are off the site, and they were emailed why."
    )
    return _act(suspend_user, user, done, lambda form: render_user_page(user_id, form))


@bp.post("/users/<int:user_id>/lift-suspension")
def lift(user_id: int) -> str | Response:
    user = db.get_or_404(User, user_id)
    done = f"{user.email} may log in again: their store and products are back, and they were emailed."
    return _act(lift_suspension, user, done, lambda form: render_user_page(user_id, form))


@bp.get("/products/<int:product_id>")
def product(product_id: int) -> str:
    return render_product_page(product_id, ReasonForm())


def render_product_page(product_id: int, form: ReasonForm) -> str:
    overview = product_overview(product_id, LATEST_ACTIONS)
    return render_template("staff/product.html", overview=overview, product=overview.product, form=form)


@bp.post("/products/<int:product_id>/take-down")
def take_down(product_id: int) -> str | Response:
    product = db.get_or_404(Product, product_id)
    done = f"“{product.name}” is taken down: off the site until staff allow it, and its creator was emailed why."
    return _act(take_down_product, product, done, lambda form: render_product_page(product_id, form))


@bp.post("/products/<int:product_id>/allow")
def allow(product_id: int) -> str | Response:
    product = db.get_or_404(Product, product_id)
    done = f"“{product.name}” may be published again (it stays a draft until its creator does): they were emailed."
    return _act(allow_product, product, done, lambda form: render_product_page(product_id, form))


def _act(
    action: Callable[[User, Any, str], None], subject: User | Product, done: str, page: Callable[[ReasonForm], str]
) -> str | Response:
    """Do an action with the form's reason, then back to the subject's page; or the page with the form's errors."""
    form = ReasonForm()
    if not form.validate_on_submit():
        return page(form)
    try:
        action(current_user, subject, form.reason.data)
    except StaffActionRefused as refusal:
        flash(str(refusal), "warning")
    else:
        flash(done, "success")
    endpoint, argument = ("staff.user", "user_id") if isinstance(subject, User) else ("staff.product", "product_id")
    return redirect(url_for(endpoint, **{argument: subject.id}))


@bp.get("/orders/<int:order_id>")
def order(order_id: int) -> str:
    return render_template("staff/order.html", order=get_order(order_id))


@bp.get("/audit")
def audit() -> str:
    staff_id, subject_id = _id_argument("staff"), _id_argument("subject_id")
    subject_type = request.args.get("subject_type") if request.args.get("subject_type") in (USER, PRODUCT) else None
    actions = audit_log(requested_page(), AUDIT_PER_PAGE, staff_id, subject_type, subject_id)
    filters = {"staff": staff_id, "subject_type": subject_type, "subject_id": subject_id}
    return render_template(
        "staff/audit.html",
        actions=actions,
        names=subject_names(actions.items),
        staff_members=audit_staff(),
        filters={name: value for name, value in filters.items() if value is not None},
    )


def _id_argument(name: str) -> int | None:
    """An id from the query string, or None if it is missing or no id the database could hold."""
    value = request.args.get(name, "")
    return int(value) if value.isdecimal() and len(value) < 20 and 0 < int(value) <= LARGEST_DATABASE_ID else None
