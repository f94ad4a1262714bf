"""What the reputation guard reads of a person from the store: how long and how often I have
known them, how strongly, and how introductions involving them went."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from whoknows.core import guard
from whoknows.core.models import InteractionKind, TieSource
from whoknows.core.tiestrength import Contact, Rating, Service, score_tie, unheard_strength
from whoknows.services import ledger
from whoknows.services.store import Store
from whoknows.storage import schema as s


def _my_tie(session: Session, owner_id: int, me_id: int, person_id: int) -> s.Tie | None:
    low, high = sorted((me_id, person_id))
    return session.scalar(
        select(s.Tie).where(
            s.Tie.owner_id == owner_id, s.Tie.person_a_id == low, s.Tie.person_b_id == high
        )
    )


def _contacts(session: Session, owner_id: int, person_id: int, today: dt.date) -> list[Contact]:
    mine = (
        select(s.Interaction.id, s.Interaction.kind, s.Interaction.date)
        .join(s.InteractionPerson, s.InteractionPerson.interaction_id == s.Interaction.id)
        .where(
            s.Interaction.owner_id == owner_id,
            s.InteractionPerson.person_id == person_id,
            s.Interaction.date <= today,
        )
    ).subquery()
    rows = session.execute(
        select(mine.c.id, mine.c.kind, mine.c.date, func.count(s.InteractionPerson.person_id))
        .join(s.InteractionPerson, s.InteractionPerson.interaction_id == mine.c.id)
        .group_by(mine.c.id, mine.c.kind, mine.c.date)
    ).all()
    return [Contact(date, InteractionKind(kind), max(1, n)) for _, kind, date, n in rows]


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
    contacts = _contacts(session, owner, person.id, today)
    tie = _my_tie(session, owner, me_id, person.id)
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
    bad = session.scalars(
        select(s.Introduction).where(
            s.Introduction.owner_id == owner,
            s.Introduction.outcome == "bad",
            or_(s.Introduction.a_id == person.id, s.Introduction.b_id == person.id),
        )
    ).all()
    outcomes = []
    for row in bad:
        other = session.get(s.Person, row.b_id if row.a_id == person.id else row.a_id)
        outcomes.append(
            guard.BadOutcome(row.outcome_on, other.name if other else "someone", row.outcome_note)
        )
    return guard.Side(
        person=person.id,
        name=person.name,
        known_since=min(starts) if starts else None,
        interactions=len(contacts),
        tie_strength=strength,
        trust=person.trust,
        bad_outcomes=tuple(outcomes),
    )
