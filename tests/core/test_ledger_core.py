"""The ledger core: balances, the three flags, give/get scores and services."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from whoknows.core.ledger import (
    GIVING,
    TAKER,
    TO_THANK,
    Entry,
    Thresholds,
    balance,
    give_get_score,
    give_get_scores,
    kind_phrase,
    services,
)
from whoknows.core.tiestrength import Service

TODAY = dt.date(2026, 6, 30)
NAMES = {1: "Dana", 2: "Omar", 3: "Priya", 4: "Ben"}


def _days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def _generous() -> list[Entry]:
    """12 gives and 1 receive over six months, spread over three people."""
    gives = [Entry(1 + i % 3, True, "introduction", _days_ago(10 + i * 14)) for i in range(12)]
    return [*gives, Entry(4, False, "referral", _days_ago(100), thanked=True)]


def test_twelve_gives_and_one_receive_in_six_months_flag_give_give_give() -> None:
    found = balance(_generous(), today=TODAY, names=NAMES, wanted="operations directors")
    assert (found.given, found.received) == (12, 1)
    giving = [f for f in found.flags if f.kind == GIVING]
    assert len(giving) == 1
    assert giving[0].person is None
    assert "you gave 12 times and received once" in giving[0].reason
    assert "receiving is a skill too" in giving[0].reason
    assert "for operations directors" in giving[0].reason
    assert set(giving[0].ask) == {1, 2, 3}


def test_a_balanced_ledger_raises_no_give_give_give() -> None:
    entries = [Entry(1, i % 2 == 0, "help", _days_ago(5 + i)) for i in range(12)]
    assert not [f for f in balance(entries, today=TODAY).flags if f.kind == GIVING]


def test_thresholds_are_configurable() -> None:
    strict = Thresholds(giving_min_given=20)
    flags = balance(_generous(), today=TODAY, thresholds=strict).flags
    assert not [f for f in flags if f.kind == GIVING]
    assert [f for f in flags if f.kind == TAKER]  # those I gave to never gave back


def test_the_period_defaults_to_twelve_months_and_since_narrows_it() -> None:
    entries = [Entry(1, True, "help", _days_ago(400)), Entry(1, True, "help", _days_ago(10))]
    assert balance(entries, today=TODAY).given == 1
    assert balance(entries, today=TODAY, since=_days_ago(500)).given == 2
    assert balance(entries, today=TODAY, since=_days_ago(5)).given == 0


def test_someone_who_received_repeatedly_for_months_and_never_gave_is_a_taker() -> None:
    entries = [Entry(2, True, "introduction", _days_ago(d)) for d in (120, 80, 20)]
    flags = balance(entries, today=TODAY, names=NAMES).flags
    takers = [f for f in flags if f.kind == TAKER]
    assert [f.person for f in takers] == [2]
    assert "Omar received 3 times from you" in takers[0].reason


def test_one_gift_back_even_long_ago_means_not_a_taker() -> None:
    entries = [Entry(2, True, "introduction", _days_ago(d)) for d in (120, 80, 20)]
    entries.append(Entry(2, False, "information", _days_ago(700)))
    assert not [f for f in balance(entries, today=TODAY).flags if f.kind == TAKER]


def test_a_burst_of_recent_gifts_is_not_yet_a_taker() -> None:
    entries = [Entry(2, True, "help", _days_ago(d)) for d in (30, 20, 10)]
    assert not [f for f in balance(entries, today=TODAY).flags if f.kind == TAKER]


def test_a_recent_gift_not_thanked_is_to_thank_and_thanking_clears_it() -> None:
    gift = Entry(3, False, "referral", _days_ago(12), thanked=False)
    flags = balance([gift], today=TODAY, names=NAMES).flags
    assert [(f.kind, f.person) for f in flags] == [(TO_THANK, 3)]
    assert "Priya gave you a referral on 2026-06-18" in flags[0].reason
    thanked = Entry(3, False, "referral", _days_ago(12), thanked=True)
    assert balance([thanked], today=TODAY).flags == ()


def test_an_old_unthanked_gift_is_no_longer_to_thank() -> None:
    old = Entry(3, False, "referral", _days_ago(200), thanked=False)
    assert balance([old], today=TODAY).flags == ()


def test_per_person_rows_count_both_directions_busiest_first() -> None:
    entries = [
        Entry(1, True, "help", _days_ago(3)),
        Entry(2, True, "help", _days_ago(4)),
        Entry(2, False, "referral", _days_ago(5), thanked=False),
    ]
    rows = balance(entries, today=TODAY).people
    assert [(r.person, r.given, r.received, r.unthanked) for r in rows] == [
        (2, 1, 1, 1),
        (1, 1, 0, 0),
    ]


def test_give_get_score_is_zero_without_gifts_and_grows_with_what_they_gave() -> None:
    assert give_get_score([], TODAY) == 0
    one = [Entry(1, False, "referral", _days_ago(10))]
    two = [*one, Entry(1, False, "business", _days_ago(20))]
    assert 0 < give_get_score(one, TODAY) < give_get_score(two, TODAY) < 1
    # a two-way exchange is worth more than a one-way one
    mutual = [*one, Entry(1, True, "help", _days_ago(30))]
    assert give_get_score(mutual, TODAY) > give_get_score(one, TODAY)
    # what I gave alone does not make someone a giver
    assert give_get_score([Entry(1, True, "referral", _days_ago(10))], TODAY) == 0


kinds = st.sampled_from(["introduction", "referral", "information", "help", "business"])
entries = st.lists(
    st.builds(
        Entry,
        person=st.just(1),
        given=st.booleans(),
        kind=kinds,
        date=st.dates(dt.date(2020, 1, 1), TODAY),
    ),
    max_size=30,
)


@given(entries, st.builds(Entry, st.just(1), st.booleans(), kinds, st.dates(max_value=TODAY)))
def test_one_more_exchange_never_lowers_the_score_and_it_stays_in_range(
    history: list[Entry], extra: Entry
) -> None:
    before = give_get_score(history, TODAY)
    after = give_get_score([*history, extra], TODAY)
    assert 0 <= before <= after < 1


def test_scores_and_services_are_per_person() -> None:
    entries = [
        Entry(1, False, "referral", _days_ago(10)),
        Entry(2, True, "help", _days_ago(3)),
    ]
    scores = give_get_scores(entries, TODAY)
    assert scores[1] > 0
    assert scores[2] == 0
    assert services(entries) == {
        1: [Service(_days_ago(10), "referral", False)],
        2: [Service(_days_ago(3), "help", True)],
    }


def test_kinds_read_with_their_article() -> None:
    assert [kind_phrase(k) for k in ("introduction", "referral", "help")] == [
        "an introduction",
        "a referral",
        "help",
    ]
