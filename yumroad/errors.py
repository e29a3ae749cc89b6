"""Error pages in the site's layout, for every HTTP error and for anything unexpected."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from yumroad.extensions import db

MESSAGES = {
    400: ("This request could not be understood", "Go back, reload the page and try again."),
    403: ("This page is not yours", "Only its owner can see or change it."),
    404: ("We could not find that page", "It may have been deleted, or the link has a typo."),
    405: ("That action is not allowed here", "Go back and use the page's buttons."),
    413: ("That upload is too large", "Choose a smaller file and try again."),
    429: ("Too many tries in a short time", "For everyone's safety this is limited. Wait a minute, then try again."),
}
CSRF_MESSAGE = (
    "Your form expired",
    "For your safety forms expire. Go back, reload the page and send it again.",
)


def render_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    title, advice = MESSAGES.get(code, (error.name, error.description))
    if isinstance(error, CSRFError):
        title, advice = CSRF_MESSAGE
    return render_template("errors/error.html", code=code, title=title, advice=advice), code


def render_server_error(error: Exception) -> tuple[str, int]:
    db.session.rollback()
    title, advice = "Something went wrong on our side", "We have been told. Please try again in a moment."
    return render_template("errors/error.html", code=500, title=title, advice=advice), 500


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(InternalServerError, render_server_error)
