"""The rows a graph snapshot is read from: people and their tags, others' ties with what ageing
them needs, my ties, my contacts, the ratings and first meetings of the people I know.

Everything here runs inside the caller's read transaction, so one snapshot sees one state.
Large reads stream from the driver (a server-side cursor on PostgreSQL) in chunks of rows the
caller turns into arrays at once (services/snapshot_rows.py): no Python object per tie is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from typing import Any

from sqlalchemy import Connection, select, tuple_
from sqlalchemy.orm import Session

from whoknows.core.models import TieSource
from whoknows.core.tiestrength import default_strength
from whoknows.storage import schema as s

_CHUNK = 50_000  # rows fetched at a time: their Python objects live only this long
_IN = 5_000  # ids per IN (…) list: well under every backend's limit on parameters
TOP_TIES = 256  # tie ids a snapshot remembers, to tell new ties from those it has

_PEOPLE_SQL = (
    "SELECT p.id, COALESCE(p.industry, o.industry), p.role, COALESCE(p.city, o.city), "
    "COALESCE(o.size, -1), COALESCE(p.organization_id, -1), COALESCE(p.trust, 0), p.serves "
    "FROM people p LEFT JOIN organizations o ON o.id = p.organization_id WHERE p.owner_id = ?"
)
_TAGS_SQL = "SELECT person_id, tag FROM person_tags WHERE owner_id = ?"


def people(
    connection: Connection,
    owner: int,
    *,
    above: int | None = None,
    ids: Collection[int] = (),
    organizations: Collection[int] = (),
) -> Iterator[list[Any]]:
    """Chunks of people's rows (id, industry, role, city, organization's size or -1, its id
    or -1, trust or 0, whom they serve): everyone when no filter is given, or those with an id
    above ABOVE, in IDS, or at ORGANIZATIONS (a person may come twice)."""
    everyone = above is None and not ids and not organizations
    queries: list[tuple[str, tuple[Any, ...]]] = [(_PEOPLE_SQL, (owner,))] if everyone else []
    if above is not None:
        queries.append((f"{_PEOPLE_SQL} AND p.id > ?", (owner, above)))
    queries += _in_chunks(f"{_PEOPLE_SQL} AND p.id", owner, ids)
    queries += _in_chunks(f"{_PEOPLE_SQL} AND p.organization_id", owner, organizations)
    for sql, params in queries:
        yield from raw_rows(connection, sql, params)


def tags(
    connection: Connection,
    owner: int,
    *,
    everyone: bool,
    above: int | None = None,
    ids: Collection[int] = (),
) -> Iterator[list[Any]]:
    """Chunks of (person id, tag): EVERYONE's, or those of the people with an id above ABOVE
    and of IDS."""
    queries: list[tuple[str, tuple[Any, ...]]] = [(_TAGS_SQL, (owner,))] if everyone else []
    if above is not None:
        queries.append((f"{_TAGS_SQL} AND person_id > ?", (owner, above)))
    if not everyone:
        queries += _in_chunks(f"{_TAGS_SQL} AND person_id", owner, ids)
    for sql, params in queries:
        yield from raw_rows(connection, sql, params)


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


def others_ties(
    connection: Connection, owner: int, me_id: int | None, *, above: int | None = None
) -> Iterator[list[Any]]:
    """Chunks of ties between other people (a, b, strength as recorded or by source, month
    last heard of or NULL), all or those with an id above ABOVE."""
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
    yield from raw_rows(connection, sql, params)


_TieRow = tuple[int, int, float | None, str, dt.date | None, dt.date | None]


def ties_between(
    session: Session, owner: int, pairs: Collection[tuple[int, int]]
) -> Iterator[_TieRow]:
    """The ties of these pairs (low id first) that still exist: a, b, strength, source,
    last seen, since."""
    ordered = sorted(pairs)
    t = s.Tie
    for start in range(0, len(ordered), _IN):
        chunk = ordered[start : start + _IN]
        rows = session.execute(
            select(t.person_a_id, t.person_b_id, t.strength, t.source, t.last_seen, t.since).where(
                t.owner_id == owner, tuple_(t.person_a_id, t.person_b_id).in_(chunk)
            )
        )
        yield from rows


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


def my_ties(session: Session, owner: int, me_id: int) -> list[_TieRow]:
    """My ties: a, b, strength, source, since, last seen."""
    # Two queries, not one with OR: each side has its index (an OR scanned all ties).
    t = s.Tie
    columns = (t.person_a_id, t.person_b_id, t.strength, t.source, t.since, t.last_seen)
    return [
        (a, b, strength, source, since, last_seen)
        for side in (t.person_a_id, t.person_b_id)
        for a, b, strength, source, since, last_seen in session.execute(
            select(*columns).where(t.owner_id == owner, side == me_id)
        )
    ]


def contacts(session: Session, owner: int) -> list[tuple[int, int, str, dt.date]]:
    """Every interaction's people: interaction id, person id, kind, date."""
    i, ip = s.Interaction, s.InteractionPerson
    rows = session.execute(
        select(i.id, ip.person_id, i.kind, i.date)
        .join(ip, ip.interaction_id == i.id)
        .where(i.owner_id == owner)
    )
    return [(interaction, person, kind, date) for interaction, person, kind, date in rows]


def ratings(session: Session, owner: int, ids: Collection[int]) -> dict[int, int]:
    """The trust ratings of the people of IDS who have one."""
    found: dict[int, int] = {}
    for sql, params in _in_chunks(
        "SELECT id, trust FROM people WHERE owner_id = ? AND trust IS NOT NULL AND id", owner, ids
    ):
        for rows in raw_rows(session.connection(), sql, params):
            found.update(rows)
    return found


def met_on(session: Session, owner: int, ids: Collection[int]) -> dict[int, dt.date]:
    """When we first met, for the people of IDS whose day is known."""
    found: dict[int, dt.date] = {}
    for sql, params in _in_chunks(
        "SELECT id, met_on FROM people WHERE owner_id = ? AND met_on IS NOT NULL AND id", owner, ids
    ):
        for rows in raw_rows(session.connection(), sql, params):
            found.update((pid, _day(on)) for pid, on in rows)
    return found


def _day(value: object) -> dt.date:
    """A date read raw from the database: a date on PostgreSQL, ISO text on SQLite."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
