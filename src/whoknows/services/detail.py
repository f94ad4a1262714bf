"""Everything known about one person: ties, interactions, events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select

from whoknows.core import models
from whoknows.services import refs, views
from whoknows.services.network import tie_model
from whoknows.services.store import Store
from whoknows.storage import schema as s


@dataclass(frozen=True)
class TieLine:
    other_id: int
    other_name: str
    tie: models.Tie


@dataclass(frozen=True)
class InteractionLine:
    id: int
    kind: str
    date: dt.date
    note: str | None
    with_people: tuple[str, ...]


@dataclass(frozen=True)
class PersonDetail:
    person: models.Person
    ties: list[TieLine]
    interactions: list[InteractionLine]
    events: list[tuple[int, str, dt.date, bool]]
    ties_total: int


def person_detail(store: Store, ref: str, *, max_ties: int = 200) -> PersonDetail:
    with store.read() as session:
        row = refs.person(session, store.owner_id, ref)
        tie_rows = session.scalars(
            select(s.Tie)
            .where(or_(s.Tie.person_a_id == row.id, s.Tie.person_b_id == row.id))
            .order_by(s.Tie.strength.desc().nulls_last(), s.Tie.id)
        ).all()
        others = {
            t.person_b_id if t.person_a_id == row.id else t.person_a_id for t in tie_rows[:max_ties]
        }
        names = dict(
            session.execute(select(s.Person.id, s.Person.name).where(s.Person.id.in_(others))).all()
        )
        ties = []
        for tie in tie_rows[:max_ties]:
            other = tie.person_b_id if tie.person_a_id == row.id else tie.person_a_id
            ties.append(TieLine(other, names.get(other, "?"), tie_model(tie)))
        interaction_rows = session.scalars(
            select(s.Interaction)
            .join(s.InteractionPerson, s.InteractionPerson.interaction_id == s.Interaction.id)
            .where(s.InteractionPerson.person_id == row.id)
            .order_by(s.Interaction.date.desc(), s.Interaction.id.desc())
        ).all()
        members: dict[int, list[str]] = {}
        if interaction_rows:
            for interaction_id, name in session.execute(
                select(s.InteractionPerson.interaction_id, s.Person.name)
                .join(s.Person, s.Person.id == s.InteractionPerson.person_id)
                .where(s.InteractionPerson.interaction_id.in_([i.id for i in interaction_rows]))
                .where(s.InteractionPerson.person_id != row.id)
            ):
                members.setdefault(interaction_id, []).append(name)
        interactions = [
            InteractionLine(i.id, i.kind, i.date, i.note, tuple(members.get(i.id, [])))
            for i in interaction_rows
        ]
        events = [
            (e.id, e.name, e.date, a.gets_it)
            for e, a in session.execute(
                select(s.Event, s.EventAttendee)
                .join(s.EventAttendee, s.EventAttendee.event_id == s.Event.id)
                .where(s.EventAttendee.person_id == row.id)
                .order_by(s.Event.date.desc())
            )
        ]
        return PersonDetail(views.person(row), ties, interactions, events, len(tie_rows))
