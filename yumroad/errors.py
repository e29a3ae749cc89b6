"""Error pages in the site's layout, for every HTTP error and for anything unexpected."""

import time

from flask import Flask, current_app, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from yumroad.extensions import db

MESSAGES = {
    400: ("This request could not be understood", "Go back, reload the page and try again."),
    403: ("This page is not yours", "Only its owner can see or change it."),
    404: ("We could not find that page", "It may have been deleted, or the link has a typo."),
    405: ("That action is not allowed here", "Go back and use the page's buttons."),
    413: ("That upload is too large", "Choose a smaller file and try again."),
    429: ("Too many tries in a short time", "For everyone's safety this is limited. Try again in {wait}."),
}
CSRF_MESSAGE = (
    "Your form expired",
    "For your safety forms expire. Go back, reload the page and send it again.",
)


def waiting_time(seconds: int) -> str:
    """'a minute', '5 minutes', 'an hour': how long a visitor waits, rounded up to whole minutes."""
    minutes = max(1, -(-seconds // 60))
    if minutes >= 60:
        hours = -(-minutes // 60)
        return "an hour" if hours == 1 else f"{hours} hours"
    return "a minute" if minutes == 1 else f"{minutes} minutes"


def render_error(error: HTTPException) -> tuple[str, int, dict[str, str]]:
    code = error.code or 500
    # An error may bring its own words (e.g. the staff area's 403); else the code's, else werkzeug's.
    title, advice = getattr(error, "page_text", None) or MESSAGES.get(code, (error.name, error.description))
    headers = {}
    if isinstance(error, CSRFError):
        title, advice = CSRF_MESSAGE
        # Why, for whoever reads the log: behind a proxy a refused referrer looks like an expired form.
        current_app.logger.warning("form refused: %s", error.description)
    if code == 429:
        seconds = _retry_after()
        advice = advice.format(wait=waiting_time(seconds))
        headers["Retry-After"] = str(seconds)
    return render_template("errors/error.html", code=code, title=title, advice=advice), code, headers


def _retry_after() -> int:
    """Seconds until the limit that refused this request lets the visitor in again."""
    limiter = current_app.extensions.get("rate_limiter")
    window = getattr(limiter, "current_limit", None) if limiter is not None else None
    return max(1, int(window.reset_at - time.time())) if window is not None else 60


def render_server_error(error: Exception) -> tuple[str, int]:
    db.session.rollback()
    title, advice = "Something went wrong on our side", "We have been told. Please try again in a moment."
    return render_template("errors/error.html", code=500, title=title, advice=advice), 500


def render_database_unavailable(error: OperationalError) -> tuple[str, int, dict[str, str]]:
    """The database does not answer (restarting, unreachable): a 503 that says to retry, not a 500."""
    db.session.rollback()
    current_app.logger.error("the database is not answering: %s", error.orig)
    title, advice = "We cannot reach our database right now", "Nothing was lost. Please try again in a moment."
    return render_template("errors/error.html", code=503, title=title, advice=advice), 503, {"Retry-After": "10"}


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(InternalServerError, render_server_error)
    app.register_error_handler(OperationalError, render_database_unavailable)
