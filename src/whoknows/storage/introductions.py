"""Introductions' rows: every query of them, and the one row → IntroView mapping."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from whoknows.core.models import PersonRef
from whoknows.storage import schema as s

STATES = ("proposed", "asked", "accepted", "made", "declined")
OPEN_STATES = ("proposed", "asked", "accepted")
OUTCOMES = ("good", "neutral", "bad")


@dataclass(frozen=True)
class IntroView:
    id: int
    a: PersonRef
    b: PersonRef
    why: str | None
    state: str
    a_accepted: bool
    b_accepted: bool
    proposed_on: dt.date
    asked_on: dt.date | None
    made_on: dt.date | None
    declined_on: dt.date | None
    outcome: str | None
    outcome_note: str | None
    outcome_on: dt.date | None
    forced: bool
    warnings: list[str]  # the guard's reasons, kept when it was overridden with --force
    introducer: PersonRef | None = None  # who makes it, when not me (an introduction I asked for)


_Names = dict[int, tuple[str, bool]]  # a person's id: their name, whether they are me


def _names(session: Session, rows: Sequence[s.Introduction]) -> _Names:
    """The names of the people of ROWS in one query (not a person read, with their emails,
    phones and tags, per side)."""
    ids = {row.a_id for row in rows} | {row.b_id for row in rows}
    ids |= {row.introducer_id for row in rows}
    if not ids:
        return {}
    found = session.execute(
        select(s.Person.id, s.Person.name, s.Person.is_me).where(s.Person.id.in_(ids))
    )
    return {pid: (name, bool(is_me)) for pid, name, is_me in found}


def view(session: Session, row: s.Introduction, names: _Names | None = None) -> IntroView:
    """ROW as shown, its people named (NAMES: read for many rows at once)."""
    names = _names(session, [row]) if names is None else names
    maker = names.get(row.introducer_id)
    return IntroView(
        id=row.id,
        a=PersonRef(row.a_id, names.get(row.a_id, (f"#{row.a_id}", False))[0]),
        b=PersonRef(row.b_id, names.get(row.b_id, (f"#{row.b_id}", False))[0]),
        why=row.why,
        state=row.state,
        a_accepted=row.a_accepted,
        b_accepted=row.b_accepted,
        proposed_on=row.proposed_on,
        asked_on=row.asked_on,
        made_on=row.made_on,
        declined_on=row.declined_on,
        outcome=row.outcome,
        outcome_note=row.outcome_note,
        outcome_on=row.outcome_on,
        forced=row.forced,
        warnings=row.warnings.splitlines() if row.warnings else [],
        introducer=None if maker is None or maker[1] else PersonRef(row.introducer_id, maker[0]),
    )


def views(session: Session, rows: Sequence[s.Introduction]) -> list[IntroView]:
    names = _names(session, rows)
    return [view(session, row, names) for row in rows]


def get(session: Session, owner_id: int, intro_id: int) -> s.Introduction | None:
    row = session.get(s.Introduction, intro_id)
    return row if row is not None and row.owner_id == owner_id else None


def person(session: Session, person_id: int) -> s.Person:
    """One side (or the introducer) of an introduction: the row is there (a foreign key)."""
    found = session.get(s.Person, person_id)
    assert found is not None
    return found


def open_between(
    session: Session, owner_id: int, a_id: int, b_id: int, states: Sequence[str]
) -> s.Introduction | None:
    """An introduction of A and B, either way round, in one of STATES."""
    i = s.Introduction
    return session.scalar(
        select(i).where(
            i.owner_id == owner_id,
            i.state.in_(states),
            or_((i.a_id == a_id) & (i.b_id == b_id), (i.a_id == b_id) & (i.b_id == a_id)),
        )
    )


def add(session: Session, owner_id: int, **values: object) -> s.Introduction:
    row = s.Introduction(owner_id=owner_id, **values)
    session.add(row)
    session.flush()
    return row


def listing(owner_id: int, state: str | None, person: int | None = None) -> Select[s.Introduction]:
    """Introductions newest first; STATE keeps one state, PERSON (an id) those they are in or
    made (not the ones I made)."""
    i = s.Introduction
    query = select(i).where(i.owner_id == owner_id)
    if state is not None:
        query = query.where(i.state == state)
    if person is not None:
        mine = select(s.Person.id).where(s.Person.owner_id == owner_id, s.Person.is_me)
        made = and_(i.introducer_id == person, i.introducer_id.not_in(mine))
        query = query.where(or_(i.a_id == person, i.b_id == person, made))
    return query.order_by(i.id.desc())


def matching(session: Session, query: Select[s.Introduction]) -> list[s.Introduction]:
    return list(session.scalars(query).all())


def pairs(session: Session, owner_id: int, person_id: int | None = None) -> set[frozenset[int]]:
    """The pairs of people introduced (or proposed), any state; PERSON_ID: only theirs."""
    i = s.Introduction
    query = select(i.a_id, i.b_id).where(i.owner_id == owner_id)
    if person_id is not None:
        query = query.where((i.a_id == person_id) | (i.b_id == person_id))
    return {frozenset((a, b)) for a, b in session.execute(query)}


def good_ones_made_by(
    session: Session, owner_id: int, introducer_id: int
) -> list[tuple[int, int, dt.date | None]]:
    """The introductions INTRODUCER_ID made that went well: both sides and when it was said."""
    i = s.Introduction
    query = select(i.a_id, i.b_id, i.outcome_on).where(
        i.owner_id == owner_id, i.introducer_id == introducer_id, i.outcome == "good"
    )
    return [(a, b, on) for a, b, on in session.execute(query)]


def bad_ones(
    session: Session, owner_id: int, person_id: int
) -> list[tuple[dt.date | None, str | None, str | None]]:
    """The introductions of a person that went badly: when, the other side's name, the note."""
    i = s.Introduction
    rows = session.scalars(
        select(i).where(
            i.owner_id == owner_id,
            i.outcome == "bad",
            or_(i.a_id == person_id, i.b_id == person_id),
        )
    ).all()
    found = []
    for row in rows:
        other = session.get(s.Person, row.b_id if row.a_id == person_id else row.a_id)
        found.append((row.outcome_on, other.name if other else None, row.outcome_note))
    return found


def waiting_on(
    session: Session, owner_id: int, person_id: int, states: Sequence[str]
) -> list[s.Introduction]:
    """A person's introductions (a side or the introducer) in one of STATES, or made with no
    outcome yet, oldest first."""
    i = s.Introduction
    return list(
        session.scalars(
            select(i)
            .where(i.owner_id == owner_id)
            .where(or_(i.a_id == person_id, i.b_id == person_id, i.introducer_id == person_id))
            .where(or_(i.state.in_(states), (i.state == "made") & i.outcome.is_(None)))
            .order_by(i.proposed_on, i.id)
        )
    )


def counts(session: Session, owner_id: int) -> Counter[str]:
    """How many introductions are in each state."""
    rows = session.execute(
        select(s.Introduction.state, func.count())
        .where(s.Introduction.owner_id == owner_id)
        .group_by(s.Introduction.state)
    ).all()
    return Counter({state: int(n) for state, n in rows})


def made_unreported(
    session: Session, owner_id: int, introducer_id: int, me_id: int
) -> list[s.Introduction]:
    """The introductions of me INTRODUCER_ID made that I have not told them the outcome of."""
    i = s.Introduction
    return list(
        session.scalars(
            select(i).where(
                i.owner_id == owner_id,
                i.introducer_id == introducer_id,
                i.state == "made",
                i.reported_on.is_(None),
                or_(i.a_id == me_id, i.b_id == me_id),
            )
        )
    )
