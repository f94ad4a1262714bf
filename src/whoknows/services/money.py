"""Money typed by a user, read by the one validator (core/money.py); bad amounts: UserError."""

from __future__ import annotations

from decimal import Decimal

from whoknows.config import Settings, read_config
from whoknows.core import money as core
from whoknows.core.money import DEFAULT_CURRENCY, format_money
from whoknows.errors import UserError

__all__ = ["DEFAULT_CURRENCY", "default_currency", "format_money", "money", "parse_money"]


def default_currency(settings: Settings) -> str:
    """The `currency` of config.toml in the config folder, else USD."""
    path = settings.config_dir / "config.toml"
    value = read_config(settings).get("currency")
    if value is None:
        return DEFAULT_CURRENCY
    if not isinstance(value, str) or len(value) != 3 or not value.isalpha():
        raise UserError(
            f"{path}: currency {value!r} is not a three-letter code", hint='e.g. currency = "EUR"'
        )
    return value.upper()


def money(
    settings: Settings, text: str | None, currency: str | None = None
) -> tuple[Decimal | None, str | None]:
    """An amount typed by the user, exact: in CURRENCY (else the default) unless it names one."""
    if text is None or not text.strip():
        return None, None
    return parse_money(text, currency or default_currency(settings))


def parse_money(text: str, default_currency: str = DEFAULT_CURRENCY) -> tuple[Decimal, str]:
    """Read "4000", "4,000.50", "EUR 1200", "1200 eur", "€1200" as (Decimal, ISO currency)."""
    try:
        return core.parse_money(text, default_currency)
    except core.MoneyError as exc:
        raise UserError(exc.message, hint=exc.hint) from exc
