import pytest

from yumroad.money import MAX_PRICE_CENTS, format_money, format_price_for_input, parse_price


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
        (99, "JPY", "0.99 JPY"),
    ],
)
def test_format_money(cents, currency, shown):
    assert format_money(cents, currency) == shown


def test_format_price_for_input_round_trips():
    for cents in (0, 5, 1250, 9999999):
        assert parse_price(format_price_for_input(cents)) == cents
