"""What the graph snapshot reads from the store: people, ties, my ties, in chunks of arrays.

Everything here runs inside the caller's read transaction, so one snapshot sees one state.
Large reads stream from the driver (a server-side cursor on PostgreSQL) and become arrays
chunk by chunk: no Python object per tie is kept.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, select, tuple_
from sqlalchemy.orm import Session

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
from whoknows.storage import schema as s

_CHUNK = 50_000  # rows fetched at a time: their Python objects live only this long
_IN = 5_000  # ids per IN (…) list: well under every backend's limit on parameters
TOP_TIES = 256  # tie ids a snapshot remembers, to tell new ties from those it has


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


_PEOPLE_SQL = (
    "SELECT p.id, COALESCE(p.industry, o.industry), p.role, COALESCE(p.city, o.city), "
    "COALESCE(o.size, -1), COALESCE(p.organization_id, -1), COALESCE(p.trust, 0), p.serves "
    "FROM people p LEFT JOIN organizations o ON o.id = p.organization_id WHERE p.owner_id = ?"
)


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
    queries: list[tuple[str, tuple[Any, ...]]] = [(_PEOPLE_SQL, (owner,))] if everyone else []
    if above is not None:
        queries.append((f"{_PEOPLE_SQL} AND p.id > ?", (owner, above)))
    queries += _in_chunks(f"{_PEOPLE_SQL} AND p.id", owner, ids)
    queries += _in_chunks(f"{_PEOPLE_SQL} AND p.organization_id", owner, organizations)
    # Each chunk of rows becomes arrays at once: no Python object per person is kept.
    parts: list[tuple[npt.NDArray[Any], ...]] = []
    serves: dict[int, str] = {}
    for sql, params in queries:
        for rows in raw_rows(connection, sql, params):
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
    tag_sql = "SELECT person_id, tag FROM person_tags WHERE owner_id = ?"
    tag_queries: list[tuple[str, tuple[Any, ...]]] = [(tag_sql, (owner,))] if everyone else []
    if above is not None:
        tag_queries.append((f"{tag_sql} AND person_id > ?", (owner, above)))
    if not everyone:
        below = found.ids if above is None else found.ids[found.ids <= above]
        tag_queries += _in_chunks(f"{tag_sql} AND person_id", owner, below.tolist())
    for sql, params in tag_queries:
        for rows in raw_rows(connection, sql, params):
            found.tags.extend((pid, tag.casefold()) for pid, tag in rows)
    return found


def _codes(values: Sequence[Any], vocabulary: dict[str, int]) -> npt.NDArray[np.int32]:
    return np.fromiter(
        (-1 if not v else vocabulary.setdefault(v, len(vocabulary)) for v in values),
        dtype=np.int32,
        count=len(values),
    )


def _in_chunks(sql: str, owner: int, ids: Collection[int]) -> list[tuple[str, tuple[Any, ...]]]:
    ordered = sorted(ids)
    return [
        (f"{sql} IN ({', '.join('?' for _ in chunk)})", (owner, *chunk))
        for chunk in (ordered[i : i + _IN] for i in range(0, len(ordered), _IN))
    ]


def _strength_sql() -> str:
    """A tie's recorded strength, or the default for its source (the same rule as the core)."""
    cases = " ".join(
        f"WHEN '{source.value}' THEN {default_strength(source, None)!r}" for source in TieSource
    )
    otherwise = default_strength(TieSource.MANUAL, None)
    return f"COALESCE(strength, CASE source {cases} ELSE {otherwise!r} END)"


def _month_sql(dialect: str, column: str) -> str:
    """COLUMN (a date) as a count of months, year × 12 + month, on either backend."""
    if dialect == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {column}) * 12 + EXTRACT(MONTH FROM {column}) AS INTEGER)"
    # SQLite keeps dates as ISO text: slicing it is four times faster than strftime.
    year, month = (f"CAST(substr({column}, {at}) AS INTEGER)" for at in ("1, 4", "6, 2"))
    return f"({year} * 12 + {month})"


def month_of(day: dt.date) -> int:
    """DAY as a count of months, year × 12 + month (as the SQL of _month_sql)."""
    return day.year * 12 + day.month


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
    heard = _month_sql(connection.dialect.name, "COALESCE(last_seen, since)")
    sql = (
        f"SELECT person_a_id, person_b_id, {_strength_sql()}, {heard} FROM ties "
        "WHERE owner_id = ? AND person_a_id <> ? AND person_b_id <> ?"
    )
    params: tuple[Any, ...] = (
        owner,
        -1 if me_id is None else me_id,
        -1 if me_id is None else me_id,
    )
    if above is not None:
        sql, params = f"{sql} AND id > ?", (*params, above)
    for rows in raw_rows(connection, sql, params):
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
    ordered = sorted(pairs)
    t = s.Tie
    for start in range(0, len(ordered), _IN):
        chunk = ordered[start : start + _IN]
        rows = session.execute(
            select(t.person_a_id, t.person_b_id, t.strength, t.source, t.last_seen, t.since).where(
                t.owner_id == owner, tuple_(t.person_a_id, t.person_b_id).in_(chunk)
            )
        )
        for a, b, strength, source, last_seen, since in rows:
            heard = last_seen or since
            found[a, b] = (
                default_strength(TieSource(source), strength),
                math.nan if heard is None else float(month_of(heard)),
            )
    return found


def top_tie_ids(session: Session, owner: int) -> list[int]:
    """The highest TOP_TIES tie ids (all of them when there are fewer), highest first: a
    later snapshot finds new ties above the highest of them that is untouched since."""
    return list(
        session.scalars(
            select(s.Tie.id)
            .where(s.Tie.owner_id == owner)
            .order_by(s.Tie.id.desc())
            .limit(TOP_TIES)
        )
    )


def raw_rows(connection: Connection, sql: str, params: tuple[Any, ...]) -> Iterator[list[Any]]:
    """Rows in chunks straight from the driver (a server-side cursor on PostgreSQL)."""
    raw = connection.connection.driver_connection
    assert raw is not None
    postgres = connection.dialect.name == "postgresql"
    cursor = raw.cursor(name="whoknows_snapshot") if postgres else raw.cursor()
    try:
        cursor.execute(sql.replace("?", "%s") if postgres else sql, params)
        while True:
            rows = cursor.fetchmany(_CHUNK)
            if not rows:
                break
            yield rows
    finally:
        cursor.close()


@dataclass(frozen=True)
class MyTies:
    """My own ties, scored from what happened between us; with the words that explain each."""

    others: npt.NDArray[np.int64]
    strengths: npt.NDArray[np.float64]
    explanations: dict[int, str]  # person id → plain explanation


def _day(value: object) -> dt.date:
    """A date read raw from the database: a date on PostgreSQL, ISO text on SQLite."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def my_ties(session: Session, owner: int, me_id: int | None, day: dt.date) -> MyTies:
    """My ties, scored from the interaction history and what we exchanged (the ledger); the
    recorded strength, or a default by source, when neither is known."""
    if me_id is None:
        return MyTies(np.zeros(0, np.int64), np.zeros(0), {})
    # Two queries, not one with OR: each side has its index (an OR scanned all ties).
    t = s.Tie
    columns = (t.person_a_id, t.person_b_id, t.strength, t.source, t.since, t.last_seen)
    ties = [
        *session.execute(
            select(*columns).where(s.Tie.owner_id == owner, s.Tie.person_a_id == me_id)
        ),
        *session.execute(
            select(*columns).where(s.Tie.owner_id == owner, s.Tie.person_b_id == me_id)
        ),
    ]
    rows = session.execute(
        select(
            s.Interaction.id, s.InteractionPerson.person_id, s.Interaction.kind, s.Interaction.date
        )
        .join(s.InteractionPerson, s.InteractionPerson.interaction_id == s.Interaction.id)
        .where(s.Interaction.owner_id == owner)
    ).all()
    # Everyone in interaction_people is someone other than me: the group size of a contact.
    counts = Counter(row[0] for row in rows)
    contacts: dict[int, list[Contact]] = {}
    for interaction_id, person_id, kind, date in rows:
        contacts.setdefault(person_id, []).append(
            Contact(date, InteractionKind(kind), counts[interaction_id])
        )
    services = ledger.services_by_person(session, owner, me_id)
    # The ratings of the people I know, where given: not a dict over every person.
    ratings: dict[int, int] = {}
    for sql, params in _in_chunks(
        "SELECT id, trust FROM people WHERE owner_id = ? AND trust IS NOT NULL AND id",
        owner,
        {b if a == me_id else a for a, b, *_rest in ties},
    ):
        for rows_ in raw_rows(session.connection(), sql, params):
            ratings.update(rows_)
    # When we first met (a LinkedIn connection's date, an import's first meeting): how long
    # I have known them runs from the earliest evidence, not from our first logged contact.
    met: dict[int, dt.date] = {}
    for sql, params in _in_chunks(
        "SELECT id, met_on FROM people WHERE owner_id = ? AND met_on IS NOT NULL AND id",
        owner,
        {b if a == me_id else a for a, b, *_rest in ties},
    ):
        for rows_ in raw_rows(session.connection(), sql, params):
            met.update((pid, _day(on)) for pid, on in rows_)
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
