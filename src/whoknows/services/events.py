"""Networking events: add one, capture the people met there, show it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Literal

from whoknows.core import models
from whoknows.core.capture import CapturedPerson, parse_capture
from whoknows.errors import Hint, NotFound, UserError
from whoknows.services import paging, refs, validate, views
from whoknows.services.arrivals import Arrival, arrive, ask, create, fill_in
from whoknows.services.network import record_interaction
from whoknows.services.store import Store, per_version
from whoknows.storage import events as rows

if TYPE_CHECKING:
    from whoknows.storage import schema as s
    from whoknows.storage.unit import Session


def add_event(
    store: Store, name: str, on: dt.date, *, place: str | None = None, note: str | None = None
) -> models.Event:
    checked = validate.name(name, "event name")
    with store.write() as session:
        row = rows.add(
            session,
            store.owner_id,
            name=checked,
            date=on,
            place=validate.line(place, "place"),
            note=validate.text(note, "note"),
        )
        return models.Event(id=row.id, name=row.name, date=row.date, place=row.place, note=row.note)


@dataclass(frozen=True)
class MetResult:
    event: models.Event
    people: list[models.Person]
    created: list[int]
    # people a capture was taken to be, with why ("they share the email …")
    recognized: list[tuple[int, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        """The shape `event met --json` prints and POST /api/v1/events/{id}/met answers."""
        return {
            "event": views.as_json(self.event),
            "people": views.as_json(self.people),
            "created": self.created,
            "recognized": [{"id": i, "reason": r} for i, r in self.recognized],
        }


NEW: Final = "new"  # the choice "someone new", whoever else has that name
Choice = int | Literal["new"]


def met(
    store: Store,
    event_ref: str,
    captures: Sequence[str | CapturedPerson],
    *,
    giver: bool = False,
    new: bool = False,
    choice: Choice | None = None,
    confirm: bool = False,
) -> MetResult:
    """Record the people met at an event, creating those who are new, in one transaction.

    Each capture is a reference to someone known (id, email, name), a capture line
    "Name <email> @Org / Role", or the same parts already apart (a form's fields, which may
    hold any character). The identity engine says whether that is someone known
    (services.arrivals): a likely person is offered as a choice (Ambiguous, `.choices`),
    unless NEW says they are all new. With CONFIRM (the web's form), a name someone known
    has is never taken by itself: the caller answers with CHOICE, a person's id ("this one":
    attached, and what was typed fills in) or NEW ("someone new"), for one capture.
    """
    if not captures:
        raise UserError(
            "whom did you meet?",
            hint=Hint(
                cli='whoknows event met EVENT "Name <email> @Org"',
                web='type who you met, e.g. "Name <email> @Org"',
            ),
        )
    if choice is not None and len(captures) != 1:
        raise UserError("a choice answers one capture at a time", hint="capture them one by one")
    with store.write() as session:
        event = refs.event(session, store.owner_id, event_ref)
        people: list[s.Person] = []
        created: list[int] = []
        recognized: list[tuple[int, str]] = []
        for given in captures:
            captured = parse_capture(given) if isinstance(given, str) else given
            text = given if isinstance(given, str) else captured.name
            if choice is not None:
                arrival = _chosen(session, store, captured, text, choice)
            else:
                arrival = _arrival(session, store, captured, text, new=new, confirm=confirm)
            if arrival.created:
                created.append(arrival.person.id)
            elif arrival.reason:
                recognized.append((arrival.person.id, arrival.reason))
            people.append(arrival.person)
        for person in dict.fromkeys(people):
            _attend(session, store, event, person, giver=giver)
        session.flush()
        return MetResult(
            _event_model(session, store, event),
            [views.person(p) for p in dict.fromkeys(people)],
            created,
            recognized,
        )


def _chosen(
    session: Session, store: Store, captured: CapturedPerson, text: str, choice: Choice
) -> Arrival:
    """The person the user picked among the candidates, or someone new."""
    if choice == NEW:
        if not captured.name:
            raise UserError(f"{text!r} gives no name", hint="type their name")
        return Arrival(create(session, store, captured), True)
    person = refs.person(session, store.owner_id, f"#{choice}")
    fill_in(session, store, person, captured)
    return Arrival(person, False)


def _arrival(
    session: Session,
    store: Store,
    captured: CapturedPerson,
    text: str,
    *,
    new: bool,
    confirm: bool,
) -> Arrival:
    plain = captured.name and not (captured.email or captured.organization or captured.role)
    if plain and not new:
        # a plain reference ("Dana", "#12", "me") names someone already known
        try:
            found = refs.person(session, store.owner_id, text)
        except NotFound:
            found = None
        if found is not None:
            by_name = not text.strip().startswith("#") and text.strip().casefold() != "me"
            if confirm and by_name:
                raise ask(captured.name, [refs.candidate(found)])
            return Arrival(found, False)
    if not captured.name and captured.email:
        try:
            found = refs.person(session, store.owner_id, captured.email)
        except NotFound:
            found = None
        if found is not None:
            fill_in(session, store, found, captured)
            return Arrival(found, False)
    return arrive(session, store, captured, text, new=new, confirm=confirm)


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
    for part, check in checks.items():
        try:
            check()
        except UserError as exc:
            found[part] = str(exc)
    return found


def mark(store: Store, event_ref: str, person_id: int, *, gets_it: bool) -> models.Event:
    """Change the "gets Give to Get" mark of someone met at an event."""
    with store.write() as session:
        event = refs.event(session, store.owner_id, event_ref)
        attendee = rows.attendee(session, store.owner_id, event.id, person_id)
        if attendee is None:
            raise NotFound(
                f"#{person_id} was not met at {event.name}", hint="capture them there first"
            )
        attendee.gets_it = gets_it
        session.flush()
        return _event_model(session, store, event)


def _attend(
    session: Session, store: Store, event: s.Event, person: s.Person, *, giver: bool
) -> None:
    attendee = rows.attendee(session, store.owner_id, event.id, person.id)
    if attendee is None:
        rows.add_attendee(session, store.owner_id, event.id, person.id, gets_it=giver)
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


def _event_model(session: Session, store: Store, event: s.Event) -> models.Event:
    return rows.with_attendees(session, store.owner_id, [event])[0]


def show_event(store: Store, ref: str) -> models.Event:
    with store.read() as session:
        return _event_model(session, store, refs.event(session, store.owner_id, ref))


@per_version()
def list_events(store: Store) -> list[models.Event]:
    """Every event, newest first, with the people met there."""
    with store.read() as session:
        found = rows.matching(session, rows.newest_first(store.owner_id))
        return rows.with_attendees(session, store.owner_id, found)


def events_page(store: Store, window: paging.Window) -> paging.Page[models.Event]:
    """One page of the events, newest first, and how many there are in all."""
    with store.read() as session:
        events, total = paging.of_query(session, rows.newest_first(store.owner_id), window)
        found = rows.with_attendees(session, store.owner_id, events)
        return paging.Page(found, total, window.offset, window.limit)
