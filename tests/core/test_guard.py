"""The reputation guard: warn when I barely know a side of an introduction."""

from __future__ import annotations

import datetime as dt

from whoknows.core.guard import BadOutcome, GuardRules, Side, check, check_side, summary

TODAY = dt.date(2026, 6, 30)


def _well_known(person: int = 1, name: str = "Dana Okafor") -> Side:
    return Side(
        person=person,
        name=name,
        known_since=TODAY - dt.timedelta(days=800),
        interactions=9,
        tie_strength=0.8,
        trust=4,
    )


def test_someone_i_know_well_raises_no_warning() -> None:
    assert check_side(_well_known(), TODAY) == []


def test_someone_met_two_days_ago_warns_with_every_reason_naming_them() -> None:
    met = Side(
        person=7,
        name="Omar Haddad",
        known_since=TODAY - dt.timedelta(days=2),
        interactions=1,
        tie_strength=0.12,
        trust=None,
    )
    warnings = check_side(met, TODAY)
    assert [w.code for w in warnings] == ["young", "few", "weak", "untrusted"]
    assert all(w.person == 7 and str(w).startswith("Omar Haddad: ") for w in warnings)
    assert "you met them 2 days ago (under 90 days)" in warnings[0].reason
    assert "1 interaction with you (fewer than 3)" in warnings[1].reason
    assert "weak (0.12, below 0.30)" in warnings[2].reason


def test_an_earlier_bad_introduction_warns() -> None:
    side = Side(
        **{
            **_well_known().__dict__,
            "bad_outcomes": (BadOutcome(dt.date(2026, 1, 5), "Priya Shah", "never showed up"),),
        }
    )
    warnings = check_side(side, TODAY)
    assert [w.code for w in warnings] == ["bad"]
    assert "introduction of them to Priya Shah on 2026-01-05 went badly: never showed up" in str(
        warnings[0]
    )


def test_low_or_missing_trust_warns() -> None:
    low = Side(**{**_well_known().__dict__, "trust": 2})
    assert [w.reason for w in check_side(low, TODAY)] == ["you trust them 2/5 (below 3)"]
    missing = Side(**{**_well_known().__dict__, "trust": None})
    assert [w.reason for w in check_side(missing, TODAY)] == ["no trust recorded"]


def test_no_tie_and_no_known_start_warn() -> None:
    stranger = Side(9, "Ben", known_since=None, interactions=0, tie_strength=None, trust=5)
    reasons = [w.reason for w in check_side(stranger, TODAY)]
    assert "you have no record of when you met them" in reasons
    assert "you have no tie with them" in reasons


def test_rules_are_configurable() -> None:
    young = Side(**{**_well_known().__dict__, "known_since": TODAY - dt.timedelta(days=40)})
    assert check_side(young, TODAY)
    assert check_side(young, TODAY, GuardRules(min_days_known=30)) == []


def test_check_covers_both_sides_and_the_summary_names_each_person_once() -> None:
    fresh = Side(2, "Omar", TODAY, interactions=1, tie_strength=0.5, trust=4)
    warnings = check([_well_known(), fresh], TODAY)
    assert {w.person for w in warnings} == {2}
    line = summary(warnings)
    assert line.startswith("Omar: you met them today")
    assert line.count("Omar") == 1
