"""Traffic lights (core.lights): colours by thresholds in both directions, grey for newcomers."""

from __future__ import annotations

import pytest

from whoknows.core import lights


def test_more_is_better_and_less_is_better_parts() -> None:
    referrals = lights.with_thresholds("referrals", 6, 12)
    assert [lights.color(referrals, n) for n in (0, 5, 6, 11, 12, 40)] == [
        "red",
        "red",
        "amber",
        "amber",
        "green",
        "green",
    ]
    absences = lights.with_thresholds("absences", 2, 1)
    assert [lights.color(absences, n) for n in (0, 1, 2, 3)] == ["green", "green", "amber", "red"]


def test_the_weakest_part_colours_the_light_and_newcomers_are_grey() -> None:
    rules = lights.DEFAULT_RULES
    found = lights.light({"referrals": 12, "absences": 3, "thanks": 5}, rules, weeks=10)
    assert (found.color, found.reason) == (
        "red",
        "weakest part: Absences: 3 in 6 months; green up to 1, amber up to 2, red above",
    )
    assert (
        lights.light({"referrals": 12, "thanks": 3, "one_to_ones": 12}, rules, weeks=10).color
        == "green"
    )
    assert (
        lights.light({"referrals": 12, "thanks": 3, "one_to_ones": 12}, rules, weeks=3).color
        == "grey"
    )


@pytest.mark.parametrize(
    ("part", "amber", "green", "message"),
    [
        ("referrals", 7, 3, "must not be above green"),
        ("absences", 0, 2, "must not be below green"),
        ("thanks", -1, 2, "0 or more"),
        ("visitors", 1, 2, "unknown part"),
    ],
)
def test_thresholds_that_make_no_sense_are_refused(
    part: str, amber: int, green: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        lights.with_thresholds(part, amber, green)
