"""The one money validator: exact, bounded, two decimals; cents round-trip (pure)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whoknows.core.money import (
    MAX_AMOUNT,
    MoneyError,
    check_amount,
    from_cents,
    parse_money,
    to_cents,
)

CENTS = st.integers(min_value=0, max_value=int(MAX_AMOUNT * 100))


@given(CENTS)
def test_cents_and_decimals_round_trip_exactly(cents: int) -> None:
    assert to_cents(from_cents(cents)) == cents
    assert from_cents(cents) == Decimal(cents) / 100


@given(CENTS, CENTS)
def test_sums_in_cents_equal_sums_of_decimals(a: int, b: int) -> None:
    assert from_cents(a + b) == from_cents(a) + from_cents(b)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4000", (Decimal("4000.00"), "USD")),
        ("4,000.50", (Decimal("4000.50"), "USD")),
        ("EUR 1200", (Decimal("1200.00"), "EUR")),
        ("£12.5", (Decimal("12.50"), "GBP")),
        ("999,999,999,999.99", (MAX_AMOUNT, "USD")),
    ],
)
def test_typed_amounts_are_read_exactly(text: str, expected: tuple[Decimal, str]) -> None:
    assert parse_money(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "12345678901234567890123456789",  # was an internal error (decimal precision)
        "1000000000000",
        "1000000000000000000000.07",
        "1.005",
        "-5",
        "1e5",
        "NaN",
        "",
        "9" * 100_000,
    ],
)
def test_what_is_not_kept_is_refused_with_what_to_write(text: str) -> None:
    with pytest.raises(MoneyError) as raised:
        parse_money(text)
    assert raised.value.hint
    assert len(str(raised.value)) < 120  # never the whole input echoed back


@pytest.mark.parametrize("amount", ["Infinity", "NaN", "-0.01", "1000000000000.00", "0.001"])
def test_the_validator_bounds_every_amount(amount: str) -> None:
    with pytest.raises(MoneyError):
        check_amount(Decimal(amount))
