"""Helpers the templates call."""

import re
from datetime import UTC, datetime

from flask import url_for
from markupsafe import Markup, escape

from yumroad.models import Product, utc_now
from yumroad.money import DEFAULT_CURRENCY, format_money
from yumroad.pictures import stored_filename

# (seconds, unit): "3 hours ago" counts in the largest unit that fits, up to a week; older is a date.
# static/js/relative-times.js words the dates of kept pages the same way, in the browser.
RELATIVE_UNITS = ((86400, "day"), (3600, "hour"), (60, "minute"))
RELATIVE_LIMIT = 7 * 86400


def picture_url(product: Product, size: str = "full") -> str | None:
    """Return the URL of a product's picture in a size ('full' or 'card'), or None if it has none."""
    if not product.picture:
        return None
    return url_for("media.picture", filename=stored_filename(product.picture, size))


def format_date(moment: datetime) -> str:
    return moment.strftime("%B %-d, %Y")


def format_date_and_time(moment: datetime) -> str:
    """'March 5, 2026 at 14:03 UTC': the whole moment, for a title next to a relative time."""
    return moment.astimezone(UTC).strftime("%B %-d, %Y at %H:%M UTC")


def _time_element(moment: datetime, text: str, **attributes: str) -> Markup:
    machine = moment.astimezone(UTC).isoformat(timespec="seconds")
    extra = Markup("").join(
        Markup(' {}="{}"').format(name.replace("_", "-"), value) for name, value in attributes.items()
    )
    return Markup('<time datetime="{}"{}>{}</time>').format(machine, extra, text)


def timestamp(moment: datetime | None, relative: bool = False) -> Markup:
    """A date in a <time> element: 'March 5, 2026'. Safe on kept pages: it never goes stale.

    With relative=True, relative-times.js rewords it in the browser ('3 hours ago') if recent.
    """
    if moment is None:
        return Markup("")
    if relative:
        return _time_element(moment, format_date(moment), data_relative="")
    return _time_element(moment, format_date(moment))


def relative_time(moment: datetime, now: datetime | None = None) -> str:
    """'just now', '5 minutes ago', 'yesterday', '3 days ago'; from a week back, the date."""
    seconds = ((now or utc_now()) - moment).total_seconds()
    if seconds < 0 or seconds >= RELATIVE_LIMIT:
        return format_date(moment)
    for scale, unit in RELATIVE_UNITS:
        count = int(seconds // scale)
        if count >= 1:
            if unit == "day" and count == 1:
                return "yesterday"
            return f"{count} {unit}{'' if count == 1 else 's'} ago"
    return "just now"


def time_ago(moment: datetime | None) -> Markup:
    """A relative time with the whole moment on hover and for machines. Never on kept (cached) pages."""
    if moment is None:
        return Markup("")
    return _time_element(moment, relative_time(moment), title=format_date_and_time(moment))


def summary(text: str | None, length: int = 160) -> str:
    """Plain text on one line, cut at a word to at most `length` characters: for meta descriptions."""
    flat = " ".join((text or "").split())
    if len(flat) <= length:
        return flat
    return flat[: length - 1].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


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
