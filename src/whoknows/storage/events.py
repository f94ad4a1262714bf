"""Events' rows and the people met there: written, read newest first, and the one
row → models.Event mapping (attendees read for many events at once)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from whoknows.core import models
from whoknows.storage import schema as s

_CHUNK = 500  # events per IN (...) list


def add(session: Session, owner_id: int, **values: object) -> s.Event:
    row = s.Event(owner_id=owner_id, **values)
    session.add(row)
    session.flush()
    return row


def get(session: Session, owner_id: int, event_id: int) -> s.Event | None:
    found = session.get(s.Event, event_id)
    return found if found is not None and found.owner_id == owner_id else None


def attendee(
    session: Session, owner_id: int, event_id: int, person_id: int
) -> s.EventAttendee | None:
    found = session.get(s.EventAttendee, (event_id, person_id))
    return found if found is not None and found.owner_id == owner_id else None


def add_attendee(
    session: Session, owner_id: int, event_id: int, person_id: int, *, gets_it: bool
) -> None:
    session.add(
        s.EventAttendee(owner_id=owner_id, event_id=event_id, person_id=person_id, gets_it=gets_it)
    )


def newest_first(owner_id: int) -> Select[s.Event]:
    e = s.Event
    return select(e).where(e.owner_id == owner_id).order_by(e.date.desc(), e.id.desc())


def matching(session: Session, query: Select[s.Event]) -> list[s.Event]:
    return list(session.scalars(query))


def with_attendees(session: Session, owner_id: int, events: list[s.Event]) -> list[models.Event]:
    """EVENTS with their attendees (those who get Give to Get first, then by name), read in
    a query per 500 events (not one per event)."""
    session.flush()  # attendees just added in this transaction are read back
    found: dict[int, list[models.Attendee]] = {e.id: [] for e in events}
    ids = list(found)
    a, p = s.EventAttendee, s.Person
    for start in range(0, len(ids), _CHUNK):
        attendees = session.execute(
            select(a.event_id, p.id, p.name, a.gets_it)
            .join(p, p.id == a.person_id)
            .where(a.owner_id == owner_id, a.event_id.in_(ids[start : start + _CHUNK]))
            .order_by(a.gets_it.desc(), p.name_key)
        )
        for event_id, person_id, name, gets_it in attendees:
            found[event_id].append(models.Attendee(person_id=person_id, name=name, gets_it=gets_it))
    return [
        models.Event(
            id=e.id,
            name=e.name,
            date=e.date,
            place=e.place,
            note=e.note,
            attendees=tuple(found[e.id]),
        )
        for e in events
    ]


def attended_by(session: Session, person_id: int) -> list[tuple[int, str, dt.date, bool]]:
    """The events a person was met at, newest first: id, name, date, whether they get it."""
    e, a = s.Event, s.EventAttendee
    query = select(e, a).join(a, a.event_id == e.id).where(a.person_id == person_id)
    rows = session.execute(query.order_by(e.date.desc()))
    return [(event.id, event.name, event.date, attendee.gets_it) for event, attendee in rows]


def first_attended(session: Session, owner_id: int, person_id: int) -> tuple[str, dt.date] | None:
    """The first event a person was met at: its name and date."""
    e, a = s.Event, s.EventAttendee
    found = session.execute(
        select(e.name, e.date)
        .join(a, a.event_id == e.id)
        .where(a.owner_id == owner_id, a.person_id == person_id)
        .order_by(e.date)
        .limit(1)
    ).first()
    return (found[0], found[1]) if found is not None else None


def met_at(
    session: Session, owner_id: int, event_id: int
) -> list[tuple[s.EventAttendee, s.Person]]:
    """The people met at EVENT_ID with their attendance: who gets Give to Get first, then
    by name."""
    a, p = s.EventAttendee, s.Person
    rows = session.execute(
        select(a, p)
        .join(p, p.id == a.person_id)
        .where(a.event_id == event_id, a.owner_id == owner_id)
        .order_by(a.gets_it.desc(), p.name_key, p.id)
    )
    return [(attendee, person) for attendee, person in rows]


def followed_up_since(
    session: Session, owner_id: int, day: dt.date, ids: Sequence[int]
) -> set[int]:
    """Those of IDS with something other than an event meeting logged on DAY or after."""
    if not ids:
        return set()
    ip, i = s.InteractionPerson, s.Interaction
    rows = session.scalars(
        select(ip.person_id)
        .join(i, i.id == ip.interaction_id)
        .where(
            ip.owner_id == owner_id,
            ip.person_id.in_(ids),
            i.date >= day,
            i.kind != models.InteractionKind.EVENT.value,
        )
    )
    return set(rows)
