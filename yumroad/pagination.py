"""One way to paginate a listing, so every page reads `?page=` the same way."""

from typing import Any

from flask import request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from yumroad.extensions import db

MAX_PAGE = 100_000  # past this, a page number can only be a typo or an attack: it gets a 404


def paginate(statement: Select[Any], per_page: int) -> Pagination:
    """Return the page of `statement` named by `?page=` (a missing or bad one is 1; past the end, 404)."""
    page = request.args.get("page", 1, type=int)
    page = min(max(page, 1), MAX_PAGE)
    return db.paginate(statement, page=page, per_page=per_page, max_per_page=100, error_out=True)
