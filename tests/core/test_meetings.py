"""An interaction's effect on a person: stage and first meeting (core/meetings.py)."""

from __future__ import annotations

import datetime as dt

from whoknows.core.meetings import after_meeting

MAY = dt.date(2026, 5, 1)
JUNE = dt.date(2026, 6, 1)


def test_a_first_interaction_makes_someone_met_then_and_there() -> None:
    assert after_meeting(None, None, None, JUNE, "Mixer") == {
        "stage": "met",
        "met_on": JUNE,
        "met_where": "Mixer",
    }


def test_a_stage_already_set_is_kept() -> None:
    assert "stage" not in after_meeting("advocate", None, None, JUNE)


def test_a_later_interaction_leaves_the_first_meeting_alone() -> None:
    assert after_meeting("met", MAY, "Mixer", JUNE, "Dinner") == {}


def test_an_earlier_one_moves_when_and_where_together() -> None:
    assert after_meeting("met", JUNE, "Dinner", MAY, None) == {"met_on": MAY, "met_where": None}
    assert after_meeting("met", JUNE, None, MAY, None) == {"met_on": MAY}
