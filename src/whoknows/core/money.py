"""Money, exactly: amounts are Decimals of two places or whole cents, never floats (pure).

One validator (``check_amount``) bounds every amount whoknows keeps, whatever the way in (the
CLI, a web form, the API, a backup): at most MAX_AMOUNT, two decimals, not negative. The
store keeps whole hundredths of the unit in an integer column, so SQLite and PostgreSQL hold
the same exact value, and totals are per currency in integer cents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

DEFAULT_CURRENCY = "USD"
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")  # under a trillion: what NUMERIC(14, 2) held
MAX_TEXT = 40  # characters of a typed amount ("EUR 999,999,999,999.99" and some spaces)

_AMOUNT = re.compile(
    r"^\s*(?P<cur1>[A-Za-z]{3})?\s*"
    r"(?P<num>[0-9][0-9,_ ]*(?:\.[0-9]+)?)"
    r"\s*(?P<cur2>[A-Za-z]{3})?\s*$"
)
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}


class MoneyError(ValueError):
    """An amount that is not money, or not one whoknows keeps; says what to write instead."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def check_amount(amount: Decimal, shown: str | None = None) -> Decimal:
    """AMOUNT as kept: finite, not negative, at most MAX_AMOUNT, two decimals at most."""
    label = shown if shown is not None else str(amount)
    if not amount.is_finite():
        raise MoneyError(f"amount {label} is not a number", "write it like 4000 or 4,000.50")
    if amount < 0:
        raise MoneyError(f"amount {label} is negative", "give the amount without a sign")
    if amount > MAX_AMOUNT:
        raise MoneyError(f"amount {label} is too large", f"the largest is {MAX_AMOUNT:,}")
    if amount != amount.quantize(CENT):
        raise MoneyError(f"amount {label} has more than two decimals", "round it to cents")
    return amount.quantize(CENT)


def parse_money(text: str, default_currency: str = DEFAULT_CURRENCY) -> tuple[Decimal, str]:
    """Read "4000", "4,000.50", "EUR 1200", "1200 eur", "€1200" as (Decimal, ISO currency)."""
    shown = repr(text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 3] + "...")
    raw = text.strip()
    currency = None
    if raw[:1] in _SYMBOLS:
        currency, raw = _SYMBOLS[raw[0]], raw[1:]
    match = _AMOUNT.match(raw) if len(raw) <= MAX_TEXT else None
    if not match or (match["cur1"] and match["cur2"]):
        raise MoneyError(f"amount {shown} is not money", "write it like 4000, 4,000.50 or EUR 1200")
    currency = (match["cur1"] or match["cur2"] or currency or default_currency).upper()
    try:
        amount = Decimal(re.sub(r"[,_ ]", "", match["num"]))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits digits only
        raise MoneyError(f"amount {shown} is not money", "write it like 4000") from exc
    return check_amount(amount, shown), currency


def format_money(amount: Decimal, currency: str) -> str:
    return f"{currency} {amount:,.2f}"


def to_cents(amount: Decimal) -> int:
    """Whole hundredths of the unit (exact: AMOUNT has two decimals at most)."""
    return int(check_amount(amount).scaleb(2))


def from_cents(cents: int) -> Decimal:
    """Exact: hundredths of the unit as a two-decimal Decimal."""
    return Decimal(cents).scaleb(-2)


@dataclass(frozen=True)
class Money:
    """Exact amounts per currency, in hundredths of the unit; a sum never mixes currencies."""

    cents: tuple[tuple[str, int], ...] = ()

    @staticmethod
    def of(cents: int, currency: str) -> Money:
        return Money(((currency, cents),))

    def __add__(self, other: Money) -> Money:
        total: dict[str, int] = dict(self.cents)
        for currency, amount in other.cents:
            total[currency] = total.get(currency, 0) + amount
        return Money(tuple(sorted(total.items())))

    def get(self, currency: str) -> int:
        return dict(self.cents).get(currency, 0)

    def __bool__(self) -> bool:
        return any(amount for _, amount in self.cents)


def total(amounts: Iterable[Money]) -> Money:
    found = Money()
    for amount in amounts:
        found = found + amount
    return found
