"""Checks and normalisation of what users type: emails, phones, dates, names, numbers."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import TypeVar

from whoknows.core.models import InteractionKind, Stage, TieSource
from whoknows.errors import NotFound, UserError

_E = TypeVar("_E", Stage, InteractionKind, TieSource)

# The limits every adapter (CLI, web forms, REST API) applies, through these functions or the
# API's pydantic types built from the same numbers (api/schemas.py).
MAX_NAME = 200  # a person's, an organization's or an event's name
MAX_LINE = 500  # a one-line value: role, city, industry, tag, place, email, phone
MAX_TEXT = 20_000  # free text: notes, what they serve, ask and offer, a brief section
FIRST_DAY = dt.date(1900, 1, 1)  # dates outside these are typing mistakes, not history
LAST_DAY = dt.date(2200, 12, 31)
MAX_ID = 2**63 - 1  # the largest id either database can hold (BIGINT)
MAX_REF = MAX_NAME + 2 * MAX_LINE  # a reference: an id, an email, a name, or "Name <email> @Org"
MAX_PAGE = 10_000_000  # rows in one page of a listing (more than any network holds)


def email(value: str) -> str:
    """A normalised address: checked syntax, lower case, IDNA domain."""
    from email_validator import EmailNotValidError, validate_email

    if len(value) > MAX_LINE:
        raise UserError(f"email {_shown(value)} is not valid", hint="give it as name@domain")
    try:
        result = validate_email(value.strip(), check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        raise UserError(
            f"email {value!r} is not valid ({exc})", hint="give it as name@domain"
        ) from exc
    return result.normalized.lower()


def phone(value: str, region: str | None = None) -> str:
    """A phone number in E.164 (+14155550100)."""
    import phonenumbers

    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise UserError(
            f"phone {value!r} is not a phone number",
            hint="give it with its country code (+44 20 …) or set phone_region in config.toml",
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise UserError(
            f"phone {value!r} is not a valid number", hint="check the digits and the country code"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def date(value: str, what: str = "date") -> dt.date:
    """An ISO 8601 calendar date (YYYY-MM-DD) between FIRST_DAY and LAST_DAY."""
    shown = _shown(value)
    if len(value) > 40:
        raise UserError(f"{what} {shown} is not a date", hint="use YYYY-MM-DD")
    try:
        parsed = dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise UserError(f"{what} {shown} is not a date", hint="use YYYY-MM-DD") from exc
    return day(parsed, what)


def day(value: dt.date, what: str = "date") -> dt.date:
    """A date already parsed, checked against the range every adapter accepts."""
    if not FIRST_DAY <= value <= LAST_DAY:
        raise UserError(
            f"{what} {value.isoformat()} is out of range",
            hint=f"use a date from {FIRST_DAY.year} to {LAST_DAY.year}",
        )
    return value


def name(value: str, what: str = "name") -> str:
    """A name kept exactly as typed; empty, overlong and control characters are refused."""
    if not value.strip():
        raise UserError(f"{what} is empty", hint="give a name")
    if len(value) > MAX_NAME:
        raise UserError(
            f"{what} is {len(value):,} characters long", hint=f"keep it to {MAX_NAME} characters"
        )
    bad = [c for c in value if unicodedata.category(c) == "Cc"]
    if bad:
        raise UserError(
            f"{what} {_shown(value)} contains control characters",
            hint="remove line breaks and tabs",
        )
    return value


def text(value: str | None, what: str = "text", limit: int = MAX_TEXT) -> str | None:
    """Free text: NUL bytes cannot be stored, LIMIT characters at most; empty means none."""
    if value is None:
        return None
    if len(value) > limit:
        raise UserError(
            f"{what} is {len(value):,} characters long", hint=f"keep it to {limit:,} characters"
        )
    if "\x00" in value:
        raise UserError(f"{what} contains a NUL byte", hint="remove it")
    return value if value.strip() else None


def line(value: str | None, what: str) -> str | None:
    """A one-line value (role, city, place…): free text of MAX_LINE characters at most."""
    return text(value, what, MAX_LINE)


def _shown(value: str) -> str:
    """VALUE quoted for a message, cut short: an error never echoes a megabyte back."""
    return repr(value if len(value) <= 60 else value[:57] + "...")


def strength(value: float) -> float:
    if not 0 < value <= 1:
        raise UserError(f"strength {value} is out of range", hint="use a number in (0, 1]")
    return float(value)


def trust(value: int) -> int:
    if not 1 <= value <= 5:
        raise UserError(f"trust {value} is out of range", hint="use 1 (barely) to 5 (fully)")
    return value


def reference(value: str, what: str = "reference") -> str:
    """What a user typed to name a person, organization or event: bounded before any search."""
    if len(value) > MAX_REF:
        raise UserError(
            f"{what} is {len(value):,} characters long",
            hint=f"give an id, an email or a name of up to {MAX_NAME} characters",
        )
    return value


def row_id(text: str, what: str) -> int:
    """An id typed by a user (digits only); beyond what a database holds, nothing has it."""
    number = int(text)
    if not 1 <= number <= MAX_ID:
        raise NotFound(f"no {what} with id {_shown(text)}", hint="ids are whole numbers from 1")
    return number


def limit(value: int | None, what: str = "limit") -> int | None:
    """How many rows a listing shows: 1 to MAX_PAGE, or None for the default."""
    if value is not None and not 1 <= value <= MAX_PAGE:
        raise UserError(f"{what} {value} is out of range", hint=f"use 1 to {MAX_PAGE:,}")
    return value


def positive(value: int, what: str) -> int:
    if value < 0:
        raise UserError(f"{what} {value} is negative", hint="use 0 or more")
    return value


def stage(value: str) -> Stage:
    return _choice(Stage, value, "stage")


def interaction_kind(value: str) -> InteractionKind:
    aliases = {
        "1-1": "one-to-one",
        "1to1": "one-to-one",
        "1-to-1": "one-to-one",
        "121": "one-to-one",
    }
    return _choice(InteractionKind, aliases.get(value.lower(), value), "interaction kind")


def tie_source(value: str) -> TieSource:
    return _choice(TieSource, value, "source")


def tag(value: str) -> str:
    cleaned = value.strip()
    if (
        not cleaned
        or len(cleaned) > MAX_LINE
        or any(unicodedata.category(c) == "Cc" for c in cleaned)
    ):
        raise UserError(f"tag {_shown(value)} is not valid", hint="use a short word")
    return cleaned


def _choice(enum: type[_E], value: str, what: str) -> _E:
    try:
        return enum(value.strip().lower())
    except ValueError as exc:
        allowed = ", ".join(member.value for member in enum)
        raise UserError(f"{what} {value!r} is not known", hint=f"use one of: {allowed}") from exc
