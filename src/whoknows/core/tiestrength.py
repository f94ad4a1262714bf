"""Tie strength: a bounded, monotone, explainable score of how well I know someone."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike, NDArray

from whoknows.core.models import InteractionKind, TieSource
from whoknows.core.phrases import DAYS_PER_YEAR, ago, plural

FloatArray = NDArray[np.float64]

# Mail and messages cannot be told apart from newsletters, notifications or
# unanswered outreach (we do not see who wrote back), so on their own they
# saturate: no volume of them reaches the strong band.
LEAN_KINDS = frozenset({InteractionKind.EMAIL, InteractionKind.MESSAGE})

# Channel richness within a ~4x range (Jones et al. 2013: private channels were
# not much more telling than public ones, so the spread stays modest).
CHANNEL_WEIGHTS: Mapping[InteractionKind, float] = MappingProxyType(
    {
        InteractionKind.ONE_TO_ONE: 1.0,
        InteractionKind.COFFEE: 1.0,
        InteractionKind.MEETING: 0.8,
        InteractionKind.CALL: 0.7,
        InteractionKind.EVENT: 0.35,
        InteractionKind.EMAIL: 0.3,
        InteractionKind.MESSAGE: 0.25,
    }
)

# A 1-5 user rating read as a strength; 5 stays below 1 so that evidence still counts.
RATING_STRENGTH: Mapping[int, float] = MappingProxyType({1: 0.1, 2: 0.3, 3: 0.5, 4: 0.75, 5: 0.95})

# Ties between two other people rarely come with a history; how I learned of the
# tie says how much to trust it. Told: one of them said so, usually of a real
# relationship. Colleague: same organization, which often means little in a big one.
# Manual: I typed it in without saying how well. Calendar and email: seen together
# in a meeting or a thread. LinkedIn: a click. Event: merely in the same room.
SOURCE_STRENGTH: Mapping[TieSource, float] = MappingProxyType(
    {
        TieSource.TOLD: 0.7,
        TieSource.COLLEAGUE: 0.45,
        TieSource.MANUAL: 0.4,
        TieSource.CALENDAR: 0.35,
        TieSource.EMAIL: 0.3,
        TieSource.LINKEDIN: 0.15,
        TieSource.EVENT: 0.12,
    }
)

BANDS: tuple[tuple[float, str], ...] = ((0.75, "strong"), (0.5, "good"), (0.2, "weak"))

# A tie between two other people (or one of mine with nothing logged) has a strength as of
# when I last heard of it: the recorded one, or the default for its source. With nothing
# heard since, it halves every two years, as a history does (TIE-STRENGTH.md's H), so a
# tie last seen in 2014 is dormant now. Ages count whole calendar months: a strength
# changes on the first of a month, not daily, and a snapshot of the network built in a
# month stays right for that month.
UNHEARD_HALF_LIFE_MONTHS = 24


_KIND_PHRASE: Mapping[InteractionKind, str] = MappingProxyType(
    {
        InteractionKind.EVENT: "an event",
        InteractionKind.ONE_TO_ONE: "a one-to-one",
        InteractionKind.COFFEE: "a coffee",
        InteractionKind.CALL: "a call",
        InteractionKind.MEETING: "a meeting",
        InteractionKind.EMAIL: "an email",
        InteractionKind.MESSAGE: "a message",
    }
)


@dataclass(frozen=True)
class Contact:
    """One interaction with the person; participants counts the people in it other than me."""

    date: dt.date
    kind: InteractionKind
    participants: int = 1

    def __post_init__(self) -> None:
        if self.participants < 1:
            raise ValueError(
                f"a contact needs at least one other participant, not {self.participants}"
            )


@dataclass(frozen=True)
class Service:
    """A referral, introduction or favour between me and the person; given: I gave it."""

    date: dt.date
    kind: str
    given: bool


@dataclass(frozen=True)
class Rating:
    """My own 1-5 judgement of the tie, and when I gave it."""

    value: int
    on: dt.date

    def __post_init__(self) -> None:
        if self.value not in RATING_STRENGTH:
            raise ValueError(f"a rating is 1 to 5, not {self.value}")


@dataclass(frozen=True)
class TieStrengthParams:
    """The tunable knobs; the defaults land TIE-STRENGTH.md's canonical histories in their bands.

    Half-lives are in days. The ``w_*`` weights multiply each feature in
    z = w_recent·log₂(1+A) + w_history·log₂(1+H) + w_years·log₂(1+years)
    + w_services·log₂(1+S) + w_contexts·min(max_extra_contexts, contexts−1),
    and strength = floor + (1−floor)(1 − e^(−z)).
    """

    recent_half_life: float = 90.0
    history_half_life: float = 730.0
    service_half_life: float = 730.0
    rating_half_life: float = 730.0
    channel_weights: Mapping[InteractionKind, float] = field(
        default_factory=lambda: CHANNEL_WEIGHTS
    )
    # Mail to more recipients than this, and events with more people than this
    # (me included), are broadcasts: co-attendance, not activity.
    mass_mail_recipients: int = 10
    big_event_people: int = 50
    # Ceiling on the recent activity that mail and messages alone can add; the
    # history ceiling scales with the half-life ratio, as a steady rhythm does.
    lean_cap: float = 2.0
    w_recent: float = 0.35
    w_history: float = 0.06
    w_years: float = 0.05
    w_services: float = 0.30
    w_contexts: float = 0.20
    max_extra_contexts: int = 4
    rating_weight: float = 0.6
    floor: float = 0.02


DEFAULT_PARAMS = TieStrengthParams()


@dataclass(frozen=True)
class TieScore:
    """A strength in (0, 1], its band, each feature's share of it, and one sentence why.

    ``parts`` holds each feature's share of the strength (``rating`` may be
    negative: a low rating pulls down) plus the ``floor``; they sum to ``strength``.
    """

    strength: float
    band: str
    parts: dict[str, float]
    explanation: str


def band(strength: float) -> str:
    """The word for a strength: strong ≥ 0.75, good ≥ 0.5, weak ≥ 0.2, else dormant.

    The strength is judged as it is shown, to two decimals, so that the word always
    follows the number beside it: 0.7496 is "strong (0.75)", never "good (0.75)".
    """
    shown = round(float(strength), 2)
    for lower, name in BANDS:
        if shown >= lower:
            return name
    return "dormant"


def described(strength: float) -> str:
    """A strength in words and digits, the word following the digits: "weak (0.31)"."""
    return f"{band(strength)} ({strength:.2f})"


def contact_unit(
    kind: InteractionKind, participants: int, params: TieStrengthParams = DEFAULT_PARAMS
) -> float:
    """One interaction's worth before decay: channel weight × group discount, 0 if a broadcast.

    The discount is 1/√(n−1) over the n people present, me included, so a
    one-to-one counts 1 and a 40-person event about 0.16.
    """
    if kind in LEAN_KINDS and participants > params.mass_mail_recipients:
        return 0.0
    if kind is InteractionKind.EVENT and participants + 1 > params.big_event_people:
        return 0.0
    return params.channel_weights[kind] / math.sqrt(max(1, participants))


def default_strength(source: TieSource, recorded: float | None) -> float:
    """The strength of a tie between two other people: as recorded, else a default by source."""
    floor = DEFAULT_PARAMS.floor
    if recorded is None or math.isnan(recorded):
        return SOURCE_STRENGTH[source]
    return min(1.0, max(floor, recorded))


def months_since(heard: dt.date | None, today: dt.date) -> int:
    """Whole calendar months from HEARD to TODAY; 0 when unknown or not in the past."""
    if heard is None:
        return 0
    return max(0, (today.year - heard.year) * 12 + today.month - heard.month)


def aged(strength: ArrayLike, months: ArrayLike) -> FloatArray:
    """STRENGTH after MONTHS without news: halved every UNHEARD_HALF_LIFE_MONTHS, never
    below the floor (works on arrays; months < 0, or NaN for unknown, count as 0)."""
    age = np.nan_to_num(np.asarray(months, np.float64), nan=0.0).clip(min=0.0)
    decayed = np.asarray(strength, np.float64) * np.exp2(-age / UNHEARD_HALF_LIFE_MONTHS)
    return np.clip(decayed, DEFAULT_PARAMS.floor, 1.0)


def unheard_strength(
    source: TieSource, recorded: float | None, heard: dt.date | None, today: dt.date
) -> float:
    """A tie with no history to score: as recorded (else by source) when last HEARD of, aged
    since (see UNHEARD_HALF_LIFE_MONTHS); HEARD is when they were last seen together, else
    since when they know each other."""
    return float(aged(default_strength(source, recorded), months_since(heard, today)))


def _decay(age_days: ArrayLike, half_life: float) -> FloatArray:
    return np.exp2(-np.asarray(age_days, dtype=np.float64) / half_life)


def _saturate(x: FloatArray, cap: float) -> FloatArray:
    # Near x for small x, never above cap, and increasing: monotone all the way.
    return cap * -np.expm1(-x / cap)


def _terms(
    rich: tuple[ArrayLike, ArrayLike],
    lean: tuple[ArrayLike, ArrayLike],
    years: ArrayLike,
    services: ArrayLike,
    contexts: ArrayLike,
    p: TieStrengthParams,
) -> dict[str, FloatArray]:
    """Each feature's term of z; works on scalars and on arrays alike."""
    history_cap = p.lean_cap * p.history_half_life / p.recent_half_life
    recent = np.asarray(rich[0], np.float64) + _saturate(
        np.asarray(lean[0], np.float64), p.lean_cap
    )
    history = np.asarray(rich[1], np.float64) + _saturate(
        np.asarray(lean[1], np.float64), history_cap
    )
    extra = np.clip(np.asarray(contexts, np.float64) - 1, 0, p.max_extra_contexts)
    return {
        "recent": p.w_recent * np.log2(1 + recent),
        "history": p.w_history * np.log2(1 + history),
        "years": p.w_years * np.log2(1 + np.asarray(years, np.float64)),
        "services": p.w_services * np.log2(1 + np.asarray(services, np.float64)),
        "contexts": p.w_contexts * extra,
    }


def _from_z(z: FloatArray, p: TieStrengthParams) -> FloatArray:
    return p.floor + (1 - p.floor) * -np.expm1(-z)


def _with_rating(s: float, rating: Rating | None, today: dt.date, p: TieStrengthParams) -> float:
    if rating is None or rating.on > today:
        return s
    target = RATING_STRENGTH[rating.value]
    # An upward pull fades as the rating ages. A downward pull does not: were it
    # to fade, a tie I called weak would creep up with no new evidence. The two
    # meet at target == s, so strength stays continuous and monotone.
    if target < s:
        weight = p.rating_weight
    else:
        weight = p.rating_weight * float(_decay((today - rating.on).days, p.rating_half_life))
    return weight * target + (1 - weight) * s


def _units(
    contacts: Iterable[Contact], today: dt.date, p: TieStrengthParams
) -> dict[tuple[dt.date, InteractionKind], float]:
    """At most one unit per day and kind (the richest); future contacts and broadcasts drop out."""
    units: dict[tuple[dt.date, InteractionKind], float] = {}
    for c in contacts:
        unit = contact_unit(c.kind, c.participants, p)
        if c.date <= today and unit > 0:
            key = (c.date, c.kind)
            units[key] = max(unit, units.get(key, 0.0))
    return units


def score_tie(
    contacts: Iterable[Contact],
    *,
    today: dt.date,
    services: Iterable[Service] = (),
    rating: Rating | None = None,
    contexts: int = 1,
    known_since: dt.date | None = None,
    params: TieStrengthParams = DEFAULT_PARAMS,
) -> TieScore:
    """Score my tie to one person from our history; see TIE-STRENGTH.md for the recipe."""
    p = params
    units = _units(contacts, today, p)
    sums = {False: [0.0, 0.0], True: [0.0, 0.0]}  # keyed by "is mail or message"
    for (date, kind), unit in units.items():
        age = (today - date).days
        side = sums[kind in LEAN_KINDS]
        side[0] += unit * float(_decay(age, p.recent_half_life))
        side[1] += unit * float(_decay(age, p.history_half_life))
    done = [s for s in services if s.date <= today]
    given, got = (
        sum(float(_decay((today - s.date).days, p.service_half_life)) for s in done if s.given is g)
        for g in (True, False)
    )
    # (√given + √got)²: one-way traffic counts as its sum, a balanced exchange
    # double; unlike a ratio it never falls when either side grows.
    exchanged = (math.sqrt(given) + math.sqrt(got)) ** 2
    # Duration runs from first to last evidence, not to today: counting to today
    # would let a tie grow stronger while nothing happens.
    evidence = [date for date, _ in units] + [s.date for s in done]
    years = 0.0
    if evidence:
        since = [known_since] if known_since is not None and known_since <= today else []
        years = (max(evidence) - min(evidence + since)).days / DAYS_PER_YEAR
    rich, lean = (sums[False][0], sums[False][1]), (sums[True][0], sums[True][1])
    terms = {k: float(v) for k, v in _terms(rich, lean, years, exchanged, contexts, p).items()}
    z = sum(terms.values())
    activity = float(_from_z(np.asarray(z), p))
    strength = _with_rating(activity, rating, today, p)
    # Each feature's share of z is its share of the strength above the floor.
    parts = {k: (activity - p.floor) * v / z if z > 0 else 0.0 for k, v in terms.items()}
    parts["rating"] = strength - activity
    parts["floor"] = p.floor
    clauses = _explain(units, today, done, rating, years, contexts, parts)
    return TieScore(
        strength, band(strength), parts, f"{described(strength)}: " + "; ".join(clauses)
    )


def _explain(
    units: Mapping[tuple[dt.date, InteractionKind], float],
    today: dt.date,
    services: list[Service],
    rating: Rating | None,
    years: float,
    contexts: int,
    parts: Mapping[str, float],
) -> list[str]:
    if not units:
        first = "no interactions recorded"
    else:
        # The latest contact, and of a day's contacts the richest one.
        date, kind = max(units, key=lambda key: (key[0], units[key]))
        recent = sum(1 for d, _ in units if (today - d).days < 365)
        count = plural(recent, "interaction") if recent else "no interactions"
        last = f"{_KIND_PHRASE[kind]} {ago((today - date).days)}"
        first = f"{count} in the last 12 months, the last {last}"
    more: list[tuple[float, str]] = []
    if years >= 1:
        more.append((parts["years"], f"known {plural(round(years), 'year')}"))
    elif years * 12 >= 1:
        more.append((parts["years"], f"known {plural(round(years * 12), 'month')}"))
    if services:
        kinds: dict[str, int] = {}
        for s in services:
            kinds[s.kind] = kinds.get(s.kind, 0) + 1
        items = [plural(n, kind) for kind, n in kinds.items()]
        listed = ", ".join(items[:-1]) + f" and {items[-1]}" if len(items) > 1 else items[0]
        more.append((parts["services"], f"{listed} exchanged"))
    if contexts > 1:
        more.append((parts["contexts"], f"{contexts} shared contexts"))
    if rating is not None and rating.on <= today:
        more.append((abs(parts["rating"]), f"rated {rating.value}/5"))
    # Bigger shares first: the sentence leads with what matters most.
    more.sort(key=lambda item: -item[0])
    return [first, *(text for _, text in more)]
