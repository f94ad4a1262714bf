"""Attribution: advocates, spin-offs, events, sources, the funnel and the essays' thesis."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hypothesis import given
from hypothesis import strategies as st

from whoknows.core.acquaintance import (
    Acquaintance,
    EventVisit,
    ExchangeRecord,
    ReferralRecord,
    StepRecord,
    first_event,
    source_of,
)
from whoknows.core.attribution import Attribution, attribute
from whoknows.core.money import Money

ME, ALICE, BOB, CAROL, DAN, EVE = 1, 2, 3, 4, 5, 6
TODAY = dt.date(2026, 3, 1)
E = EventVisit(10, "Chamber Breakfast", dt.date(2024, 1, 10))
USD = "USD"


def usd(amount: int) -> Money:
    return Money.of(amount * 100, USD)


def _people(**extra: Acquaintance) -> dict[int, Acquaintance]:
    people = {
        ALICE: Acquaintance(
            ALICE, "Alice", met_on=E.date, met_where=E.name, events=(E,), tie_source="event"
        ),
        BOB: Acquaintance(BOB, "Bob"),
        CAROL: Acquaintance(CAROL, "Carol"),
    }
    people.update({int(k): v for k, v in extra.items()})
    return people


def _scenario() -> list[ReferralRecord]:
    """Alice refers Bob (won 4,000); Bob refers Carol (won 10,000)."""
    return [
        ReferralRecord(
            1,
            ALICE,
            ME,
            dt.date(2024, 3, 1),
            status="won",
            about_id=BOB,
            value_cents=400_000,
            currency=USD,
            closed_on=dt.date(2024, 5, 1),
            steps=(
                StepRecord("received", dt.date(2024, 3, 1)),
                StepRecord("won", dt.date(2024, 5, 1)),
            ),
        ),
        ReferralRecord(
            2,
            BOB,
            ME,
            dt.date(2024, 9, 15),
            status="won",
            about_id=CAROL,
            value_cents=1_000_000,
            currency=USD,
            closed_on=dt.date(2024, 12, 1),
        ),
    ]


def _run(
    referrals: list[ReferralRecord],
    *,
    people: dict[int, Acquaintance] | None = None,
    exchanges: Sequence[ExchangeRecord] = (),
    since: dt.date | None = None,
) -> Attribution:
    return attribute(people or _people(), referrals, exchanges, me=ME, today=TODAY, since=since)


def test_the_scenario_credits_alice_both_tiers_bob_first_tier_and_the_event() -> None:
    result = _run(_scenario())
    by_id = {a.person_id: a for a in result.advocates}
    alice, bob = by_id[ALICE], by_id[BOB]
    assert (alice.first_tier, alice.second_tier, alice.spin_offs) == (usd(4_000), usd(10_000), 1)
    assert (bob.first_tier, bob.second_tier) == (usd(10_000), Money())
    assert alice.event == E
    assert alice.source == "event"
    assert alice.days_to_first_referral == (dt.date(2024, 3, 1) - E.date).days == 51
    # Bob first reached me through Alice's referral: that is when we "met"
    assert bob.source == "introduction"
    assert bob.days_to_first_referral == (dt.date(2024, 9, 15) - dt.date(2024, 3, 1)).days
    [event] = result.events
    assert (event.event_id, event.first_tier, event.second_tier) == (
        E.event_id,
        usd(4_000),
        usd(10_000),
    )
    assert event.total == usd(14_000)
    assert result.value_won == usd(14_000)
    assert [a.person_id for a in result.advocates] == [ALICE, BOB]  # 14,000 before 10,000


def test_money_is_exact_to_the_cent_and_kept_per_currency() -> None:
    tenths = [
        ReferralRecord(
            i,
            ALICE,
            ME,
            dt.date(2024, 3, i),
            status="won",
            about_id=100 + i,
            value_cents=10,
            currency=USD,
            closed_on=dt.date(2024, 4, i),
        )
        for i in range(1, 4)
    ]
    euros = ReferralRecord(
        9,
        ALICE,
        ME,
        dt.date(2024, 3, 9),
        status="won",
        about_id=200,
        value_cents=123_456_789_012_34,
        currency="EUR",
        closed_on=dt.date(2024, 4, 9),
    )
    result = _run([*tenths, euros])
    [alice] = result.advocates
    assert alice.first_tier.cents == (("EUR", 123_456_789_012_34), (USD, 30))
    assert result.value_won.get(USD) == 30  # 0.10 + 0.10 + 0.10 is exactly 0.30
    assert result.currency == "EUR"


def test_a_spin_off_needs_the_first_referral_to_come_before() -> None:
    referrals = _scenario()
    # Bob had already referred Dan before Alice ever referred Bob: no credit for Alice
    referrals.append(
        ReferralRecord(
            3,
            BOB,
            ME,
            dt.date(2023, 12, 1),
            status="won",
            about_id=DAN,
            value_cents=50_000,
            currency=USD,
            closed_on=dt.date(2024, 1, 5),
        )
    )
    result = _run(referrals)
    alice = next(a for a in result.advocates if a.person_id == ALICE)
    assert alice.second_tier == usd(10_000)
    bob = next(a for a in result.advocates if a.person_id == BOB)
    assert bob.first_tier == usd(10_500)


def test_since_counts_wins_in_the_period_and_keeps_the_chain_from_before() -> None:
    result = _run(_scenario(), since=dt.date(2024, 6, 1))
    by_id = {a.person_id: a for a in result.advocates}
    assert by_id[ALICE].first_tier == Money()  # won in May, before the period
    assert by_id[ALICE].second_tier == usd(10_000)  # Carol, won in December
    assert by_id[ALICE].days_to_first_referral == 51  # read over the whole history
    assert result.received == 1
    assert result.won == 1
    assert result.months[0].month == "2024-06"
    assert result.months[-1].month == "2026-03"


def test_direct_business_from_people_met_at_events_tests_the_thesis() -> None:
    eve = Acquaintance(EVE, "Eve", met_on=E.date, met_where=E.name, events=(E,))
    dan = Acquaintance(DAN, "Dan", tie_source="linkedin")
    referrals = [
        *_scenario(),
        # Eve, met at the breakfast, became a client herself
        ReferralRecord(
            5,
            EVE,
            ME,
            dt.date(2024, 2, 1),
            status="won",
            about_id=EVE,
            value_cents=150_000,
            currency=USD,
            closed_on=dt.date(2024, 2, 20),
        ),
    ]
    business = ExchangeRecord(DAN, ME, "business", dt.date(2025, 1, 1), 70_000, USD)
    result = _run(referrals, people=_people(**{str(EVE): eve, str(DAN): dan}), exchanges=[business])
    t = result.thesis
    assert (t.through_advocates, t.through_advocates_won) == (usd(14_000), 2)
    assert (t.direct_from_events, t.direct_from_events_won) == (usd(1_500), 1)
    assert (t.direct_other, t.direct_other_won) == (usd(700), 1)
    assert EVE not in {a.person_id for a in result.advocates}  # not an advocate of herself
    [event] = result.events
    assert event.direct == usd(1_500)
    assert event.total == usd(15_500)
    sources = {x.source: x for x in result.sources}
    assert sources["event"].first_tier == usd(4_000)
    assert sources["event"].direct == usd(1_500)
    assert sources["linkedin"].direct == usd(700)
    assert sources["introduction"].first_tier == usd(10_000)


def test_the_funnel_counts_how_far_each_referral_got() -> None:
    day = dt.date(2025, 1, 1)
    steps = {
        "open": ("received", "contacted"),
        "lost late": ("received", "contacted", "meeting", "proposal", "lost"),
        "won at once": ("received", "won"),
    }
    referrals = [
        ReferralRecord(
            i,
            ALICE,
            ME,
            day,
            status=path[-1],
            about_id=50 + i,
            steps=tuple(StepRecord(x, day) for x in path),
        )
        for i, path in enumerate(steps.values(), start=1)
    ]
    funnel = {f.status: (f.reached, f.now) for f in _run(referrals).funnel}
    assert funnel == {
        "received": (3, 0),
        "contacted": (3, 1),
        "meeting": (2, 0),
        "proposal": (2, 0),
        "won": (1, 1),
        "lost": (1, 1),
    }


def test_given_referrals_and_the_ledger_show_in_the_months() -> None:
    given = ReferralRecord(7, ME, ALICE, dt.date(2026, 2, 3), direction="given", about_id=DAN)
    ledger = [
        ExchangeRecord(ME, ALICE, "referral", dt.date(2026, 2, 3), referral_id=7),
        ExchangeRecord(ALICE, ME, "referral", dt.date(2026, 1, 9)),
    ]
    result = _run([given], exchanges=ledger)
    assert result.given == 1
    assert result.received == 0
    assert result.advocates == ()
    months = {m.month: (m.given, m.got) for m in result.months}
    assert months == {"2026-01": (0, 1), "2026-02": (1, 0), "2026-03": (0, 0)}


def test_where_and_how_i_met_someone() -> None:
    later = EventVisit(11, "Gala", dt.date(2025, 6, 1))
    assert first_event(Acquaintance(1, "x", met_on=E.date, events=(later, E))) == E
    assert first_event(Acquaintance(1, "x", events=(later, E))) == E
    assert first_event(Acquaintance(1, "x", met_on=dt.date(2020, 1, 1), events=(later,))) is None
    assert source_of(Acquaintance(1, "x", met_where="Introduced by Sam")) == "introduction"
    assert source_of(Acquaintance(1, "x", introduced=True)) == "introduction"
    assert source_of(Acquaintance(1, "x", tie_source="linkedin")) == "linkedin"
    assert source_of(Acquaintance(1, "x", tie_source="calendar")) == "import"
    assert source_of(Acquaintance(1, "x", tie_source="manual")) == "other"
    met_later = Acquaintance(1, "x", met_on=dt.date(2024, 5, 1), tie_source="manual")
    assert source_of(met_later, referred_on=dt.date(2024, 4, 1)) == "introduction"


amounts = st.lists(
    st.tuples(st.integers(0, 10**12), st.sampled_from(["USD", "EUR", "GBP"])), max_size=20
)


@given(amounts)
def test_money_sums_are_exact_and_do_not_depend_on_order(values: list[tuple[int, str]]) -> None:
    forward = Money()
    for cents, currency in values:
        forward = forward + Money.of(cents, currency)
    backward = Money()
    for cents, currency in reversed(values):
        backward = backward + Money.of(cents, currency)
    assert forward == backward
    for currency in ("USD", "EUR", "GBP"):
        assert forward.get(currency) == sum(c for c, cur in values if cur == currency)
