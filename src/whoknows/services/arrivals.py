"""A person typed in ("Name <email> @Org / Role", or a form's fields): someone known, or new.

Capture at an event and a referral's --about arrive here, and the identity engine decides
(services.identity): a shared email or profile is that person; the same name at the same
organization, the only one, is taken and said; other likely people are offered as a
choice (Ambiguous, with its choices), unless the user said the person is new. CONFIRM (the
web's capture form) never takes anyone by name alone: it asks, offering whoever has that
name too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from whoknows.core.capture import CapturedPerson
from whoknows.core.identity import name_key
from whoknows.errors import Ambiguous, Candidate, UserError
from whoknows.services import identity, refs
from whoknows.services.people import PersonInput, create_person, update_person
from whoknows.services.store import Store
from whoknows.storage import persons

if TYPE_CHECKING:
    from whoknows.storage import schema as s
    from whoknows.storage.unit import Session

MAX_CHOICES = 20  # people offered at most when asking who someone is


@dataclass(frozen=True)
class Arrival:
    person: s.Person
    created: bool
    reason: str | None = None  # why a known person was taken


def arrive(
    session: Session,
    store: Store,
    captured: CapturedPerson,
    text: str,
    *,
    new: bool = False,
    confirm: bool = False,
) -> Arrival:
    """The person CAPTURED names (TEXT as typed). NEW: never someone known by name alone."""
    if not captured.name and not captured.email:
        raise UserError(f"{text!r} gives no name", hint='write it as "Name <email> @Org / Role"')
    typed = identity.typed(
        captured.name or captured.email or "",
        email=captured.email,
        organization=captured.organization,
    )
    found = identity.match(session, store.owner_id, typed)
    if found.person_id is not None:
        return _known(session, store, found.person_id, captured, found.reason)
    if not captured.name:
        raise UserError(
            f"nobody has the email {captured.email}, and {text!r} gives no name",
            hint='write it as "Name <email> @Org / Role"',
        )
    if not new:
        if not confirm and found.likely is not None:
            return _known(session, store, found.likely.person_id, captured, found.likely.reason)
        choices = [
            Candidate(c.id, c.name, c.organization, c.role, c.reason)
            for c in identity.choices(session, found.review)
        ]
        if confirm:
            choices += _namesakes(session, store, typed.name_key, {c.id for c in choices})
        if choices:
            raise ask(captured.name, choices)
    return Arrival(create(session, store, captured), True)


def ask(name: str, choices: list[Candidate]) -> Ambiguous:
    """The question to ask before taking a typed person to be someone known."""
    namesakes = all(name_key(c.name) == name_key(name) for c in choices)
    if len(choices) > 1:
        message = f"{len(choices)} people you know " + (
            f"are called {name}" if namesakes else f"may be {name}"
        )
    else:
        (only,) = choices
        message = (
            f"you already know someone called {name}"
            if namesakes
            else f"you may already know {name}: {only.label()}"
        ) + (f" ({only.reason})" if only.reason else "")
    return Ambiguous(
        "person",
        name,
        choices=choices,
        message=message,
        hint="choose who it is (by id), or say they are someone new",
    )


def create(session: Session, store: Store, captured: CapturedPerson) -> s.Person:
    """Someone new, as typed (the engine queues any likely duplicate for review)."""
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


def fill_in(session: Session, store: Store, person: s.Person, captured: CapturedPerson) -> None:
    """What a capture adds to someone known: organization and role when they had none, and an
    email they don't have yet."""
    data = PersonInput(
        organization=captured.organization if person.organization is None else None,
        role=captured.role if not person.role else None,
        emails=[captured.email] if captured.email else [],
    )
    update_person(session, store, person, data)


def _known(
    session: Session, store: Store, person_id: int, captured: CapturedPerson, why: str | None
) -> Arrival:
    person = refs.person(session, store.owner_id, f"#{person_id}")
    fill_in(session, store, person, captured)
    return Arrival(person, False, why)


def _namesakes(session: Session, store: Store, fold: str, shown: set[int]) -> list[Candidate]:
    found = persons.namesakes(session, store.owner_id, fold, MAX_CHOICES)
    return [refs.candidate(p) for p in found if p.id not in shown]
