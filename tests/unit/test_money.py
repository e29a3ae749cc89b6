import re

import pytest

from yumroad.money import (
    MAX_PRICE_CENTS,
    PRICE_INPUT_PATTERN,
    decimal_amount,
    format_money,
    format_price,
    format_price_for_input,
    parse_price,
)


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("12.50", 1250),
        ("12.5", 1250),
        ("12", 1200),
        ("12.", 1200),
        (".99", 99),
        ("0", 0),
        ("0.00", 0),
        (" $7.05 ", 705),
        ("1,200", 120000),
        ("99,999.99", 9999999),
        ("100000", MAX_PRICE_CENTS),
    ],
)
def test_parse_price_accepts_amounts(typed, cents):
    assert parse_price(typed) == cents


@pytest.mark.parametrize(
    "typed", ["", "   ", None, ".", "-1", "-0.50", "12.505", "abc", "1e3", "12,50", "1,2345", "NaN", "Infinity", "١٢"]
)
def test_parse_price_refuses_what_is_not_an_amount(typed):
    with pytest.raises(ValueError, match="Enter a price"):
        parse_price(typed)


def test_parse_price_refuses_absurd_amounts():
    with pytest.raises(ValueError, match="at most"):
        parse_price("100000.01")
    with pytest.raises(ValueError, match="at most"):
        parse_price("9" * 40)


@pytest.mark.parametrize(
    ("cents", "currency", "shown"),
    [
        (0, "USD", "$0"),
        (5, "USD", "$0.05"),
        (1250, "USD", "$12.50"),
        (123456789, "GBP", "£1,234,567.89"),
        (120000, "USD", "$1,200"),
        (1250, "EUR", "€12.50"),
        (5, "GBP", "£0.05"),
        (99, "JPY", "¥99"),  # the yen has no smaller unit: 99 is ¥99, not ¥0.99
        (1250000, "JPY", "¥1,250,000"),
        (1250, "CHF", "12.50 CHF"),  # a currency without a symbol here shows its code
    ],
)
def test_format_money(cents, currency, shown):
    assert format_money(cents, currency) == shown


def test_format_price_for_input_round_trips():
    for cents in (0, 5, 1250, 9999999):
        assert parse_price(format_price_for_input(cents)) == cents


@pytest.mark.parametrize(
    ("cents", "currency", "amount"),
    [(0, "USD", "0.00"), (5, "USD", "0.05"), (1250, "EUR", "12.50"), (1250, "JPY", "1250"), (7, "CHF", "0.07")],
)
def test_decimal_amounts_for_machines(cents, currency, amount):
    assert decimal_amount(cents, currency) == amount


def test_a_price_of_zero_is_free():
    assert format_price(0, "JPY") == "Free"
    assert format_price(500, "JPY") == "¥500"


@pytest.mark.parametrize("typed", ["12.50", " $7.05 ", "1,200", ".99", "0"])
def test_the_browser_pattern_accepts_what_parse_price_accepts(typed):
    parse_price(typed)
    assert re.fullmatch(PRICE_INPUT_PATTERN, typed)


@pytest.mark.parametrize("typed", ["-1", "12.505", "abc", "1e3", "12,50"])
def test_the_browser_pattern_refuses_what_parse_price_refuses(typed):
    with pytest.raises(ValueError):
        parse_price(typed)
    assert not re.fullmatch(PRICE_INPUT_PATTERN, typed)
