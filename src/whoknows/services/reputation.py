"""What the reputation guard reads of a person from the store: how long and how often I have
known them, how strongly, and how introductions involving them went."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from whoknows.core import guard
from whoknows.core.models import TieSource
from whoknows.core.tiestrength import Rating, Service, score_tie, unheard_strength
from whoknows.services import ledger
from whoknows.services.store import Store
from whoknows.storage import introductions, ties

if TYPE_CHECKING:
    from whoknows.storage import schema as s
    from whoknows.storage.unit import Session


def side(
    session: Session,
    store: Store,
    me_id: int,
    person: s.Person,
    today: dt.date,
    services: dict[int, list[Service]] | None = None,
) -> guard.Side:
    """What the guard needs to know about PERSON: how long, how often, how strongly, outcomes.

    SERVICES: `ledger.services_by_person`, when it was read already for many sides."""
    owner = store.owner_id
    contacts = ties.contacts(session, owner, person.id, today)
    tie = ties.tie(session, owner, me_id, person.id)
    starts = [d for d in (person.met_on, tie.since if tie else None) if d is not None]
    starts += [c.date for c in contacts]
    strength: float | None = None
    if tie is not None:
        if contacts:
            if services is None:
                services = ledger.services_by_person(session, owner, me_id)
            given = services.get(person.id, [])
            rating = Rating(person.trust, tie.since or today) if person.trust else None
            strength = score_tie(
                contacts,
                today=today,
                services=given,
                rating=rating,
                contexts=len({c.kind for c in contacts}),
                known_since=tie.since,
            ).strength
        else:
            heard = tie.last_seen or tie.since
            strength = unheard_strength(TieSource(tie.source), tie.strength, heard, today)
    outcomes = [
        guard.BadOutcome(on, other or "someone", note)
        for on, other, note in introductions.bad_ones(session, owner, person.id)
    ]
    return guard.Side(
        person=person.id,
        name=person.name,
        known_since=min(starts) if starts else None,
        interactions=len(contacts),
        tie_strength=strength,
        trust=person.trust,
        bad_outcomes=tuple(outcomes),
    )
