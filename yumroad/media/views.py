"""Serves the pictures that Yumroad re-encoded and stored; nothing else from the upload folder."""

import re

from flask import Blueprint, abort, send_from_directory
from werkzeug.wrappers import Response

from yumroad.pictures import pictures_folder

bp = Blueprint("media", __name__, url_prefix="/media")

STORED_PICTURE_NAME = re.compile(r"^[0-9a-f]{32}(\.card)?\.(jpg|png)$")
ONE_YEAR = 365 * 24 * 3600


@bp.get("/pictures/<filename>")
def picture(filename: str) -> Response:
    if not STORED_PICTURE_NAME.match(filename):
        abort(404)
    # A stored name is random and never reused, so browsers may keep the file for good.
    response = send_from_directory(pictures_folder(), filename, max_age=ONE_YEAR)
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
