"""What the graph snapshot reads from the store: people, ties, my ties, in chunks of arrays.

Everything here runs inside the caller's read transaction, so one snapshot sees one state.
The rows come from storage/graph_rows.py, streamed from the driver, and become arrays chunk by
chunk: no Python object per tie is kept.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from whoknows.core.models import InteractionKind, TieSource
from whoknows.core.tiestrength import (
    DEFAULT_PARAMS,
    Contact,
    Rating,
    TieScore,
    aged,
    default_strength,
    described,
    months_since,
    score_tie,
)
from whoknows.services import ledger
from whoknows.storage import graph_rows
from whoknows.storage.graph_rows import TOP_TIES as TOP_TIES
from whoknows.storage.graph_rows import month_of as month_of
from whoknows.storage.graph_rows import top_tie_ids as top_tie_ids

if TYPE_CHECKING:
    from whoknows.storage.unit import Connection, Session


@dataclass
class People:
    """Columns of some people, in id order; strings as codes into growing vocabularies."""

    ids: npt.NDArray[np.int64]
    industry: npt.NDArray[np.int32]
    role: npt.NDArray[np.int32]
    city: npt.NDArray[np.int32]
    org_size: npt.NDArray[np.int32]
    organization: npt.NDArray[np.int64]
    trust: npt.NDArray[np.float64]  # in [0, 1]; NaN when not rated
    serves: dict[int, str] = field(default_factory=dict)  # person id → whom they serve
    tags: list[tuple[int, str]] = field(default_factory=list)  # (person id, casefolded tag)


def people(
    connection: Connection,
    owner: int,
    vocabularies: dict[str, dict[str, int]],
    *,
    above: int | None = None,
    ids: Collection[int] = (),
    organizations: Collection[int] = (),
) -> People:
    """Everyone (by default), or those with an id above ABOVE, in IDS, or at ORGANIZATIONS."""
    everyone = above is None and not ids and not organizations
    # Each chunk of rows becomes arrays at once: no Python object per person is kept.
    parts: list[tuple[npt.NDArray[Any], ...]] = []
    serves: dict[int, str] = {}
    read = graph_rows.people(connection, owner, above=above, ids=ids, organizations=organizations)
    for rows in read:
        ids_, industry, role, city, size, org, rated, served = zip(*rows, strict=True)
        parts.append(
            (
                np.asarray(ids_, dtype=np.int64),
                _codes(industry, vocabularies.setdefault("industry", {})),
                _codes(role, vocabularies.setdefault("role", {})),
                _codes(city, vocabularies.setdefault("city", {})),
                np.asarray(size, dtype=np.int32),
                np.asarray(org, dtype=np.int64),
                np.asarray(rated, dtype=np.float64),
            )
        )
        serves.update((pid, text) for pid, text in zip(ids_, served, strict=True) if text)
    dtypes = (np.int64, np.int32, np.int32, np.int32, np.int32, np.int64, np.float64)
    columns = [
        np.concatenate([part[i] for part in parts]) if parts else np.zeros(0, dtype)
        for i, dtype in enumerate(dtypes)
    ]
    # In id order, each person once (the queries of a partial read may overlap).
    _, order = np.unique(columns[0], return_index=True)
    trust = columns[6][order]
    found = People(
        ids=columns[0][order],
        industry=columns[1][order],
        role=columns[2][order],
        city=columns[3][order],
        org_size=columns[4][order],
        organization=columns[5][order],
        trust=np.where(trust > 0, (trust - 1) / 4, np.nan),
        serves=serves,
    )
    below = found.ids if above is None else found.ids[found.ids <= above]
    listed = () if everyone else below.tolist()
    for rows in graph_rows.tags(connection, owner, everyone=everyone, above=above, ids=listed):
        found.tags.extend((pid, tag.casefold()) for pid, tag in rows)
    return found


def _codes(values: Sequence[Any], vocabulary: dict[str, int]) -> npt.NDArray[np.int32]:
    return np.fromiter(
        (-1 if not v else vocabulary.setdefault(v, len(vocabulary)) for v in values),
        dtype=np.int32,
        count=len(values),
    )


def aged_strengths(
    base: npt.NDArray[np.float32], heard: npt.NDArray[np.float32], day: dt.date
) -> npt.NDArray[np.float32]:
    """Ties' strengths as of DAY from what ageing needs: the strength as recorded (or by
    source, within bounds) and the month last heard of (NaN: unknown, never aged). The one
    computation of a build, an update and a new month's ageing of the stored snapshot."""
    return aged(base, month_of(day) - heard).astype(np.float32)


def others_ties(
    connection: Connection,
    owner: int,
    me_id: int | None,
    *,
    above: int | None = None,
) -> Iterator[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], Ageing]]:
    """Ties between other people (mine are scored apart), all or those with an id above ABOVE,
    each with what ageing it needs (see aged_strengths; core.tiestrength.unheard_strength)."""
    for rows in graph_rows.others_ties(connection, owner, me_id, above=above):
        block = np.asarray(rows, dtype=np.float64)  # an unknown date reads as NaN: not aged
        # default_strength's bounds, which the SQL above does not apply to recorded strengths
        base = np.clip(block[:, 2], DEFAULT_PARAMS.floor, 1.0).astype(np.float32)
        ageing = Ageing(base, block[:, 3].astype(np.float32))
        yield block[:, 0].astype(np.int64), block[:, 1].astype(np.int64), ageing


@dataclass(frozen=True)
class Ageing:
    """What ageing ties needs, per tie (or per entry of the snapshot's CSR): the strength before
    ageing, and the month last heard of (NaN for my own ties, which are scored apart, and for
    ties of unknown date)."""

    base: npt.NDArray[np.float32]
    heard: npt.NDArray[np.float32]

    def strengths(self, day: dt.date) -> npt.NDArray[np.float32]:
        return aged_strengths(self.base, self.heard, day)

    @classmethod
    def none(cls, count: int) -> Ageing:
        """For COUNT ties that never age here (mine)."""
        return cls(np.full(count, np.nan, np.float32), np.full(count, np.nan, np.float32))


def ties_between(
    session: Session, owner: int, pairs: Collection[tuple[int, int]]
) -> dict[tuple[int, int], tuple[float, float]]:
    """What ageing needs (the base strength and the month last heard of, NaN if unknown) of
    each of these pairs (low id first) that still has a tie."""
    found: dict[tuple[int, int], tuple[float, float]] = {}
    for a, b, strength, source, last_seen, since in graph_rows.ties_between(session, owner, pairs):
        heard = last_seen or since
        found[a, b] = (
            default_strength(TieSource(source), strength),
            math.nan if heard is None else float(month_of(heard)),
        )
    return found


@dataclass(frozen=True)
class MyTies:
    """My own ties, scored from what happened between us; with the words that explain each."""

    others: npt.NDArray[np.int64]
    strengths: npt.NDArray[np.float64]
    explanations: dict[int, str]  # person id → plain explanation


def my_ties(session: Session, owner: int, me_id: int | None, day: dt.date) -> MyTies:
    """My ties, scored from the interaction history and what we exchanged (the ledger); the
    recorded strength, or a default by source, when neither is known."""
    if me_id is None:
        return MyTies(np.zeros(0, np.int64), np.zeros(0), {})
    ties = graph_rows.my_ties(session, owner, me_id)
    rows = graph_rows.contacts(session, owner)
    # Everyone in interaction_people is someone other than me: the group size of a contact.
    counts = Counter(row[0] for row in rows)
    contacts: dict[int, list[Contact]] = {}
    for interaction_id, person_id, kind, date in rows:
        contacts.setdefault(person_id, []).append(
            Contact(date, InteractionKind(kind), counts[interaction_id])
        )
    services = ledger.services_by_person(session, owner, me_id)
    known = {b if a == me_id else a for a, b, *_rest in ties}
    # The ratings of the people I know, where given: not a dict over every person.
    ratings = graph_rows.ratings(session, owner, known)
    # When we first met (a LinkedIn connection's date, an import's first meeting): how long
    # I have known them runs from the earliest evidence, not from our first logged contact.
    met = graph_rows.met_on(session, owner, known)
    others: list[int] = []
    strengths: list[float] = []
    explanations: dict[int, str] = {}
    # Ties with nothing logged are aged all at once (one numpy call, not one per tie: at 20,000
    # such ties the calls one by one took most of a build), and explained after.
    unheard: list[tuple[int, str, dt.date | None]] = []  # (position, source, heard)
    bases: list[float] = []
    months: list[int] = []
    for low, high, recorded, source, since, last_seen in ties:
        other = high if low == me_id else low
        history = contacts.get(other, [])
        exchanged = services.get(other, [])
        if history or exchanged:
            score: TieScore = score_tie(
                history,
                today=day,
                services=exchanged,
                rating=Rating(ratings[other], since or day) if other in ratings else None,
                contexts=max(1, len({c.kind for c in history})),
                known_since=min((d for d in (since, met.get(other)) if d), default=None),
            )
            strength = score.strength
            explanations[other] = score.explanation
        else:
            heard = last_seen or since
            unheard.append((len(others), source, heard))
            bases.append(default_strength(TieSource(source), recorded))
            months.append(months_since(heard, day))
            strength = float("nan")  # aged below
        others.append(other)
        strengths.append(strength)
    found = np.asarray(strengths, np.float64)
    if unheard:
        positions = np.asarray([u[0] for u in unheard], np.int64)
        found[positions] = aged(np.asarray(bases), np.asarray(months))
        for (position, source, heard), strength in zip(
            unheard, found[positions].tolist(), strict=True
        ):
            explanations[others[position]] = (
                f"{described(strength)}: {source}, nothing logged yet"
                + (f", last seen {heard.year}" if heard and heard.year < day.year else "")
            )
    return MyTies(np.asarray(others, np.int64), found, explanations)
