"""Helpers the templates call."""

import re
from datetime import datetime

from flask import url_for
from markupsafe import Markup, escape

from yumroad.models import Product
from yumroad.money import DEFAULT_CURRENCY, format_money
from yumroad.pictures import stored_filename


def picture_url(product: Product, size: str = "full") -> str | None:
    """Return the URL of a product's picture in a size ('full' or 'card'), or None if it has none."""
    if not product.picture:
        return None
    return url_for("media.picture", filename=stored_filename(product.picture, size))


def format_date(moment: datetime) -> str:
    return moment.strftime("%B %-d, %Y")


def hours(seconds: int) -> int:
    """Whole hours in a number of seconds, for "the link works for 24 hours"."""
    return round(seconds / 3600)


def money(cents: int, currency: str = DEFAULT_CURRENCY) -> str:
    return format_money(cents, currency)


def highlight(text: str, terms: list[str] | None) -> Markup:
    """Escape `text`, marking the words that start with a search term: ('Brush pack', ['bru'])."""
    if not terms:
        return escape(text)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(term) for term in terms) + r")\w*", re.IGNORECASE)
    parts, last = [], 0
    for found in pattern.finditer(text):
        parts += [escape(text[last : found.start()]), Markup("<mark>%s</mark>") % found.group(0)]
        last = found.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)
