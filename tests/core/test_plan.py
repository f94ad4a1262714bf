"""The weekly plan: what pays first, a week's worth, the long-lapsed apart, and a schedule."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from whoknows.core.followups import Duty, Obligation, Relation, Tier, Touch, summarize
from whoknows.core.models import InteractionKind as K
from whoknows.core.models import Stage
from whoknows.core.plan import ADVOCATE_POTENTIAL, plan, schedule, timing

TODAY = dt.date(2026, 3, 10)  # a Tuesday


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def person(pid: int, stage: Stage, *touches: tuple[int, K], **more: object) -> Relation:
    history = summarize(Touch(days_ago(n), kind, "Breakfast Club") for n, kind in touches)
    return Relation(id=pid, name=f"P{pid}", stage=stage, history=history, **more)  # type: ignore[arg-type]


def test_a_fresh_referral_thank_you_comes_before_a_year_of_overdue_check_ins() -> None:
    # The medium demo's complaint: a thank-you for a fresh referral came 190th of 196.
    check_ins = [person(i, Stage.TRUSTED, (200 + i, K.COFFEE)) for i in range(1, 200)]
    advocate = person(500, Stage.ADVOCATE, (3, K.COFFEE))  # in touch 3 days ago
    owed = [Obligation(500, Duty.THANK_REFERRAL, days_ago(1), "a referral about Omar Khan")]
    items = plan([*check_ins, advocate], owed, today=TODAY).items
    assert items[0].id == 500
    assert items[0].tier is Tier.OWED
    assert items[0].what == "thank them for the referral"
    assert "referral about Omar Khan" in items[0].why


def test_the_plan_goes_owed_then_after_an_event_then_advocates_then_the_rest() -> None:
    relations = [
        person(1, Stage.CONNECTED, (95, K.MEETING)),  # keep in touch
        person(2, Stage.ADVOCATE, (40, K.CALL)),  # an advocate, 10 days late
        person(3, Stage.CONNECTED, (100, K.MEETING)),  # a potential advocate (score below)
        person(4, Stage.MET, (5, K.EVENT), gets_it=True),  # met a giver 5 days ago
        person(5, Stage.MET, (5, K.EVENT)),  # met someone who did not get it
        person(6, Stage.ONE_TO_ONE, (35, K.COFFEE)),  # one cup of coffee, a month ago
        person(7, Stage.CONNECTED, (20, K.EMAIL)),  # owed a report-back
    ]
    owed = [Obligation(7, Duty.REPORT_REFERRAL, days_ago(9), "the referral about Ines (won)")]
    found = plan(relations, owed, {3: ADVOCATE_POTENTIAL}, today=TODAY)
    assert [(i.id, i.tier) for i in found.items] == [
        (7, Tier.OWED),
        (4, Tier.AFTER_EVENT),
        (6, Tier.AFTER_EVENT),
        (3, Tier.ADVOCATE),  # (0.1 + 0.45) × 10 days late beats (0.1 + 0) × 10
        (2, Tier.ADVOCATE),
        (1, Tier.KEEP),  # 5 days late
        (5, Tier.KEEP),  # 2 days late
    ]
    assert found.reconnect == ()
    assert "one cup of coffee is never enough" in found.items[2].why


def test_thanks_for_referrals_lead_then_report_backs_then_other_thanks_freshest_first() -> None:
    relations = [Relation(i, f"P{i}", Stage.TRUSTED) for i in range(1, 6)]
    owed = [
        Obligation(1, Duty.THANK_GIFT, days_ago(1), "an introduction to Lee"),
        Obligation(2, Duty.REPORT_INTRODUCTION, days_ago(9), "Priya"),
        Obligation(3, Duty.THANK_REFERRAL, days_ago(30), "a referral about Omar"),
        Obligation(4, Duty.REPORT_REFERRAL, days_ago(9), "the referral about Ines (won)"),
        Obligation(5, Duty.THANK_REFERRAL, days_ago(3), "a referral about Ada"),
    ]
    assert [i.id for i in plan(relations, owed, today=TODAY).items] == [5, 3, 4, 2, 1]


def test_an_event_follow_up_over_a_month_late_has_lost_its_moment() -> None:
    late = person(1, Stage.MET, (60, K.EVENT), gets_it=True)
    [item] = plan([late], today=TODAY).items
    assert item.tier is Tier.KEEP  # planned like any keep-in-touch


def test_long_lapsed_acquaintances_wait_in_the_reconnect_list_but_advocates_never() -> None:
    stale = person(1, Stage.CONNECTED, (200, K.MEETING))  # 2 × 90 days without contact
    lapsed = person(2, Stage.MET, (500, K.EVENT))  # untouched for over a year
    advocate = person(3, Stage.ADVOCATE, (500, K.COFFEE))
    potential = person(4, Stage.CONNECTED, (200, K.MEETING))
    dormant = person(5, Stage.DORMANT, (500, K.COFFEE))
    found = plan(
        [stale, lapsed, advocate, potential, dormant], potential={4: 0.6, 2: 0.2}, today=TODAY
    )
    assert [i.id for i in found.items] == [4, 3]
    assert [(i.id, i.tier) for i in found.reconnect] == [(2, Tier.RECONNECT), (1, Tier.RECONNECT)]


def test_timing_reads_as_a_person_says_it() -> None:
    assert timing(days_ago(12), TODAY) == "12 days late"
    assert timing(days_ago(1), TODAY) == "1 day late"
    assert timing(TODAY, TODAY) == "today"
    assert timing(TODAY + dt.timedelta(days=3), TODAY) == "in 3 days"


def test_the_schedule_spreads_a_weeks_capacity_over_the_working_days() -> None:
    relations = [person(i, Stage.TRUSTED, (50 + i, K.COFFEE)) for i in range(1, 15)]
    items = plan(relations, today=TODAY).items
    placed = schedule(items, today=TODAY, capacity=10)
    assert [item.id for item, _ in placed] == [item.id for item in items[:10]]
    days = [day for _, day in placed]
    assert all(day.weekday() < 5 for day in days)  # Saturday and Sunday stay free
    assert max(days.count(d) for d in set(days)) == 2  # 10 a week: 2 a working day
    assert min(days) == TODAY
    assert max(days) < TODAY + dt.timedelta(days=7)


def test_the_schedule_never_puts_a_follow_up_before_it_is_due() -> None:
    soon = person(1, Stage.ADVOCATE, (27, K.CALL))  # due in 3 days: Friday
    [(item, day)] = schedule(plan([soon], today=TODAY, within=7).items, today=TODAY)
    assert day == item.due == TODAY + dt.timedelta(days=3)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(Stage)),
            st.integers(min_value=0, max_value=800),
            st.sampled_from([K.EVENT, K.COFFEE, K.EMAIL, K.ONE_TO_ONE]),
            st.floats(min_value=0, max_value=1),
            st.booleans(),
            st.booleans(),
        ),
        max_size=25,
    ),
    st.integers(min_value=0, max_value=30),
)
def test_everyone_due_is_in_the_plan_or_the_reconnect_list_once_in_tier_order(
    people: list[tuple[Stage, int, K, float, bool, bool]], within: int
) -> None:
    relations = [
        person(i, stage, (n, kind), gets_it=gets)
        for i, (stage, n, kind, _, gets, _) in enumerate(people)
    ]
    owed = [
        Obligation(i, Duty.THANK_REFERRAL, days_ago(n % 20), "a referral")
        for i, (*_, n_owed) in enumerate(people)
        if n_owed
        for n in [people[i][1]]
    ]
    potential = {i: p for i, (_, _, _, p, _, _) in enumerate(people)}
    found = plan(relations, owed, potential, today=TODAY, within=within)
    ids = [i.id for i in found.items] + [i.id for i in found.reconnect]
    assert len(ids) == len(set(ids))
    assert [i.tier for i in found.items] == sorted(i.tier for i in found.items)
    assert all(i.tier is not Tier.RECONNECT for i in found.items)
    assert all(i.tier is Tier.RECONNECT for i in found.reconnect)
    horizon = TODAY + dt.timedelta(days=within)
    thank = {o.person_id for o in owed if o.since + dt.timedelta(days=2) <= horizon}
    assert thank == {i.id for i in found.items if i.tier is Tier.OWED}
    for item in found.items:
        assert item.due <= horizon
        assert item.reasons[0].kind in {r.kind for r in item.reasons}
