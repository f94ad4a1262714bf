"""The follow-up rules and the queue's order, as pure functions of what was logged and today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whoknows.core.followups import (
    Cadence,
    Duty,
    History,
    Item,
    Obligation,
    Relation,
    Tier,
    Touch,
    keep_in_touch,
    summarize,
)
from whoknows.core.models import InteractionKind as K
from whoknows.core.models import Stage
from whoknows.core.plan import POTENTIAL_FLOOR, plan, priority

TODAY = dt.date(2026, 3, 10)


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def person(
    pid: int, stage: Stage | None, *touches: tuple[int, K], name: str | None = None, **more: object
) -> Relation:
    history = summarize(Touch(days_ago(n), kind, "Breakfast Club") for n, kind in touches)
    return Relation(id=pid, name=name or f"P{pid}", stage=stage, history=history, **more)  # type: ignore[arg-type]


def names(items: Sequence[Item]) -> list[str]:
    return [i.name for i in items]


def queue(*args: object, **kwargs: object) -> list[Item]:
    """The plan's items (the reconnect list apart)."""
    return list(plan(*args, **kwargs).items)  # type: ignore[arg-type]


def test_each_stage_has_its_documented_default_cadence() -> None:
    rules = Cadence()
    assert rules.for_stage(Stage.ADVOCATE) == 30
    assert rules.for_stage(Stage.TRUSTED) == 45
    assert rules.for_stage(Stage.ONE_TO_ONE) == 60
    assert rules.for_stage(Stage.CONNECTED) == 90
    assert rules.for_stage(Stage.DORMANT) is None
    assert rules.met == 3
    assert rules.for_stage(Stage.MET) == rules.connected  # once followed up


def test_summary_keeps_the_last_touch_and_counts_touches_after_the_first_one_to_one() -> None:
    history = summarize(
        [
            Touch(days_ago(50), K.EVENT, "Expo"),
            Touch(days_ago(40), K.COFFEE),
            Touch(days_ago(30), K.ONE_TO_ONE),
            Touch(days_ago(10), K.EMAIL),
        ]
    )
    assert history == History(Touch(days_ago(10), K.EMAIL), days_ago(40), 2)
    assert summarize([]) is None


def test_someone_met_at_an_event_is_due_three_days_later_and_overdue_after() -> None:
    met = person(1, Stage.MET, (5, K.EVENT))
    reason = keep_in_touch(met, Cadence())
    assert reason is not None
    assert reason.kind == "follow-up"
    assert reason.due == days_ago(2)
    assert "Breakfast Club" in reason.text
    assert "1-to-1" in reason.action
    [item] = queue([met], today=TODAY)
    assert item.overdue_days == 2


def test_the_event_follow_up_window_is_configurable() -> None:
    met = person(1, Stage.MET, (5, K.EVENT))
    assert queue([met], today=TODAY, within=0, rules=Cadence(met=7)) == []


def test_a_logged_coffee_removes_the_person_from_the_overdue_list() -> None:
    before = person(1, Stage.MET, (10, K.EVENT))
    after = person(1, Stage.MET, (10, K.EVENT), (0, K.COFFEE))
    assert [i.overdue_days for i in queue([before], today=TODAY, within=0)] == [7]
    assert queue([after], today=TODAY, within=0) == []


def test_any_logged_interaction_resets_the_clock() -> None:
    quiet = person(1, Stage.ADVOCATE, (40, K.CALL))
    touched = person(1, Stage.ADVOCATE, (40, K.CALL), (3, K.EMAIL))
    [late] = queue([quiet], today=TODAY, within=0)
    assert late.due == days_ago(10)
    reason = keep_in_touch(touched, Cadence())
    assert reason is not None
    assert reason.due == days_ago(3) + dt.timedelta(days=30)


def test_the_multi_touch_rule_fires_after_a_first_one_to_one() -> None:
    new = person(1, Stage.CONNECTED, (60, K.EVENT), (35, K.ONE_TO_ONE))
    reason = keep_in_touch(new, Cadence())
    assert reason is not None
    assert reason.kind == "second-touch"
    assert reason.due == days_ago(5)
    assert "one cup of coffee is never enough" in reason.text
    [item] = queue([new], today=TODAY, within=0)
    assert item.overdue_days == 5


def test_a_coffee_counts_as_a_first_one_to_one() -> None:
    reason = keep_in_touch(person(1, Stage.MET, (2, K.COFFEE)), Cadence())
    assert reason is not None
    assert reason.kind == "second-touch"
    assert reason.due == days_ago(2) + dt.timedelta(days=30)


def test_the_second_touch_is_satisfied_by_anything_logged_after_the_one_to_one() -> None:
    followed = person(1, Stage.CONNECTED, (40, K.COFFEE), (20, K.EMAIL))
    reason = keep_in_touch(followed, Cadence())
    assert reason is not None
    assert reason.kind == "keep-in-touch"
    assert reason.due == days_ago(20) + dt.timedelta(days=90)


def test_the_multi_touch_rule_is_for_new_relationships_only() -> None:
    advocate = person(1, Stage.TRUSTED, (2, K.COFFEE))
    reason = keep_in_touch(advocate, Cadence())
    assert reason is not None
    assert reason.kind == "keep-in-touch"
    assert reason.due == days_ago(2) + dt.timedelta(days=45)


def test_a_met_person_once_followed_up_gets_the_connected_cadence_and_a_one_to_one_proposal() -> (
    None
):
    reason = keep_in_touch(person(1, Stage.MET, (20, K.EVENT), (18, K.EMAIL)), Cadence())
    assert reason is not None
    assert reason.due == days_ago(18) + dt.timedelta(days=90)
    assert reason.action == "propose a 1-to-1"


def test_my_cadence_for_a_person_replaces_their_stages() -> None:
    reason = keep_in_touch(person(1, Stage.ADVOCATE, (1, K.CALL), cadence_days=7), Cadence())
    assert reason is not None
    assert reason.due == days_ago(1) + dt.timedelta(days=7)
    assert "your cadence for them: every 7 days" in reason.text


def test_dormant_people_get_no_reminders_unless_given_their_own_cadence() -> None:
    assert keep_in_touch(person(1, Stage.DORMANT, (900, K.CALL)), Cadence()) is None
    mine = keep_in_touch(person(1, Stage.DORMANT, (900, K.CALL), cadence_days=365), Cadence())
    assert mine is not None
    assert mine.action.startswith("reconnect")


def test_nobody_is_due_before_anything_was_logged_with_them() -> None:
    assert queue([Relation(1, "Never Met", Stage.CONNECTED)], today=TODAY, within=365) == []


def test_the_action_suggests_something_matching_their_asks() -> None:
    item = queue(
        [person(1, Stage.TRUSTED, (50, K.CALL), asks="a food-safety auditor")], today=TODAY
    )[0]
    assert item.action == "send them something that matches their asks (a food-safety auditor)"


def test_advocates_without_the_current_brief_are_asked_to_get_it() -> None:
    item = queue([person(1, Stage.ADVOCATE, (50, K.CALL), needs_brief=True)], today=TODAY)[0]
    assert item.action.endswith("send them your current referral brief")


def test_snoozed_people_are_hidden_until_the_snooze_ends() -> None:
    late = person(1, Stage.MET, (10, K.EVENT), snoozed_until=TODAY + dt.timedelta(days=1))
    assert queue([late], today=TODAY) == []
    assert len(queue([late], today=TODAY + dt.timedelta(days=1))) == 1


def test_pending_thanks_and_report_backs_are_items_with_reasons_and_actions() -> None:
    someone = Relation(1, "Dana", Stage.ADVOCATE)  # nothing logged: obligations still count
    owed = [
        Obligation(1, Duty.THANK_REFERRAL, days_ago(5), "a referral about Omar"),
        Obligation(1, Duty.THANK_GIFT, days_ago(1), "an introduction to Lee"),
        Obligation(1, Duty.REPORT_REFERRAL, days_ago(10), "the referral about Ines (won)"),
        Obligation(1, Duty.REPORT_INTRODUCTION, days_ago(40), "Priya", outcome_known=False),
    ]
    [item] = queue([someone], owed, today=TODAY, within=0)
    assert item.name == "Dana"
    assert [r.kind for r in item.reasons] == [  # most important first
        "thank-referral",
        "report-referral",
        "report-introduction",
    ]
    assert item.why.startswith("passed you a referral about Omar")
    assert item.why.endswith("(and 2 more)")
    assert item.what == "thank them for the referral"
    assert item.due == days_ago(10)  # introduction made 40 days ago + 30
    assert "thank them for the referral" in item.action
    assert "report back the outcome of their referral" in item.action
    assert "report back the outcome of their introduction" in item.action
    assert "passed you a referral about Omar" in item.reason
    later = queue([someone], owed, today=TODAY, within=7)[0]
    assert "gave you an introduction to Lee" in later.reason  # due tomorrow


def test_the_window_includes_who_is_due_soon_but_not_later() -> None:
    soon = person(1, Stage.ADVOCATE, (25, K.CALL))  # due in 5 days
    later = person(2, Stage.ADVOCATE, (10, K.CALL))  # due in 20 days
    assert names(queue([soon, later], today=TODAY)) == ["P1"]
    assert names(queue([soon, later], today=TODAY, within=20)) == ["P1", "P2"]
    assert queue([soon, later], today=TODAY, within=0) == []
    with pytest.raises(ValueError, match="within"):
        queue([soon], today=TODAY, within=-1)


def test_within_a_part_of_the_plan_the_order_follows_the_documented_priority() -> None:
    relations = [
        person(1, Stage.CONNECTED, (103, K.MEETING), name="Low potential, long overdue"),
        person(2, Stage.CONNECTED, (92, K.MEETING), name="Advocate-grade, barely overdue"),
        person(3, Stage.CONNECTED, (95, K.MEETING), name="Middle"),
        person(4, Stage.ADVOCATE, (28, K.CALL), name="Due soon, top potential"),  # in 2 days
        person(5, Stage.ADVOCATE, (30, K.CALL), name="Due today"),
    ]
    potential = {1: 0.0, 2: 0.9, 3: 0.3, 4: 1.0, 5: 0.0}
    items = queue(relations, potential=potential, today=TODAY)
    # Advocates first (2 has an advocate score ≥ ADVOCATE_POTENTIAL): overdue by
    # (0.1 + p) × days overdue, then those not overdue, soonest first; then the others.
    assert [(i.id, i.tier) for i in items] == [
        (2, Tier.ADVOCATE),
        (5, Tier.ADVOCATE),
        (4, Tier.ADVOCATE),
        (3, Tier.KEEP),
        (1, Tier.KEEP),
    ]
    assert [(i.id, i.priority) for i in items] == [(2, 2.0), (5, 0.0), (4, 0.0), (3, 2.0), (1, 1.3)]


@given(
    potential=st.floats(min_value=0, max_value=1),
    more=st.floats(min_value=0, max_value=1),
    days=st.integers(min_value=0, max_value=3650),
    extra=st.integers(min_value=0, max_value=100),
)
def test_priority_never_falls_with_more_potential_or_more_days_overdue(
    potential: float, more: float, days: int, extra: int
) -> None:
    assert priority(potential + more, days) >= priority(potential, days)
    assert priority(potential, days + extra) >= priority(potential, days)
    assert priority(potential, days) == pytest.approx((POTENTIAL_FLOOR + potential) * days)


@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=120), st.floats(min_value=0, max_value=1)),
        min_size=1,
        max_size=20,
    )
)
def test_within_each_part_overdue_items_come_first_and_by_falling_priority(
    people: list[tuple[int, float]],
) -> None:
    relations = [person(i, Stage.CONNECTED, (n, K.MEETING)) for i, (n, _) in enumerate(people)]
    items = queue(relations, potential=dict(enumerate(p for _, p in people)), today=TODAY)
    assert [i.tier for i in items] == sorted(i.tier for i in items)
    for tier in (Tier.ADVOCATE, Tier.KEEP):
        part = [i for i in items if i.tier is tier]
        overdue = [i for i in part if i.overdue_days > 0]
        assert part[: len(overdue)] == overdue
        assert [i.priority for i in overdue] == sorted((i.priority for i in overdue), reverse=True)
        rest = part[len(overdue) :]
        assert [i.due for i in rest] == sorted(i.due for i in rest)


def test_a_met_or_connected_relationship_untouched_for_a_year_has_lapsed() -> None:
    stale = person(1, Stage.CONNECTED, (400, K.MEETING))
    assert keep_in_touch(stale, Cadence(), TODAY) is None
    assert keep_in_touch(stale, Cadence(lapse=None), TODAY) is not None
    own = person(2, Stage.CONNECTED, (400, K.MEETING), cadence_days=180)
    assert keep_in_touch(own, Cadence(), TODAY) is not None  # a cadence of their own still holds
    advocate = person(3, Stage.ADVOCATE, (400, K.COFFEE))
    assert keep_in_touch(advocate, Cadence(), TODAY) is not None  # advocates never lapse
    recent = person(4, Stage.CONNECTED, (150, K.MEETING))
    assert keep_in_touch(recent, Cadence(), TODAY) is not None
    assert names(queue([stale, recent], today=TODAY)) == ["P4"]
    # a lapsed relationship is not lost: it waits in the reconnect list
    [back] = plan([stale, recent], today=TODAY).reconnect
    assert (back.id, back.tier, back.what) == (
        1,
        Tier.RECONNECT,
        "reconnect: ask how they are and what they are working on",
    )
    assert "over a year ago" in back.why
