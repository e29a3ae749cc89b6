"""Money is an integer number of the currency's smallest unit (cents, or yen); this module parses and formats it."""

import re
from dataclasses import dataclass
from decimal import Decimal

DEFAULT_CURRENCY = "USD"
MAX_PRICE_CENTS = 100_000_00  # $100,000: anything above is a typo, not a price


@dataclass(frozen=True)
class Currency:
    symbol: str
    decimals: int  # digits after the point (ISO 4217's minor unit): 2 for cents, 0 for yen


CURRENCIES = {
    "USD": Currency("$", 2),
    "EUR": Currency("€", 2),
    "GBP": Currency("£", 2),
    "JPY": Currency("¥", 0),
}

# A typed amount: '12.50', '1,200', '.99'. The form's `pattern` attribute is built from it too.
AMOUNT_PATTERN = r"(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d{0,2})?"
_AMOUNT = re.compile(f"^{AMOUNT_PATTERN}$", re.ASCII)
# What the browser checks before sending (HTML `pattern`, matched whole): the same, with a $ and spaces.
PRICE_INPUT_PATTERN = rf"(?=.*\d)\s*\$?\s*{AMOUNT_PATTERN}\s*"  # at least one digit
PRICE_MESSAGE = "Enter a price such as 12.50: digits, with at most two decimals."


def _currency(code: str) -> Currency:
    """The currency's symbol and decimals; an unknown code shows as itself, with two decimals."""
    return CURRENCIES.get(code) or Currency("", 2)


def parse_price(text: str | None) -> int:
    """Return the cents in a dollar amount such as '12.50', '$1,200' or '0'; raise ValueError."""
    cleaned = (text or "").strip().removeprefix("$").strip()
    if not cleaned or cleaned == "." or not _AMOUNT.match(cleaned):
        raise ValueError(PRICE_MESSAGE)
    cents = int(Decimal(cleaned.replace(",", "")) * 100)
    if cents > MAX_PRICE_CENTS:
        raise ValueError(f"The price can be at most {format_money(MAX_PRICE_CENTS)}.")
    return cents


def format_money(cents: int, currency: str = DEFAULT_CURRENCY) -> str:
    """Return an amount for people: 1250 -> '$12.50', 1200000 -> '$12,000', (1250, 'JPY') -> '¥1,250'."""
    decimals = _currency(currency).decimals
    whole, fraction = divmod(cents, 10**decimals)
    amount = f"{whole:,}" if fraction == 0 else f"{whole:,}.{fraction:0{decimals}d}"
    symbol = _currency(currency).symbol
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


def decimal_amount(cents: int, currency: str = DEFAULT_CURRENCY) -> str:
    """Return an amount as a plain decimal, for forms, CSV and machines: 1250 -> '12.50', (1250, 'JPY') -> '1250'."""
    decimals = _currency(currency).decimals
    return f"{Decimal(cents).scaleb(-decimals):.{decimals}f}"


def format_price_for_input(cents: int) -> str:
    """Return cents as the form shows them back to the user: 1250 -> '12.50'."""
    return decimal_amount(cents, DEFAULT_CURRENCY)


def format_price(cents: int, currency: str = DEFAULT_CURRENCY) -> str:
    """Return a price for a shop window: 0 -> 'Free', 1250 -> '$12.50'."""
    return "Free" if cents == 0 else format_money(cents, currency)
