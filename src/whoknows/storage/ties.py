"""Ties' rows (one per pair of people, the lower id first) and the interactions with me that
make them: read, claimed for an update, written, and a row → models.Tie mapping."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from whoknows.core import models
from whoknows.core.tiestrength import Contact
from whoknows.storage import schema as s
from whoknows.storage.upsert import insert_missing


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def tie(session: Session, owner_id: int, a: int, b: int) -> s.Tie | None:
    """The tie between A and B, if there is one."""
    low, high = _pair(a, b)
    t = s.Tie
    return session.scalar(
        select(t).where(t.owner_id == owner_id, t.person_a_id == low, t.person_b_id == high)
    )


def people_tied_to(session: Session, owner_id: int, person_id: int) -> list[s.Person]:
    """The people with a tie to PERSON_ID, by id."""
    t = s.Tie
    known = (
        select(t.person_b_id.label("pid"))
        .where(t.owner_id == owner_id, t.person_a_id == person_id)
        .union(select(t.person_a_id).where(t.owner_id == owner_id, t.person_b_id == person_id))
        .subquery()
    )
    query = select(s.Person).join(known, known.c.pid == s.Person.id).order_by(s.Person.id)
    return list(session.scalars(query))


def claim(
    session: Session,
    owner_id: int,
    a: int,
    b: int,
    *,
    source: models.TieSource,
    on: dt.date | None,
    strength: float | None,
) -> s.Tie:
    """The tie between A and B, made (with SOURCE, ON, STRENGTH) when new (an upsert: no race),
    and locked until commit (PostgreSQL), so a concurrent sighting updates it after this one."""
    low, high = _pair(a, b)
    new = {
        "owner_id": owner_id,
        "person_a_id": low,
        "person_b_id": high,
        "source": source.value,
        "since": on,
        "last_seen": on,
        "strength": strength,
    }
    insert_missing(session, s.Tie, [new], ["owner_id", "person_a_id", "person_b_id"])
    t = s.Tie
    return session.scalars(
        select(t)
        .where(t.owner_id == owner_id, t.person_a_id == low, t.person_b_id == high)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def model(row: s.Tie) -> models.Tie:
    return models.Tie(
        a=row.person_a_id,
        b=row.person_b_id,
        strength=row.strength,
        source=models.TieSource(row.source),
        since=row.since,
        last_seen=row.last_seen,
    )


def add_interaction(
    session: Session, owner_id: int, people: Iterable[int], **values: object
) -> s.Interaction:
    """An interaction of mine with PEOPLE (ids), flushed (it has its id)."""
    row = s.Interaction(owner_id=owner_id, **values)
    session.add(row)
    session.flush()
    for person_id in people:
        session.add(
            s.InteractionPerson(owner_id=owner_id, interaction_id=row.id, person_id=person_id)
        )
    return row


def contacts(session: Session, owner_id: int, person_id: int, today: dt.date) -> list[Contact]:
    """My interactions with a person up to TODAY, each with how many people were in it."""
    i, ip = s.Interaction, s.InteractionPerson
    mine = (
        select(i.id, i.kind, i.date)
        .join(ip, ip.interaction_id == i.id)
        .where(i.owner_id == owner_id, ip.person_id == person_id, i.date <= today)
    ).subquery()
    rows = session.execute(
        select(mine.c.id, mine.c.kind, mine.c.date, func.count(ip.person_id))
        .join(ip, ip.interaction_id == mine.c.id)
        .group_by(mine.c.id, mine.c.kind, mine.c.date)
    ).all()
    return [Contact(date, models.InteractionKind(kind), max(1, n)) for _, kind, date, n in rows]


def of_person(session: Session, person_id: int) -> list[s.Tie]:
    """Every tie of a person."""
    t = s.Tie
    return list(
        session.scalars(
            select(t).where(or_(t.person_a_id == person_id, t.person_b_id == person_id))
        )
    )


def kinds_with_me(session: Session, owner_id: int, peers: list[int]) -> dict[int, Counter[str]]:
    """Per person of PEERS, how many interactions of each kind they had with me."""
    found: dict[int, Counter[str]] = {}
    ip, i = s.InteractionPerson, s.Interaction
    for start in range(0, len(peers), 500):
        for pid, kind, n in session.execute(
            select(ip.person_id, i.kind, func.count())
            .join(i, i.id == ip.interaction_id)
            .where(ip.owner_id == owner_id, ip.person_id.in_(peers[start : start + 500]))
            .group_by(ip.person_id, i.kind)
        ):
            found.setdefault(pid, Counter())[kind] = int(n)
    return found


def interactions_of(session: Session, person_id: int) -> list[tuple[s.Interaction, list[str]]]:
    """A person's interactions, newest first, each with the names of the others in it."""
    i, ip = s.Interaction, s.InteractionPerson
    rows = session.scalars(
        select(i)
        .join(ip, ip.interaction_id == i.id)
        .where(ip.person_id == person_id)
        .order_by(i.date.desc(), i.id.desc())
    ).all()
    others: dict[int, list[str]] = {}
    if rows:
        for interaction_id, name in session.execute(
            select(ip.interaction_id, s.Person.name)
            .join(s.Person, s.Person.id == ip.person_id)
            .where(ip.interaction_id.in_([row.id for row in rows]))
            .where(ip.person_id != person_id)
        ):
            others.setdefault(interaction_id, []).append(name)
    return [(row, others.get(row.id, [])) for row in rows]


def touches(
    session: Session, owner_id: int, person_id: int
) -> list[tuple[dt.date, str, str | None]]:
    """A person's interactions with me, newest first: date, kind, note."""
    i, ip = s.Interaction, s.InteractionPerson
    rows = session.execute(
        select(i.date, i.kind, i.note)
        .join(ip, ip.interaction_id == i.id)
        .where(ip.owner_id == owner_id, ip.person_id == person_id)
        .order_by(i.date.desc(), i.id.desc())
    )
    return [(date, kind, note) for date, kind, note in rows]
