"""Networking events: add one, capture the people met there, show it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from whoknows.core import models
from whoknows.core.capture import CapturedPerson, parse_capture
from whoknows.errors import Ambiguous, NotFound, UserError
from whoknows.services import refs, validate, views
from whoknows.services.network import record_interaction
from whoknows.services.people import PersonInput, create_person, update_person
from whoknows.services.store import Store
from whoknows.storage import schema as s

MAX_CHOICES = 50  # people of one name offered to choose from


def add_event(
    store: Store, name: str, on: dt.date, *, place: str | None = None, note: str | None = None
) -> models.Event:
    checked = validate.name(name, "event name")
    with store.write() as session:
        row = s.Event(
            owner_id=store.owner_id,
            name=checked,
            date=on,
            place=validate.line(place, "place"),
            note=validate.text(note, "note"),
        )
        session.add(row)
        session.flush()
        return models.Event(id=row.id, name=row.name, date=row.date, place=row.place, note=row.note)


@dataclass(frozen=True)
class MetResult:
    event: models.Event
    people: list[models.Person]
    created: list[int]


NEW: Final = "new"  # the choice "someone new", whoever else has that name
Choice = int | Literal["new"]


def met(
    store: Store,
    event_ref: str,
    captures: Sequence[str | CapturedPerson],
    *,
    giver: bool = False,
    choice: Choice | None = None,
    confirm: bool = False,
) -> MetResult:
    """Record the people met at an event, creating those who are new, in one transaction.

    Each capture is a reference to someone known (id, email, name), a capture line
    "Name <email> @Org / Role", or the same parts already apart (a form's fields, which may
    hold any character). With CONFIRM, a name that someone known
    already has is never attached by itself: Ambiguous lists them (`.choices`) and the caller
    answers with CHOICE, a person's id ("this one": attached, and what was typed fills in) or
    NEW ("someone new"). CHOICE takes one capture.
    """
    if not captures:
        raise UserError("whom did you meet?", hint='whoknows event met EVENT "Name <email> @Org"')
    if choice is not None and len(captures) != 1:
        raise UserError("a choice answers one capture at a time", hint="capture them one by one")
    with store.write() as session:
        event = refs.event(session, store.owner_id, event_ref)
        people: list[s.Person] = []
        created: list[int] = []
        for given in captures:
            captured = parse_capture(given) if isinstance(given, str) else given
            text = given if isinstance(given, str) else captured.name
            if choice is not None:
                person, is_new = _chosen(session, store, captured, text, choice)
            else:
                person, is_new = _find_or_create(session, store, captured, text, confirm=confirm)
            if is_new:
                created.append(person.id)
            people.append(person)
        for person in dict.fromkeys(people):
            _attend(session, store, event, person, giver=giver)
        session.flush()
        return MetResult(
            _event_model(session, event), [views.person(p) for p in dict.fromkeys(people)], created
        )


def _chosen(
    session: Session, store: Store, captured: CapturedPerson, text: str, choice: Choice
) -> tuple[s.Person, bool]:
    """The person the user picked among the candidates, or someone new."""
    if choice == NEW:
        if not captured.name:
            raise UserError(f"{text!r} gives no name", hint="type their name")
        return _create(session, store, captured), True
    person = refs.person(session, store.owner_id, f"#{choice}")
    _fill_in(session, store, person, captured)
    return person, False


def _create(session: Session, store: Store, captured: CapturedPerson) -> s.Person:
    return create_person(
        session,
        store,
        PersonInput(
            name=captured.name,
            emails=[captured.email] if captured.email else [],
            organization=captured.organization,
            role=captured.role,
        ),
    )


def _confirm(captured: CapturedPerson, same_name: Sequence[s.Person]) -> Ambiguous:
    """The question to ask before attaching CAPTURED to someone who has the same name."""
    many = len(same_name) > 1
    return Ambiguous(
        "person",
        captured.name,
        [f"#{p.id} {p.name}" for p in same_name],
        choices=[refs.candidate(p) for p in same_name],
        message=(
            f"{len(same_name)} people you know are called {captured.name}"
            if many
            else f"you already know someone called {captured.name}"
        ),
        hint="choose who you met, or add them as someone new",
    )


def _find_or_create(
    session: Session, store: Store, captured: CapturedPerson, text: str, *, confirm: bool
) -> tuple[s.Person, bool]:
    if captured.email:
        address = validate.email(captured.email)
        try:
            found = refs.person(session, store.owner_id, address)
        except NotFound:
            found = None
        if found is not None:
            _fill_in(session, store, found, captured)
            return found, False
    elif captured.name and captured.organization is None and captured.role is None:
        # A plain reference ("Dana", "#12") may name someone already known.
        try:
            found = refs.person(session, store.owner_id, text)
        except NotFound:
            found = None
        if found is not None:
            if confirm and not text.strip().startswith("#") and text.strip().casefold() != "me":
                raise _confirm(captured, [found])
            return found, False
    if not captured.name:
        raise UserError(f"{text!r} gives no name", hint='write it as "Name <email> @Org / Role"')
    key = refs.name_key(captured.name)
    same_name = session.scalars(
        select(s.Person)
        .where(s.Person.owner_id == store.owner_id, s.Person.name_key == key)
        .order_by(s.Person.id)
        .limit(MAX_CHOICES + 1)
    ).all()
    if confirm and same_name:
        raise _confirm(captured, same_name)
    if len(same_name) == 1 and not captured.email:
        _fill_in(session, store, same_name[0], captured)
        return same_name[0], False
    if len(same_name) > 1 and not captured.email:
        raise Ambiguous(
            "person",
            captured.name,
            [f"#{p.id} {p.name}" for p in same_name],
            choices=[refs.candidate(p) for p in same_name],
        )
    return _create(session, store, captured), True


def _fill_in(session: Session, store: Store, person: s.Person, captured: CapturedPerson) -> None:
    """What the capture adds to someone known: organization and role when they had none."""
    from whoknows.services.organizations import get_or_create_org

    if captured.organization and person.organization is None:
        person.organization = get_or_create_org(session, store, captured.organization)
    if captured.role and not person.role:
        person.role = validate.line(captured.role, "role")
    if captured.email:
        update_person(session, store, person, PersonInput(emails=[captured.email]))


def problems(captured: CapturedPerson) -> dict[str, str]:
    """What is wrong with each part of a capture, by field (empty when nothing is): checked
    before anything is written, so a form can show each reason next to its field."""
    checks: dict[str, Callable[[], object]] = {
        "name": lambda: validate.name(captured.name, "name"),
        "email": lambda: captured.email and validate.email(captured.email),
        "organization": lambda: (
            captured.organization and validate.name(captured.organization, "organization")
        ),
        "role": lambda: validate.line(captured.role, "role"),
    }
    found: dict[str, str] = {}
    for field, check in checks.items():
        try:
            check()
        except UserError as exc:
            found[field] = str(exc)
    return found


def mark(store: Store, event_ref: str, person_id: int, *, gets_it: bool) -> models.Event:
    """Change the "gets Give to Get" mark of someone met at an event."""
    with store.write() as session:
        event = refs.event(session, store.owner_id, event_ref)
        attendee = session.get(s.EventAttendee, (event.id, person_id))
        if attendee is None or attendee.owner_id != store.owner_id:
            raise NotFound(
                f"#{person_id} was not met at {event.name}", hint="capture them there first"
            )
        attendee.gets_it = gets_it
        session.flush()
        return _event_model(session, event)


def _attend(
    session: Session, store: Store, event: s.Event, person: s.Person, *, giver: bool
) -> None:
    attendee = session.get(s.EventAttendee, (event.id, person.id))
    if attendee is None:
        session.add(
            s.EventAttendee(
                owner_id=store.owner_id, event_id=event.id, person_id=person.id, gets_it=giver
            )
        )
        record_interaction(
            session,
            store,
            models.InteractionKind.EVENT,
            [person],
            on=event.date,
            event_id=event.id,
            where=event.name,
        )
    elif giver:
        attendee.gets_it = True


def _event_model(session: Session, event: s.Event) -> models.Event:
    rows = session.execute(
        select(s.EventAttendee, s.Person)
        .join(s.Person, s.Person.id == s.EventAttendee.person_id)
        .where(s.EventAttendee.event_id == event.id)
        .order_by(s.EventAttendee.gets_it.desc(), s.Person.name_key)
    ).all()
    attendees = tuple(
        models.Attendee(person_id=p.id, name=p.name, gets_it=a.gets_it) for a, p in rows
    )
    return models.Event(
        id=event.id,
        name=event.name,
        date=event.date,
        place=event.place,
        note=event.note,
        attendees=attendees,
    )


def show_event(store: Store, ref: str) -> models.Event:
    with store.read() as session:
        return _event_model(session, refs.event(session, store.owner_id, ref))


def list_events(store: Store) -> list[models.Event]:
    with store.read() as session:
        rows = session.scalars(
            select(s.Event).where(s.Event.owner_id == store.owner_id).order_by(s.Event.date.desc())
        )
        events = list(rows)
        # Every attendee of every event in one query (not one query per event).
        found: dict[int, list[models.Attendee]] = {e.id: [] for e in events}
        if events:
            attendees = session.execute(
                select(
                    s.EventAttendee.event_id, s.Person.id, s.Person.name, s.EventAttendee.gets_it
                )
                .join(s.Person, s.Person.id == s.EventAttendee.person_id)
                .where(s.EventAttendee.owner_id == store.owner_id)
                .order_by(s.EventAttendee.gets_it.desc(), s.Person.name_key)
            )
            for event_id, person_id, name, gets_it in attendees:
                if event_id in found:
                    found[event_id].append(
                        models.Attendee(person_id=person_id, name=name, gets_it=gets_it)
                    )
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
