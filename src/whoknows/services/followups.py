"""Follow-ups: recording a follow-up, snoozes, cadences, and the drafts after an event.

Who is due, and in which order, is the weekly plan's (services/plan.py); ``due`` and
``rules`` are its, named here too for the callers that always found them here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from whoknows.core import models
from whoknows.core.followups import keep_in_touch
from whoknows.errors import UserError
from whoknows.services import drafts, refs, validate, views
from whoknows.services.network import record_interaction
from whoknows.services.plan import CLOSED, MAX_DAYS, due, relation, rules, stage_of
from whoknows.services.store import Store
from whoknows.storage import events, exchanges, introductions, referrals
from whoknows.storage import schema as s

__all__ = ["due", "rules"]  # the plan's, see the module doc

TEMPLATE = "email/event_followup.txt"


@dataclass(frozen=True)
class Done:
    person: models.Person
    interaction_id: int
    on: dt.date
    kind: models.InteractionKind
    thanked: int  # gifts and referrals now thanked
    reported: int  # referrals and introductions now reported back
    next_due: dt.date | None


def done(
    store: Store,
    person_ref: str,
    *,
    note: str | None = None,
    on: dt.date | None = None,
    kind: str = "message",
) -> Done:
    """Record a follow-up with PERSON (an interaction) and mark what I owed them as done."""
    checked = validate.interaction_kind(kind)
    if checked is models.InteractionKind.EVENT:
        raise UserError(
            "a follow-up is not an event meeting",
            hint="use message, email, call, coffee, one-to-one or meeting",
        )
    on = on or dt.date.today()
    settings = rules(store.settings)
    with store.write() as session:
        me = refs.me(session, store.owner_id)
        person = refs.person(session, store.owner_id, person_ref)
        row = record_interaction(session, store, checked, [person], on=on, note=validate.text(note))
        thanked = reported = 0
        for gift in exchanges.unthanked_from(session, store.owner_id, person.id, me.id):
            gift.thanked_on = on
            thanked += 1
        for ref in referrals.received_from(session, store.owner_id, person.id):
            if ref.thanked_on is None:
                ref.thanked_on = on
                thanked += 1
            if ref.status in CLOSED and ref.reported_on is None:
                ref.reported_on = on
                reported += 1
        for intro in introductions.made_unreported(session, store.owner_id, person.id, me.id):
            intro.reported_on = on
            reported += 1
        session.flush()
        known = relation(refs.reader_of(session), store.owner_id, me.id, person.id)
        upcoming = keep_in_touch(known, settings) if known else None
        return Done(
            person=views.person(person),
            interaction_id=row.id,
            on=on,
            kind=checked,
            thanked=thanked,
            reported=reported,
            next_due=upcoming.due if upcoming else None,
        )


def _days(days: int, what: str) -> int:
    if not 0 <= days <= MAX_DAYS:
        raise UserError(f"{what} {days} is out of range", hint=f"use 1 to {MAX_DAYS} (0 clears)")
    return days


@dataclass(frozen=True)
class Snoozed:
    person: models.Person
    until: dt.date | None  # None: not snoozed any more


def snooze(store: Store, person_ref: str, days: int, *, today: dt.date | None = None) -> Snoozed:
    """Hide PERSON from the queue for DAYS days (0 wakes them now)."""
    _days(days, "snooze of")
    today = today or dt.date.today()
    with store.write() as session:
        person = refs.person(session, store.owner_id, person_ref)
        if person.is_me:
            raise UserError("you are not in your own follow-up queue", hint="name someone else")
        person.snoozed_until = today + dt.timedelta(days=days) if days else None
        return Snoozed(views.person(person), person.snoozed_until)


@dataclass(frozen=True)
class CadenceSet:
    person: models.Person
    days: int | None  # None: their stage's default
    stage_default: int | None


def set_cadence(store: Store, person_ref: str, days: int) -> CadenceSet:
    """Keep in touch with PERSON every DAYS days (0 goes back to their stage's default)."""
    _days(days, "cadence of")
    defaults = rules(store.settings)
    with store.write() as session:
        person = refs.person(session, store.owner_id, person_ref)
        if person.is_me:
            raise UserError("you are not in your own follow-up queue", hint="name someone else")
        person.cadence_days = days or None
        stage = stage_of(person.stage) or models.Stage.MET
        return CadenceSet(views.person(person), person.cadence_days, defaults.for_stage(stage))


@dataclass(frozen=True)
class FollowupDraft:
    """A personal follow-up to someone met at an event."""

    id: int
    name: str
    email: str | None
    gets_it: bool
    followed_up: bool  # something was logged with them after the event
    notes: str | None  # my own notes about them: for me, not the email
    draft: drafts.Draft
    file: Path | None = None


@dataclass(frozen=True)
class EventFollowup:
    event: models.Event
    drafts: list[FollowupDraft]


def _first_name(name: str) -> str:
    parts = name.split()
    return parts[0] if parts else name


def event_followup(store: Store, event_ref: str, *, out_dir: Path | None = None) -> EventFollowup:
    """The people met at an event, those who get Give to Get first, each with a draft
    proposing a 1-to-1; written as .eml files into OUT_DIR when given (never sent)."""
    with store.read() as session:
        event = refs.event(session, store.owner_id, event_ref)
        me = refs.me(session, store.owner_id)
        rows = events.met_at(session, store.owner_id, event.id)
        later = events.followed_up_since(
            session, store.owner_id, event.date, [p.id for _, p in rows]
        )
        author = {
            "name": me.name,
            "role": me.role,
            "organization": me.organization.name if me.organization else None,
            "email": me.emails[0].email if me.emails else None,
        }
        context_event = {
            "name": event.name,
            "date": event.date,
            "day": f"{event.date:%A} {event.date.day} {event.date:%B}",
            "place": event.place,
        }
        found = []
        for attendee, person in rows:
            email = person.emails[0].email if person.emails else None
            notes = "\n".join(x for x in (attendee.note, person.notes) if x) or None
            draft = drafts.render(
                store.settings,
                TEMPLATE,
                to=[drafts.Recipient(person.name, email)],
                name=f"followup-{event.name}-{person.name}",
                event=context_event,
                person={
                    "name": person.name,
                    "first_name": _first_name(person.name),
                    "role": person.role,
                    "organization": person.organization.name if person.organization else None,
                    **drafts.sayings(person.asks, person.offers, person.serves),
                    "notes": person.notes,
                    "stage": person.stage,
                },
                met_note=attendee.note,
                gets_it=attendee.gets_it,
                me=author,
            )
            found.append(
                FollowupDraft(
                    person.id,
                    person.name,
                    email,
                    attendee.gets_it,
                    person.id in later,
                    notes,
                    draft,
                )
            )
        model = _event_view(event, rows)
    if out_dir is not None:
        sender = drafts.Recipient(str(author["name"]), author["email"])
        paths = drafts.write_drafts([f.draft for f in found], out_dir, sender)
        found = [dataclasses.replace(f, file=p) for f, p in zip(found, paths, strict=True)]
    return EventFollowup(model, found)


def _event_view(event: s.Event, rows: Sequence[tuple[s.EventAttendee, s.Person]]) -> models.Event:
    return models.Event(
        id=event.id,
        name=event.name,
        date=event.date,
        place=event.place,
        note=event.note,
        attendees=tuple(
            models.Attendee(person_id=p.id, name=p.name, gets_it=a.gets_it) for a, p in rows
        ),
    )
