"""Checks for the parse-price exercise: parse_price(text) and parse_prices(texts)."""

import pytest

from grader import points


@points(
    2, hint="Remove the spaces and the $ first, then turn what is left into a number with float()."
)
def test_reads_simple_prices(nb):
    """reads a plain price, with or without a dollar sign"""
    parse_price = nb.function("parse_price")
    assert parse_price("$4.99") == 4.99, 'parse_price("$4.99") should give the number 4.99'
    assert parse_price("12") == 12.0, 'parse_price("12") should give the number 12.0'
    assert parse_price("0.5") == 0.5, 'parse_price("0.5") should give the number 0.5'
    result = parse_price("7.25")
    assert isinstance(result, float), (
        f'parse_price("7.25") should give a number (a float), not {type(result).__name__}'
    )


@points(1, hint='text.strip() removes surrounding spaces; text.replace(",", "") removes commas.')
def test_ignores_spaces_and_thousands_commas(nb):
    """ignores surrounding spaces and commas between thousands"""
    parse_price = nb.function("parse_price")
    assert parse_price("  $4.99 ") == 4.99, 'spaces around "  $4.99 " should be ignored'
    assert parse_price("$1,299.50") == 1299.5, '"$1,299.50" should give 1299.5'
    assert parse_price("2,000") == 2000.0, '"2,000" should give 2000.0'


@points(2, hint="float() raises ValueError on text it cannot read; let it, or raise your own.")
def test_refuses_text_that_is_not_a_price(nb):
    """refuses text that is not a number with a ValueError"""
    parse_price = nb.function("parse_price")
    for text in ["N/A", "", "   ", "$", "free", "12.3.4"]:
        with pytest.raises(ValueError):
            result = parse_price(text)
            pytest.fail(
                f"parse_price({text!r}) should raise ValueError, but it returned {result!r}"
            )


@points(1, hint="After converting, compare the number with 0 and raise ValueError if it is below.")
def test_refuses_negative_prices(nb):
    """refuses a negative price with a ValueError"""
    parse_price = nb.function("parse_price")
    for text in ["-5", "$-3.50"]:
        with pytest.raises(ValueError):
            result = parse_price(text)
            pytest.fail(
                f"parse_price({text!r}) should raise ValueError, but it returned {result!r}"
            )


@points(1, hint='float("nan") and float("inf") work! math.isfinite(number) is False for both.')
def test_refuses_nan_and_infinity(nb):
    """refuses "nan" and "inf", which float() accepts but are not prices"""
    parse_price = nb.function("parse_price")
    for text in ["nan", "inf", "$-inf", "NaN"]:
        with pytest.raises(ValueError):
            result = parse_price(text)
            pytest.fail(
                f"parse_price({text!r}) should raise ValueError, but it returned {result!r}"
            )


@points(1, hint='Put the text in the message: raise ValueError(f"not a price: {text!r}").')
def test_error_message_shows_the_bad_text(nb):
    """says which text was refused in the error message"""
    parse_price = nb.function("parse_price")
    with pytest.raises(ValueError) as refused:
        parse_price("N/A")
    assert "N/A" in str(refused.value), (
        "the ValueError message should include the text that was refused, here 'N/A', "
        f"but it was: {str(refused.value)!r}"
    )


def _two_lists(result, call):
    """Fail with a plain message unless `result` is a pair (prices, rejected); return the pair."""
    assert result is not None, f"{call} should return (prices, rejected); it returned None"
    is_pair = isinstance(result, (tuple, list)) and len(result) == 2
    assert is_pair, (
        f"{call} should return two lists, (prices, rejected), but it returned {result!r}"
    )
    prices, rejected = result
    return list(prices), list(rejected)


@points(2, hint="Loop over the texts; inside the loop, try parse_price and except ValueError.")
def test_parse_prices_keeps_good_and_sets_aside_bad(nb):
    """parse_prices returns the good prices and the rejected texts, in order"""
    parse_prices = nb.function("parse_prices")
    call = "parse_prices(['$4.99', 'free', ' 10 ', '', '$1,000', '-2'])"
    prices, rejected = _two_lists(parse_prices(["$4.99", "free", " 10 ", "", "$1,000", "-2"]), call)
    assert prices == [4.99, 10.0, 1000.0], "the prices should be [4.99, 10.0, 1000.0], in order"
    assert rejected == ["free", "", "-2"], (
        "the rejected texts should be ['free', '', '-2'], unchanged and in order"
    )


@points(1, hint="Start with two empty lists and return them even when nothing was added.")
def test_parse_prices_of_an_empty_list(nb):
    """parse_prices of an empty list gives two empty lists"""
    parse_prices = nb.function("parse_prices")
    prices, rejected = _two_lists(parse_prices([]), "parse_prices([])")
    assert (prices, rejected) == ([], []), "parse_prices([]) should return ([], [])"
