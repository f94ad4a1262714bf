"""The shared input checks: names, one-line values, free text and dates, with their limits."""

from __future__ import annotations

import datetime as dt

import pytest

from whoknows.errors import UserError
from whoknows.services import validate


def test_a_name_is_kept_as_typed_up_to_the_limit() -> None:
    assert validate.name("  Zoë  O'Brien ") == "  Zoë  O'Brien "
    assert validate.name("x" * validate.MAX_NAME) == "x" * validate.MAX_NAME
    with pytest.raises(UserError, match="201 characters long"):
        validate.name("x" * 201)


def test_one_line_values_and_free_text_have_their_own_limits() -> None:
    assert validate.line("y" * 500, "role") == "y" * 500
    with pytest.raises(UserError, match="role is 501 characters long"):
        validate.line("y" * 501, "role")
    assert validate.text("z" * 20_000, "notes") == "z" * 20_000
    with pytest.raises(UserError, match="notes is 20,001 characters long"):
        validate.text("z" * 20_001, "notes")


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01"])
def test_dates_outside_1900_to_2200_are_refused(text: str) -> None:
    with pytest.raises(UserError, match="out of range"):
        validate.date(text)


def test_a_long_bad_value_is_not_echoed_back_whole() -> None:
    with pytest.raises(UserError) as caught:
        validate.date("9" * 100_000)
    assert len(str(caught.value)) < 200
    assert validate.day(dt.date(2025, 6, 2)) == dt.date(2025, 6, 2)
