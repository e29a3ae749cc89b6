"""Money is an integer number of cents with a currency; this module parses and formats it."""

import re
from decimal import Decimal

DEFAULT_CURRENCY = "USD"
MAX_PRICE_CENTS = 100_000_00  # $100,000: anything above is a typo, not a price
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}

_AMOUNT = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d{0,2})?$", re.ASCII)


def parse_price(text: str | None) -> int:
    """Return the cents in a dollar amount such as '12.50', '$1,200' or '0'; raise ValueError."""
    cleaned = (text or "").strip().removeprefix("$").strip()
    if not cleaned or cleaned == "." or not _AMOUNT.match(cleaned):
        raise ValueError("Enter a price such as 12.50: digits, with at most two decimals.")
    cents = int(Decimal(cleaned.replace(",", "")) * 100)
    if cents > MAX_PRICE_CENTS:
        raise ValueError(f"The price can be at most {format_money(MAX_PRICE_CENTS)}.")
    return cents


def format_money(cents: int, currency: str = DEFAULT_CURRENCY) -> str:
    """Return cents as a display amount: 1250 -> '$12.50', 1200000 -> '$12,000'."""
    whole, fraction = divmod(cents, 100)
    amount = f"{whole:,}" if fraction == 0 else f"{whole:,}.{fraction:02d}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


def format_price_for_input(cents: int) -> str:
    """Return cents as the form shows them back to the user: 1250 -> '12.50'."""
    return f"{Decimal(cents) / 100:.2f}"


def format_price(cents: int, currency: str = DEFAULT_CURRENCY) -> str:
    """Return a price for a shop window: 0 -> 'Free', 1250 -> '$12.50'."""
    return "Free" if cents == 0 else format_money(cents, currency)
