"""The chain: event → advocate → client → value, the second tier under its parent."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from whoknows.core.acquaintance import Acquaintance, EventVisit, ReferralRecord
from whoknows.core.attribution import attribute
from whoknows.core.chain import Link, chains
from whoknows.core.money import Money, total

ME, ALICE, BOB, CAROL = 1, 2, 3, 4
TODAY = dt.date(2026, 3, 1)
E = EventVisit(10, "Chamber Breakfast", dt.date(2024, 1, 10))


def usd(amount: int) -> Money:
    return Money.of(amount * 100, "USD")


def _people() -> dict[int, Acquaintance]:
    return {
        ALICE: Acquaintance(ALICE, "Alice", met_on=E.date, met_where=E.name, events=(E,)),
        BOB: Acquaintance(BOB, "Bob"),
        CAROL: Acquaintance(CAROL, "Carol"),
    }


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
            currency="USD",
            closed_on=dt.date(2024, 5, 1),
        ),
        ReferralRecord(
            2,
            BOB,
            ME,
            dt.date(2024, 9, 15),
            status="won",
            about_id=CAROL,
            value_cents=1_000_000,
            currency="USD",
            closed_on=dt.date(2024, 12, 1),
        ),
    ]


def test_the_business_reads_as_a_chain_with_the_second_tier_under_its_parent() -> None:
    [link] = chains(_people(), _scenario(), me=ME, currency="USD")
    assert (link.event, link.advocate, link.client, link.value) == (E, "Alice", "Bob", usd(4_000))
    [spin] = link.second_tier
    assert (spin.advocate, spin.client, spin.value) == ("Bob", "Carol", usd(10_000))
    assert spin.second_tier == ()
    assert link.total == usd(14_000)


def test_a_parent_that_was_not_won_still_carries_what_it_led_to() -> None:
    lost, spin = _scenario()
    [link] = chains(
        _people(), [dataclasses.replace(lost, status="lost"), spin], me=ME, currency="USD"
    )
    assert (link.client, link.status, link.value) == ("Bob", "lost", Money())
    assert [c.client for c in link.second_tier] == ["Carol"]


def test_a_referral_about_an_organization_names_it_and_since_leaves_out_older_wins() -> None:
    org = ReferralRecord(
        3,
        ALICE,
        ME,
        dt.date(2025, 6, 1),
        status="won",
        about_org="Ferro Ltd",
        value_cents=90_000,
        currency="USD",
        closed_on=dt.date(2025, 7, 1),
    )
    found = chains(_people(), [*_scenario(), org], me=ME, since=dt.date(2025, 1, 1))
    assert [(x.client, x.client_id, x.value) for x in found] == [("Ferro Ltd", None, usd(900))]


def _flatten(links: tuple[Link, ...]) -> list[Link]:
    return [x for link in links for x in (link, *_flatten(link.second_tier))]


@given(
    st.lists(
        st.tuples(
            st.sampled_from([ALICE, BOB, CAROL, 5, 6]),
            st.sampled_from([BOB, CAROL, 5, 6, 7]),
            st.sampled_from(["won", "lost", "received"]),
            st.integers(min_value=0, max_value=900),
            st.integers(min_value=1, max_value=10_000),
        ),
        max_size=15,
    ),
    st.sampled_from([None, dt.date(2024, 6, 1)]),
)
def test_every_win_through_an_advocate_is_in_the_chain_once_and_the_money_adds_up(
    rows: list[tuple[int, int, str, int, int]], since: dt.date | None
) -> None:
    people = {**_people(), **{p: Acquaintance(p, f"P{p}") for p in (5, 6, 7)}}
    referrals = [
        ReferralRecord(
            i + 1,
            source,
            ME,
            dt.date(2024, 1, 1) + dt.timedelta(days=day),
            status=status,
            about_id=about,
            value_cents=amount * 100,
            currency="USD",
            closed_on=dt.date(2024, 1, 1) + dt.timedelta(days=day + 30),
        )
        for i, (source, about, status, day, amount) in enumerate(rows)
    ]
    found = _flatten(chains(people, referrals, me=ME, since=since, currency="USD"))
    ids = [x.referral_id for x in found]
    assert len(ids) == len(set(ids))
    result = attribute(people, referrals, (), me=ME, today=TODAY, since=since)
    assert total(x.value for x in found) == result.value_won
    for link in found:
        for child in link.second_tier:
            assert child.advocate_id == link.client_id  # the client went on to refer
