"""Reading `?page=` the same way on every listing."""

from flask import request

MAX_PAGE = 100_000  # past this, a page number can only be a typo or an attack: it gets a 404


def requested_page(argument: str = "page") -> int:
    """Return the page that `?page=` (or another argument) names: a missing or bad one is 1, a huge one is capped."""
    page = request.args.get(argument, 1, type=int)
    return min(max(page, 1), MAX_PAGE)
