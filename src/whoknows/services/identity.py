"""One person arriving outside an import (captured at an event, named in a referral, added
in the web app or through the API) goes through the same identity engine as an import.

`StoredPeople` (storage/stored_people.py) answers the engine's questions with a few indexed
queries; `match` says who a typed person is: someone known for sure (a shared email or
profile), candidates to choose from, or nobody yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from whoknows.core import identity
from whoknows.core.identity import Identity, Match, Resolution
from whoknows.services import validate
from whoknows.storage import persons
from whoknows.storage.stored_people import StoredPeople as StoredPeople
from whoknows.storage.stored_people import queue as queue

if TYPE_CHECKING:
    from whoknows.storage import schema as s
    from whoknows.storage.unit import Session


@dataclass(frozen=True)
class Choice:
    """Someone a typed person may be, as a user would pick them: with what tells them apart."""

    id: int
    name: str
    organization: str | None
    role: str | None
    reason: str
    score: float


def typed(
    name: str,
    *,
    email: str | None = None,
    organization: str | None = None,
    phones: Sequence[str] = (),
    region: str | None = None,
) -> Identity:
    """A person as typed (capture, a referral, a form): checked, in the engine's form."""
    emails = (validate.email(email),) if email else ()
    numbers = tuple(validate.phone(p, region) for p in phones)
    return Identity(name.strip(), emails=emails, phones=numbers, organization=organization)


def match(session: Session, owner_id: int, person: Identity) -> Resolution:
    """Who PERSON is among the stored people (the one engine: core.identity.resolve)."""
    return identity.resolve(person, StoredPeople(session, owner_id))


def choices(session: Session, matches: Iterable[Match]) -> list[Choice]:
    """The candidates of a resolution, described for a person to choose among."""
    found = list(matches)
    rows = persons.by_ids(session, {m.person_id for m in found})
    return [
        Choice(
            m.person_id,
            rows[m.person_id].name,
            _org(rows[m.person_id]),
            rows[m.person_id].role,
            m.reason,
            m.score,
        )
        for m in found
        if m.person_id in rows
    ]


def _org(person: s.Person) -> str | None:
    return person.organization.name if person.organization is not None else None
