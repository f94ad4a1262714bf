"""My side of the demo network as arrays: my contacts, their stages, events and interactions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from whoknows.core.models import InteractionKind, Stage, TieSource
from whoknows.demo import vocab

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]

STAGES = tuple(Stage)  # met, connected, one-to-one, trusted, advocate, dormant
KINDS = tuple(InteractionKind)  # event, one-to-one, coffee, call, meeting, email, message
MET_HOW = (
    TieSource.EVENT,
    TieSource.LINKEDIN,
    TieSource.TOLD,
    TieSource.COLLEAGUE,
    TieSource.EMAIL,
    TieSource.CALENDAR,
)
_ST = {stage: i for i, stage in enumerate(STAGES)}
_K: dict[str, int] = {kind.value: i for i, kind in enumerate(KINDS)}
_HOW = {how: i for i, how in enumerate(MET_HOW)}

# Per stage (rows in STAGES order). Advocates and trusted people are those close to my clients.
_STAGE_P = np.array([[17, 32, 22, 10, 3, 16], [10, 22, 25, 18, 12, 13]], dtype=np.float64)
_START = np.array([(2, 120), (90, 1460), (90, 1825), (365, 1825), (700, 1825), (700, 1825)])
_RATE = np.array([0.0, 2.0, 4.0, 7.0, 10.0, 3.0])  # interactions a year after the first
_KIND_P = np.array(  # columns in KINDS order
    [
        [20, 0, 0, 5, 0, 50, 25],
        [10, 0, 5, 10, 10, 40, 25],
        [6, 15, 15, 14, 10, 25, 15],
        [5, 18, 20, 15, 12, 15, 15],
        [5, 20, 20, 15, 10, 15, 15],
        [10, 10, 10, 15, 10, 30, 15],
    ],
    dtype=np.float64,
)
_HOW_P = np.array([[80, 10, 5, 0, 5, 0], [38, 17, 20, 8, 10, 7]], dtype=np.float64)
_FIRST_KIND = np.array(
    [_K[k] for k in ("event", "message", "coffee", "meeting", "email", "meeting")]
)
_GETS_IT = np.array([0.35, 0.2, 0.45, 0.65, 0.8, 0.1])
_TRUST_P = np.array([0.05, 0.3, 0.5, 0.9, 1.0, 0.3])
_TRUST = np.array([(1, 3), (2, 3), (2, 4), (3, 5), (4, 5), (1, 3)])
_STRENGTH = np.array([(2, 7), (3, 5), (5, 4), (7, 3), (9, 2), (2, 5)], dtype=np.float64)
_MINUTES = {"event": (90, 180), "one-to-one": (45, 90), "coffee": (30, 60), "call": (10, 45)}
_MINUTES["meeting"] = (45, 120)


@dataclass(frozen=True)
class People:
    """What the history needs to know about everyone (index 0 is me)."""

    pull: Floats  # how likely I am to have met them
    organization: Ints
    city: Ints
    industry: Ints
    affinity: Bools  # close to my ideal clients: more often my advocates


@dataclass(frozen=True)
class History:
    contacts: Ints  # my first-degree contacts (person indices, sorted)
    stage: Ints  # per contact, index into STAGES
    trust: Ints  # 0: not recorded
    met_how: Ints  # index into MET_HOW
    met_event: Ints  # the event where we met, -1 if not at an event
    introducer: Ints  # the person who introduced us, -1 if nobody
    contact_since: Ints  # days ago
    contact_last_seen: Ints
    contact_strength: Floats
    extra_a: Ints  # ties the history implies between others (an introducer and whom they
    extra_b: Ints  # introduced, two people met together)
    extra_how: Ints  # index into MET_HOW
    extra_since: Ints  # days ago
    event_days: Ints  # events, oldest first
    event_series: Ints
    event_city: Ints
    event_venue: Ints
    attendee_event: Ints
    attendee_person: Ints
    attendee_gets_it: Bools
    kind: Ints  # interactions, oldest first: index into KINDS
    days: Ints
    minutes: Ints  # 0: not recorded
    note: Ints  # index into vocab.INTERACTION_NOTES, -1: none
    event: Ints  # -1: none
    participant_interaction: Ints
    participant_person: Ints


def generate(
    rng: np.random.Generator, n_contacts: int, n_events: int, people: People, today: dt.date
) -> History:
    """My contacts, met over five years, with a realistic rhythm of interactions per stage."""
    workday = _workdays(today, 2200)
    keys = rng.exponential(size=len(people.pull)) / np.maximum(people.pull, 1e-300)
    keys[0] = np.inf
    contacts = np.sort(np.argpartition(keys, n_contacts)[:n_contacts])
    k = len(contacts)
    affinity = people.affinity[contacts].astype(np.int64)
    stage = _categorical(rng, _STAGE_P[affinity])
    lo, hi = _START[stage, 0], _START[stage, 1]
    start = workday[rng.integers(lo, hi + 1)]
    end = np.where(stage == _ST[Stage.DORMANT], rng.integers(365, np.maximum(366, start - 60)), 0)
    met_how = _categorical(rng, _HOW_P[(stage != _ST[Stage.MET]).astype(np.int64)])
    days_e, series, city, venue = _events(rng, n_events, workday)

    met_event = np.full(k, -1)
    at_event = np.flatnonzero(met_how == _HOW[TieSource.EVENT])
    recent = np.flatnonzero(days_e <= 120)
    for i in at_event:
        if stage[i] == _ST[Stage.MET]:
            # People met recently: the latest event is fresh, its follow-ups still due.
            weights = np.where(recent == len(days_e) - 1, 2.0, 1.0)
            met_event[i] = rng.choice(recent, p=weights / weights.sum())
        else:
            nearest = int(np.argmin(np.abs(days_e - start[i])))
            if abs(int(days_e[nearest]) - int(start[i])) <= 90:
                met_event[i] = nearest
            else:
                met_how[i] = _HOW[TieSource.LINKEDIN]
        if met_event[i] >= 0:
            start[i] = days_e[met_event[i]]
    end = np.minimum(end, np.maximum(start - 30, 0))

    introducer = np.full(k, -1)
    extra: list[tuple[int, int, int, int]] = []
    pull = np.array([0.5, 0.5, 1.5, 3.0, 6.0, 0.5])[stage]
    for i in np.flatnonzero(met_how == _HOW[TieSource.TOLD]):
        earlier = np.flatnonzero(start > start[i] + 30)
        if len(earlier) == 0:
            met_how[i] = _HOW[TieSource.LINKEDIN]
            continue
        j = rng.choice(earlier, p=pull[earlier] / pull[earlier].sum())
        introducer[i] = contacts[j]
        extra.append((int(contacts[j]), int(contacts[i]), _HOW[TieSource.TOLD], int(start[i])))

    log = _Log(rng, contacts, stage, workday)
    for c in range(k):
        log.relationship(c, int(start[c]), int(end[c]), int(met_how[c]), int(met_event[c]), days_e)
    log.fill_quiet_events(days_e)
    for a, b, day in log.together:
        extra.append((a, b, _HOW[TieSource.CALENDAR], day))
    kind, days, minutes, note, event, part_i, part_p = log.arrays(days_e)
    last_seen = np.full(k, 10**9)
    np.minimum.at(last_seen, np.searchsorted(contacts, part_p), days[part_i])
    trust = np.where(
        rng.random(k) < _TRUST_P[stage], rng.integers(_TRUST[stage, 0], _TRUST[stage, 1] + 1), 0
    )
    att = sorted(log.attended.items())
    ex = np.array(extra, dtype=np.int64).reshape(-1, 4)
    return History(
        contacts=contacts,
        stage=stage,
        trust=trust,
        met_how=met_how,
        met_event=met_event,
        introducer=introducer,
        contact_since=start,
        contact_last_seen=np.minimum(last_seen, start),
        contact_strength=np.round(rng.beta(_STRENGTH[stage, 0], _STRENGTH[stage, 1]), 3).clip(
            0.01, 1.0
        ),
        extra_a=ex[:, 0],
        extra_b=ex[:, 1],
        extra_how=ex[:, 2],
        extra_since=ex[:, 3],
        event_days=days_e,
        event_series=series,
        event_city=city,
        event_venue=venue,
        attendee_event=np.array([e for (e, _), _ in att], dtype=np.int64),
        attendee_person=np.array([p for (_, p), _ in att], dtype=np.int64),
        attendee_gets_it=np.array([g for _, g in att], dtype=np.bool_),
        kind=kind,
        days=days,
        minutes=minutes,
        note=note,
        event=event,
        participant_interaction=part_i,
        participant_person=part_p,
    )


def _workdays(today: dt.date, longest: int) -> Ints:
    """For each number of days ago, the nearest working day at or before it (days ago).

    Weekends and the days from 22 December to 3 January move back to the working day before.
    """
    moved = np.arange(longest + 1, dtype=np.int64)
    for days in range(longest + 1):
        when = today - dt.timedelta(days=int(moved[days]))
        while (
            when.weekday() >= 5
            or (when.month, when.day) >= (12, 22)
            or (when.month == 1 and when.day <= 3)
        ):
            when -= dt.timedelta(days=1)
        moved[days] = (today - when).days
    return moved


def _categorical(rng: np.random.Generator, p: Floats) -> Ints:
    """One draw per row of p (unnormalised probabilities)."""
    cdf = np.cumsum(p, axis=1)
    u = rng.random(len(p)) * cdf[:, -1]
    drawn: Ints = np.minimum((u[:, None] >= cdf).sum(axis=1), p.shape[1] - 1).astype(np.int64)
    return drawn


def _events(rng: np.random.Generator, n: int, workday: Ints) -> tuple[Ints, Ints, Ints, Ints]:
    """Networking events over five years, more of them lately; the last one four days ago."""
    recent = max(2, n // 5)
    older = 121 + (1825 - 121) * rng.random(n - recent) ** 1.3
    days = np.concatenate([[4], rng.integers(8, 121, recent - 1), older.astype(np.int64)])
    days = np.sort(workday[days])[::-1]
    series = rng.integers(0, len(vocab.EVENT_SERIES), n)
    names = [c.name for c in vocab.CITIES]
    cities = [names.index(c) for c in (vocab.ME.city, *vocab.ME.icp_cities[1:], "London")]
    p = np.array([6.0, 1.0, 1.0, 1.0, 1.0])
    city = np.array(cities)[rng.choice(len(cities), n, p=p / p.sum())]
    venue = rng.integers(0, len(vocab.VENUES), n)
    return days.astype(np.int64), series, city, venue


class _Log:
    """Builds the interactions of each relationship, and who was met at which event."""

    def __init__(
        self, rng: np.random.Generator, contacts: Ints, stage: Ints, workday: Ints
    ) -> None:
        self.rng, self.contacts, self.stage, self.workday = rng, contacts, stage, workday
        self.span: list[tuple[int, int]] = []
        self.items: list[tuple[int, int, list[int]]] = []  # kind, days ago, people
        self.attended: dict[tuple[int, int], bool] = {}
        self.together: list[tuple[int, int, int]] = []

    def relationship(
        self, i: int, start: int, end: int, how: int, met_event: int, event_days: Ints
    ) -> None:
        rng, st, person = self.rng, int(self.stage[i]), int(self.contacts[i])
        self.span.append((start, end))
        if met_event >= 0:
            self._attend(met_event, person, st)
        else:
            self.items.append((int(_FIRST_KIND[how]), start, [person]))
        years = (start - end) / 365
        count = rng.poisson(0.6 if st == _ST[Stage.MET] else _RATE[st] * years)
        if start - end <= 1:
            count = 0
        days = np.sort(rng.integers(end, max(start, end + 1), count))[::-1]
        kinds = rng.choice(len(KINDS), size=count, p=_KIND_P[st] / _KIND_P[st].sum())
        if st in (_ST[Stage.ONE_TO_ONE], _ST[Stage.TRUSTED], _ST[Stage.ADVOCATE]):
            # Their stage says a 1-to-1 happened: make sure the history shows it.
            if count == 0:
                days = np.array([rng.integers(end, max(start, end + 1))])
                kinds = np.array([_K[InteractionKind.ONE_TO_ONE]])
            elif _K[InteractionKind.ONE_TO_ONE] not in kinds:
                kinds[0] = _K[InteractionKind.ONE_TO_ONE]
        for day, kind in zip(days.tolist(), kinds.tolist(), strict=True):
            if kind == _K[InteractionKind.EVENT]:
                near = np.flatnonzero((np.abs(event_days - day) <= 45) & (event_days < start))
                if len(near):
                    self._attend(int(near[np.argmin(np.abs(event_days[near] - day))]), person, st)
                    continue
                kind = _K[InteractionKind.COFFEE]
            if kind not in (_K["email"], _K["message"]):
                day = min(int(self.workday[day]), start)  # we meet on working days
            people = [person]
            if kind in (_K["coffee"], _K["meeting"], _K["call"]) and rng.random() < 0.08:
                other = self._someone_else(i, day)
                if other >= 0:
                    people.append(other)
                    self.together.append((min(person, other), max(person, other), day))
            self.items.append((kind, day, people))

    def fill_quiet_events(self, event_days: Ints) -> None:
        """Nobody goes to an event and meets no one: add contacts I knew by then."""
        seen = np.bincount([e for e, _ in self.attended], minlength=len(event_days))
        for event in np.flatnonzero(seen < 3).tolist():
            day = int(event_days[event])
            known = [j for j, (s, e) in enumerate(self.span) if s >= day >= e]
            take = self.rng.permutation(len(known))[: int(self.rng.integers(3, 7))]
            for j in take.tolist():
                self._attend(event, int(self.contacts[known[j]]), int(self.stage[known[j]]))

    def _attend(self, event: int, person: int, stage: int) -> None:
        if (event, person) not in self.attended:
            self.attended[(event, person)] = bool(self.rng.random() < _GETS_IT[stage])

    def _someone_else(self, i: int, day: int) -> int:
        """Another contact I already knew that day (we met together)."""
        known = [j for j, (s, e) in enumerate(self.span) if j != i and s > day >= e]
        return int(self.contacts[known[self.rng.integers(len(known))]]) if known else -1

    def arrays(self, event_days: Ints) -> tuple[Ints, Ints, Ints, Ints, Ints, Ints, Ints]:
        """Interactions oldest first (one per event with everyone met there), and participants."""
        rng = self.rng
        by_event: dict[int, list[int]] = {}
        for e, p in sorted(self.attended):
            by_event.setdefault(e, []).append(p)
        rows = [(k, d, p, -1) for k, d, p in self.items]
        rows += [(_K["event"], int(event_days[e]), ps, e) for e, ps in by_event.items()]
        rows.sort(key=lambda r: (-r[1], r[3], r[2][0]))
        kind = np.array([r[0] for r in rows], dtype=np.int64)
        days = np.array([r[1] for r in rows], dtype=np.int64)
        event = np.array([r[3] for r in rows], dtype=np.int64)
        minutes = np.zeros(len(rows), dtype=np.int64)
        for name, (lo, hi) in _MINUTES.items():
            hit = kind == _K[name]
            minutes[hit] = rng.integers(lo // 5, hi // 5 + 1, np.count_nonzero(hit)) * 5
        note: Ints = np.where(
            (rng.random(len(rows)) < 0.45) & (event < 0),
            rng.integers(0, len(vocab.INTERACTION_NOTES), len(rows)),
            -1,
        )
        sizes = [len(r[2]) for r in rows]
        part_i: Ints = np.repeat(np.arange(len(rows), dtype=np.int64), sizes)
        part_p = np.array([p for r in rows for p in r[2]], dtype=np.int64)
        return kind, days, minutes, note, event, part_i, part_p
