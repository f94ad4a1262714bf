"""Money as exact decimals with a currency; never a float."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from whoknows.errors import UserError

DEFAULT_CURRENCY = "USD"
_AMOUNT = re.compile(
    r"^\s*(?P<cur1>[A-Za-z]{3})?\s*"
    r"(?P<num>[0-9][0-9,_ ]*(?:\.[0-9]+)?)"
    r"\s*(?P<cur2>[A-Za-z]{3})?\s*$"
)
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
CENT = Decimal("0.01")


def parse_money(text: str, default_currency: str = DEFAULT_CURRENCY) -> tuple[Decimal, str]:
    """Read "4000", "4,000.50", "EUR 1200", "1200 eur", "€1200" as (Decimal, ISO currency)."""
    raw = text.strip()
    currency = None
    if raw[:1] in _SYMBOLS:
        currency, raw = _SYMBOLS[raw[0]], raw[1:]
    match = _AMOUNT.match(raw)
    if not match or (match["cur1"] and match["cur2"]):
        raise UserError(
            f"amount {text!r} is not money", hint="write it like 4000, 4,000.50 or EUR 1200"
        )
    currency = (match["cur1"] or match["cur2"] or currency or default_currency).upper()
    try:
        amount = Decimal(re.sub(r"[,_ ]", "", match["num"]))
    except InvalidOperation as exc:
        raise UserError(
            f"amount {text!r} is not money", hint="write it like 4000 or 4,000.50"
        ) from exc
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise UserError(f"amount {text!r} has more than two decimals", hint="round it to cents")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP), currency


def format_money(amount: Decimal, currency: str) -> str:
    return f"{currency} {amount:,.2f}"
