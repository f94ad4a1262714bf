"""Ties between people and interactions with me: `know` and `log`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from whoknows.core import models
from whoknows.core.meetings import after_meeting
from whoknows.errors import Hint, UserError
from whoknows.services import refs, validate
from whoknows.services.store import Store
from whoknows.storage import ties

if TYPE_CHECKING:
    from whoknows.storage import schema as s
    from whoknows.storage.unit import Session


def upsert_tie(
    session: Session,
    owner_id: int,
    a: int,
    b: int,
    *,
    source: models.TieSource,
    on: dt.date | None,
    strength: float | None = None,
) -> s.Tie:
    """Record that A and B know each other; a later sighting only widens since/last seen."""
    if a == b:
        raise UserError("a person cannot know themselves", hint="give two different people")
    tie = ties.claim(session, owner_id, a, b, source=source, on=on, strength=strength)
    if on is not None:
        tie.since = min(tie.since, on) if tie.since else on
        tie.last_seen = max(tie.last_seen, on) if tie.last_seen else on
    if strength is not None:
        tie.strength = strength
    return tie


def know(
    store: Store,
    ref_a: str,
    ref_b: str,
    *,
    strength: float | None = None,
    source: str = "told",
    since: dt.date | None = None,
) -> models.Tie:
    """A and B know each other (as I was told, saw on LinkedIn, …)."""
    checked_strength = validate.strength(strength) if strength is not None else None
    checked_source = validate.tie_source(source)
    with store.write() as session:
        a = refs.person(session, store.owner_id, ref_a)
        b = refs.person(session, store.owner_id, ref_b)
        tie = upsert_tie(
            session,
            store.owner_id,
            a.id,
            b.id,
            source=checked_source,
            on=since,
            strength=checked_strength,
        )
        if since is not None:
            tie.since = since
        # Being told today is hearing of the tie today: its strength ages from now on.
        today = dt.date.today()
        tie.last_seen = max(tie.last_seen, today) if tie.last_seen else today
        session.flush()
        return ties.model(tie)


def record_interaction(
    session: Session,
    store: Store,
    kind: models.InteractionKind,
    people: Sequence[s.Person],
    *,
    on: dt.date,
    note: str | None = None,
    minutes: int | None = None,
    event_id: int | None = None,
    where: str | None = None,
) -> s.Interaction:
    """One interaction between me and PEOPLE; it makes (or refreshes) my tie to each of them."""
    me = refs.me(session, store.owner_id)
    unique = list({p.id: p for p in people}.values())
    if any(p.id == me.id for p in unique):
        raise UserError("you are always part of what you log", hint="list only the others")
    row = ties.add_interaction(
        session,
        store.owner_id,
        [p.id for p in unique],
        kind=kind.value,
        date=on,
        note=note,
        minutes=minutes,
        event_id=event_id,
    )
    source = (
        models.TieSource.EVENT if kind is models.InteractionKind.EVENT else models.TieSource.MANUAL
    )
    for person in unique:
        upsert_tie(session, store.owner_id, me.id, person.id, source=source, on=on)
        met = after_meeting(person.stage, person.met_on, person.met_where, on, where)
        for field, value in met.items():
            setattr(person, field, value)
    return row


def log(
    store: Store,
    kind: str,
    people: Sequence[str],
    *,
    on: dt.date,
    note: str | None = None,
    minutes: int | None = None,
) -> models.Interaction:
    """Log something that happened between me and PEOPLE."""
    checked_kind = validate.interaction_kind(kind)
    if minutes is not None:
        validate.positive(minutes, "minutes")
    if not people:
        raise UserError(
            "log needs at least one person",
            hint=Hint(cli="whoknows log coffee Dana", web="name who was there"),
        )
    with store.write() as session:
        rows = [refs.person(session, store.owner_id, ref) for ref in people]
        interaction = record_interaction(
            session, store, checked_kind, rows, on=on, note=validate.text(note), minutes=minutes
        )
        session.flush()
        return models.Interaction(
            id=interaction.id,
            kind=checked_kind,
            date=on,
            people=tuple(dict.fromkeys(r.id for r in rows)),
            note=interaction.note,
            minutes=minutes,
        )
