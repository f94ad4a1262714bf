"""Tie strength: bounds, monotonicity, the recipe's canonical histories, and real networks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
import re
from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whoknows.core.models import InteractionKind as K
from whoknows.core.models import TieSource
from whoknows.core.tiestrength import (
    DEFAULT_PARAMS,
    LEAN_KINDS,
    SOURCE_STRENGTH,
    UNHEARD_HALF_LIFE_MONTHS,
    Contact,
    Rating,
    Service,
    band,
    contact_unit,
    default_strength,
    described,
    months_since,
    score_tie,
    unheard_strength,
)

TODAY = dt.date(2025, 6, 1)
# Float sums in a different order may differ in the last bits; nothing more.
SLACK = 1e-12


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def every(step: int, count: int, kind: K = K.ONE_TO_ONE, *, start: int = 0) -> list[Contact]:
    return [Contact(ago(start + step * k), kind) for k in range(count)]


def strength(history: list[Contact], *, today: dt.date = TODAY, **kwargs: Any) -> float:
    return score_tie(history, today=today, **kwargs).strength


past = st.integers(0, 3650).map(ago)
contacts = st.builds(Contact, past, st.sampled_from(list(K)), st.integers(1, 80))
histories = st.lists(contacts, max_size=30)
services = st.builds(
    Service, past, st.sampled_from(["referral", "introduction", "favour"]), st.booleans()
)
ratings = st.builds(Rating, st.integers(1, 5), past)
maybe_rating = st.none() | ratings
maybe_since = st.none() | past
FAST = settings(max_examples=150, deadline=None)


# The canonical histories of TIE-STRENGTH.md, each ending today unless it says otherwise:
# name -> (contacts, services, the recipe's value, band).
CANONICAL: dict[str, tuple[list[Contact], tuple[Service, ...], float, str]] = {
    "weekly one-to-one for 3 years with 2 referrals": (
        every(7, 156),
        (Service(ago(60), "referral", True), Service(ago(250), "referral", False)),
        0.94,
        "strong",
    ),
    "monthly for 3 years": (every(30, 36), (), 0.71, "good"),
    "quarterly coffee for 2 years": (every(91, 8, K.COFFEE), (), 0.55, "good"),
    "one call a year for 3 years": (every(365, 4, K.CALL), (), 0.38, "weak"),
    "monthly for 2 years but stopped a year ago": (every(30, 24, start=365), (), 0.35, "weak"),
    "one coffee last week": ([Contact(ago(7), K.COFFEE)], (), 0.34, "weak"),
    "met once at a 40-person event a year ago": (
        [Contact(ago(365), K.EVENT, 39)],
        (),
        0.05,
        "dormant",
    ),
}


@pytest.mark.parametrize("name", CANONICAL)
def test_canonical_history_lands_in_its_band_near_the_recipe_value(name: str) -> None:
    history, done, expected, expected_band = CANONICAL[name]
    score = score_tie(history, today=TODAY, services=done)
    assert score.band == expected_band
    assert score.strength == pytest.approx(expected, abs=0.07)


def test_canonical_histories_keep_the_recipe_order() -> None:
    got = [strength(history, services=done) for history, done, _, _ in CANONICAL.values()]
    recipe = [value for _, _, value, _ in CANONICAL.values()]
    # Where the recipe separates two histories by more than 0.05, so do we.
    for (g1, r1), (g2, r2) in itertools.combinations(zip(got, recipe, strict=True), 2):
        if abs(r1 - r2) > 0.05:
            assert (g1 > g2) == (r1 > r2)


@FAST
@given(histories, st.lists(services, max_size=5), maybe_rating, st.integers(0, 9), maybe_since)
def test_strength_stays_in_zero_to_one_and_its_parts_add_up(
    history: list[Contact],
    done: list[Service],
    rating: Rating | None,
    contexts: int,
    since: dt.date | None,
) -> None:
    score = score_tie(
        history, today=TODAY, services=done, rating=rating, contexts=contexts, known_since=since
    )
    assert 0 < score.strength <= 1
    assert score.strength >= DEFAULT_PARAMS.floor
    assert score.band == band(score.strength)
    assert math.fsum(score.parts.values()) == pytest.approx(score.strength, abs=1e-9)
    assert score.explanation.startswith(f"{score.band} ({score.strength:.2f}): ")


@FAST
@given(histories, contacts, maybe_rating, maybe_since)
def test_adding_an_interaction_never_lowers_strength(
    history: list[Contact], extra: Contact, rating: Rating | None, since: dt.date | None
) -> None:
    before = strength(history, rating=rating, known_since=since)
    assert strength([*history, extra], rating=rating, known_since=since) >= before - SLACK


@FAST
@given(histories, st.lists(services, max_size=4), services, maybe_rating)
def test_adding_a_service_never_lowers_strength(
    history: list[Contact], done: list[Service], extra: Service, rating: Rating | None
) -> None:
    before = strength(history, services=done, rating=rating)
    assert strength(history, services=[*done, extra], rating=rating) >= before - SLACK


@FAST
@given(histories, st.integers(0, 8), maybe_rating)
def test_another_shared_context_never_lowers_strength(
    history: list[Contact], contexts: int, rating: Rating | None
) -> None:
    before = strength(history, contexts=contexts, rating=rating)
    assert strength(history, contexts=contexts + 1, rating=rating) >= before - SLACK


@FAST
@given(histories, ratings, st.integers(1, 4))
def test_a_higher_rating_never_lowers_strength(
    history: list[Contact], rating: Rating, up: int
) -> None:
    higher = Rating(min(5, rating.value + up), rating.on)
    assert strength(history, rating=higher) >= strength(history, rating=rating) - SLACK


@FAST
@given(histories, past, maybe_rating)
def test_knowing_someone_for_longer_never_lowers_strength(
    history: list[Contact], since: dt.date, rating: Rating | None
) -> None:
    assert (
        strength(history, known_since=since, rating=rating)
        >= strength(history, rating=rating) - SLACK
    )


@FAST
@given(
    histories,
    st.lists(services, max_size=4),
    maybe_rating,
    st.integers(1, 6),
    maybe_since,
    st.integers(0, 2000),
    st.integers(0, 2000),
)
def test_without_new_evidence_strength_never_rises_as_time_passes(
    history: list[Contact],
    done: list[Service],
    rating: Rating | None,
    contexts: int,
    since: dt.date | None,
    first: int,
    more: int,
) -> None:
    def at(day: dt.date) -> float:
        return strength(
            history, today=day, services=done, rating=rating, contexts=contexts, known_since=since
        )

    earlier = TODAY + dt.timedelta(days=first)
    assert at(earlier + dt.timedelta(days=more)) <= at(earlier) + SLACK


MAIL = st.builds(Contact, past, st.sampled_from(sorted(LEAN_KINDS)), st.integers(1, 10))


@FAST
@given(st.lists(MAIL, max_size=200))
def test_mail_alone_never_reaches_monthly_one_to_ones_nor_the_strong_band(
    mail: list[Contact],
) -> None:
    monthly = strength(every(30, 36))
    assert strength(mail) < monthly
    assert score_tie(mail, today=TODAY).band != "strong"


def test_daily_mail_and_messages_for_ten_years_stay_below_monthly_one_to_ones() -> None:
    flood = every(1, 3650, K.EMAIL) + every(1, 3650, K.MESSAGE)
    assert strength(flood) < strength(every(30, 36))


@FAST
@given(
    st.lists(st.integers(0, 1500), min_size=1, max_size=20), st.integers(2, 4), st.integers(20, 48)
)
def test_a_small_dense_group_beats_a_big_event_on_the_same_days(
    days: list[int], small: int, big: int
) -> None:
    group = [Contact(ago(d), K.MEETING, small) for d in days]
    crowd = [Contact(ago(d), K.EVENT, big) for d in days]
    assert strength(group) > strength(crowd)


def test_broadcast_mail_and_crowded_events_do_not_count_as_activity() -> None:
    broadcasts = [Contact(ago(d), K.EMAIL, 11) for d in range(0, 300, 7)]
    broadcasts += [Contact(ago(d), K.EVENT, 50) for d in range(0, 300, 30)]
    score = score_tie(broadcasts, today=TODAY)
    assert score.strength == DEFAULT_PARAMS.floor
    assert score.explanation == "dormant (0.02): no interactions recorded"


def test_duplicates_on_the_same_day_and_kind_count_once() -> None:
    once = [Contact(ago(3), K.COFFEE)]
    assert strength(once * 5) == strength(once)
    # The richest of a day's duplicates counts: a one-to-one note beats a group one.
    assert strength([Contact(ago(3), K.MEETING, 6), Contact(ago(3), K.MEETING)]) == strength(
        [Contact(ago(3), K.MEETING)]
    )
    # Different kinds on the same day are different evidence.
    assert strength([*once, Contact(ago(3), K.CALL)]) > strength(once)


def test_future_dated_contacts_services_and_ratings_are_ignored() -> None:
    history = every(30, 6)
    future = dt.timedelta(days=10)
    assert strength([*history, Contact(TODAY + future, K.COFFEE)]) == strength(history)
    assert strength(history, services=[Service(TODAY + future, "referral", True)]) == strength(
        history
    )
    assert strength(history, rating=Rating(5, TODAY + future)) == strength(history)


def test_explanation_gives_counts_recency_duration_and_services() -> None:
    history = [Contact(ago(9), K.COFFEE), *every(28, 13, K.CALL, start=20)]
    history += every(60, 10, K.EMAIL, start=400)
    score = score_tie(
        history, today=TODAY, services=[Service(ago(100), "referral", False)], known_since=ago(1100)
    )
    assert score.explanation == (
        f"{score.band} ({score.strength:.2f}): 14 interactions in the last 12 months, "
        "the last a coffee 9 days ago; 1 referral exchanged; known 3 years"
    )


def test_explanation_says_when_the_last_contact_is_long_gone() -> None:
    score = score_tie(
        every(365, 3, K.CALL, start=800), today=TODAY, contexts=3, rating=Rating(4, ago(5))
    )
    assert "no interactions in the last 12 months, the last a call 2 years ago" in score.explanation
    assert "3 shared contexts" in score.explanation
    assert "rated 4/5" in score.explanation


def test_explanation_without_any_history_says_so() -> None:
    assert score_tie([], today=TODAY).explanation == "dormant (0.02): no interactions recorded"


def test_a_low_rating_pulls_a_strong_tie_down_and_a_high_one_lifts_a_weak_one() -> None:
    strong, weak = every(7, 100), [Contact(ago(200), K.CALL)]
    assert strength(strong, rating=Rating(1, TODAY)) < strength(strong) - 0.3
    assert strength(weak, rating=Rating(5, TODAY)) > strength(weak) + 0.3
    # An old high rating has faded; a fresh one has not.
    assert strength(weak, rating=Rating(5, ago(1500))) < strength(weak, rating=Rating(5, TODAY))


def test_bands_split_at_the_documented_thresholds() -> None:
    assert [band(s) for s in (1.0, 0.75, 0.7449, 0.5, 0.4949, 0.2, 0.1949, 0.02)] == [
        "strong",
        "strong",
        "good",
        "good",
        "weak",
        "weak",
        "dormant",
        "dormant",
    ]


def test_channel_weights_keep_the_issue_order_within_a_four_times_range() -> None:
    order = [K.ONE_TO_ONE, K.MEETING, K.CALL, K.EVENT, K.EMAIL, K.MESSAGE]
    units = [contact_unit(kind, 1) for kind in order]
    assert units == sorted(units, reverse=True)
    assert len(set(units)) == len(units)
    assert max(units) / min(units) <= 4
    assert contact_unit(K.EVENT, 39) == pytest.approx(0.35 / math.sqrt(39))


def test_a_recorded_strength_wins_over_the_source_default() -> None:
    assert default_strength(TieSource.LINKEDIN, 0.8) == 0.8
    assert default_strength(TieSource.TOLD, 0.0) == DEFAULT_PARAMS.floor
    assert default_strength(TieSource.TOLD, 3.0) == 1.0
    assert default_strength(TieSource.EVENT, float("nan")) == SOURCE_STRENGTH[TieSource.EVENT]


def test_source_defaults_cover_every_source_and_rank_told_above_a_linkedin_click() -> None:
    defaults = {source: default_strength(source, None) for source in TieSource}
    assert all(0 < value < 1 for value in defaults.values())
    assert defaults[TieSource.TOLD] > defaults[TieSource.COLLEAGUE] > defaults[TieSource.LINKEDIN]
    assert defaults[TieSource.LINKEDIN] > defaults[TieSource.EVENT]
    assert band(defaults[TieSource.LINKEDIN]) == "dormant"


def test_contacts_and_ratings_reject_impossible_values() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Contact(TODAY, K.CALL, 0)
    with pytest.raises(ValueError, match="1 to 5"):
        Rating(6, TODAY)


def test_params_are_frozen_and_tunable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_PARAMS.floor = 0.5  # type: ignore[misc]
    slower = dataclasses.replace(DEFAULT_PARAMS, recent_half_life=365.0)
    history = [Contact(ago(200), K.COFFEE)]
    assert strength(history, params=slower) > strength(history)


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    # Average ranks for ties, then Pearson on the ranks.
    def ranks(values: Sequence[float]) -> np.ndarray:
        a = np.asarray(values)
        order = a.argsort(kind="stable")
        r = np.empty(len(a))
        r[order] = np.arange(len(a), dtype=float)
        for value in np.unique(a):
            r[a == value] = r[a == value].mean()
        return r

    return float(np.corrcoef(ranks(x), ranks(y))[0, 1])


def test_karate_club_strengths_rank_like_the_contexts_members_shared() -> None:
    # Zachary's weights count the contexts two members shared. Each context
    # becomes a noisy interaction stream (its own channel, cadence, length, phase
    # and group size); strengths come from the streams alone, not from `contexts`.
    graph = nx.karate_club_graph()
    kinds = list(K)
    correlations = []
    for seed in range(5):
        rng = np.random.default_rng(seed)
        scores, weights = [], []
        for _, _, data in graph.edges(data=True):
            history: list[Contact] = []
            for _ in range(data["weight"]):
                kind = kinds[rng.integers(len(kinds))]
                step, start, count = rng.integers(14, 91), rng.integers(0, 181), rng.integers(4, 13)
                people = int(rng.integers(2, 31)) if kind in (K.EVENT, K.MEETING) else 1
                history += [Contact(ago(int(start + step * k)), kind, people) for k in range(count)]
            scores.append(strength(history))
            weights.append(float(data["weight"]))
        correlations.append(spearman(scores, weights))
    assert min(correlations) > 0.3
    assert float(np.mean(correlations)) > 0.5


def test_southern_women_at_many_small_events_outrank_pairs_who_shared_one() -> None:
    # Davis's 14 events, in order, three weeks apart, the last one today.
    graph = nx.davis_southern_women_graph()
    held = {event: ago(21 * (14 - int(event[1:]))) for event in graph.graph["bottom"]}
    by_shared: dict[int, list[float]] = {}
    for a, b in itertools.combinations(graph.graph["top"], 2):
        shared = set(graph[a]) & set(graph[b])
        if shared:
            history = [Contact(held[e], K.EVENT, graph.degree(e) - 1) for e in shared]
            by_shared.setdefault(len(shared), []).append(strength(history))
    assert max(by_shared[1]) < min(s for n, ss in by_shared.items() if n >= 3 for s in ss)
    counts = [n for n, ss in by_shared.items() for _ in ss]
    assert spearman(counts, [s for ss in by_shared.values() for s in ss]) > 0.8


# -- the word follows the number; ties heard of long ago have aged ----------------------------

WORDED = re.compile(r"(strong|good|weak|dormant) \((\d\.\d\d)\)")


@given(st.floats(0.0, 1.0))
def test_the_word_always_follows_the_number_shown_beside_it(value: float) -> None:
    word, digits = WORDED.fullmatch(described(value)).groups()  # type: ignore[union-attr]
    assert word == band(float(digits))


def test_a_strength_that_shows_as_a_threshold_takes_that_thresholds_word() -> None:
    assert described(0.7496) == "strong (0.75)"
    assert described(0.4951) == "good (0.50)"
    assert described(0.1996) == "weak (0.20)"


@FAST
@given(histories, st.lists(services, max_size=5), maybe_rating)
def test_a_scored_ties_explanation_starts_with_its_word_and_number(
    history: list[Contact], exchanged: list[Service], rating: Rating | None
) -> None:
    score = score_tie(history, today=TODAY, services=exchanged, rating=rating)
    word, digits = WORDED.match(score.explanation).groups()  # type: ignore[union-attr]
    assert word == score.band == band(float(digits))
    assert digits == f"{score.strength:.2f}"


def test_a_tie_last_seen_in_2014_is_not_called_strong() -> None:
    # The issue's example: "strong (0.84)" for a tie last seen in 2014.
    today = dt.date(2026, 11, 30)
    old = unheard_strength(TieSource.TOLD, 0.84, dt.date(2014, 6, 1), today)
    assert band(old) == "dormant"
    assert old == DEFAULT_PARAMS.floor
    assert unheard_strength(TieSource.TOLD, 0.84, dt.date(2026, 11, 2), today) == 0.84


def test_an_unheard_tie_halves_every_half_life_and_keeps_to_whole_months() -> None:
    today = dt.date(2026, 11, 30)
    heard = dt.date(2026 - UNHEARD_HALF_LIFE_MONTHS // 12, 11, 1)
    assert unheard_strength(TieSource.TOLD, 0.8, heard, today) == pytest.approx(0.4)
    # Within a month nothing changes; on the first of the next month it does.
    assert unheard_strength(TieSource.TOLD, 0.8, heard, dt.date(2026, 11, 1)) == (
        unheard_strength(TieSource.TOLD, 0.8, heard, today)
    )
    assert unheard_strength(TieSource.TOLD, 0.8, heard, dt.date(2026, 12, 1)) < 0.4
    # Unknown or future sightings do not age a tie; no recorded strength ages the default.
    assert unheard_strength(TieSource.TOLD, 0.8, None, today) == 0.8
    assert unheard_strength(TieSource.TOLD, 0.8, dt.date(2027, 5, 1), today) == 0.8
    assert unheard_strength(TieSource.LINKEDIN, None, heard, today) == pytest.approx(
        SOURCE_STRENGTH[TieSource.LINKEDIN] / 2
    )
    assert months_since(dt.date(2025, 12, 31), dt.date(2026, 1, 1)) == 1


@FAST
@given(
    st.sampled_from(list(TieSource)),
    st.none() | st.floats(0.0, 1.0),
    maybe_since,
    st.integers(0, 4000),
    st.integers(0, 4000),
)
def test_an_unheard_tie_stays_bounded_and_only_decays_with_time(
    source: TieSource, recorded: float | None, heard: dt.date | None, later: int, more: int
) -> None:
    day = TODAY + dt.timedelta(days=later)
    now = unheard_strength(source, recorded, heard, day)
    then = unheard_strength(source, recorded, heard, day + dt.timedelta(days=more))
    assert DEFAULT_PARAMS.floor <= then <= now <= default_strength(source, recorded) <= 1.0
    # Hearing of it later never weakens it.
    if heard is not None:
        assert unheard_strength(source, recorded, heard + dt.timedelta(days=more), day) >= now
