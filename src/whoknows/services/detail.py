"""Everything known about one person: ties, interactions, events."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from whoknows.core import models
from whoknows.core.models import TieSource
from whoknows.core.tiestrength import unheard_strength
from whoknows.services import refs, views
from whoknows.services.network import tie_model
from whoknows.services.store import Store
from whoknows.storage import schema as s


@dataclass(frozen=True)
class TieLine:
    """A tie of theirs, with its strength today (the graph's): for a tie of mine, scored from
    our history, and SOURCES says where the evidence came from; for a tie between others, the
    recorded one aged since they were last seen together."""

    other_id: int
    other_name: str
    tie: models.Tie
    sources: tuple[str, ...] = ()


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


def _evidence(session: Session, owner_id: int, peers: list[int]) -> dict[int, Counter[str]]:
    """Per person of PEERS, how many interactions of each kind they had with me."""
    found: dict[int, Counter[str]] = {}
    ip, i = s.InteractionPerson, s.Interaction
    for start in range(0, len(peers), 500):
        for pid, kind, n in session.execute(
            select(ip.person_id, i.kind, func.count())
            .join(i, i.id == ip.interaction_id)
            .where(ip.owner_id == owner_id, ip.person_id.in_(peers[start : start + 500]))
            .group_by(ip.person_id, i.kind)
        ):
            found.setdefault(pid, Counter())[kind] = int(n)
    return found


_SOURCE_WORDS = {"linkedin": "LinkedIn", "told": "told", "colleague": "colleagues"}


def _sources(source: str, kinds: Counter[str] | None) -> tuple[str, ...]:
    """Where the evidence of a tie of mine came from: how it was recorded (unless merely
    typed in), and what we did together ("12 emails", "3 coffees")."""
    said = [] if source == "manual" and kinds else [_SOURCE_WORDS.get(source, source)]
    for kind, n in sorted((kinds or Counter()).items(), key=lambda x: (-x[1], x[0])):
        said.append(f"{n} {kind}" + ("" if n == 1 else "es" if kind.endswith("ch") else "s"))
    return tuple(said)


def _my_strengths(store: Store, peers: list[int], day: dt.date) -> dict[int, float]:
    """My tie strength to each of PEERS, as scored from our history (the graph's)."""
    from whoknows.services.snapshot import load_snapshot

    snapshot = load_snapshot(store, today=day)
    if snapshot.me is None:
        return {}
    nodes, strengths = snapshot.graph.neighbors(snapshot.me)
    ids = snapshot.graph.node_ids[nodes]
    wanted = set(peers)
    return {int(p): float(st) for p, st in zip(ids, strengths, strict=True) if int(p) in wanted}


def person_detail(
    store: Store, ref: str, *, max_ties: int = 200, today: dt.date | None = None
) -> PersonDetail:
    day = today or dt.date.today()
    with store.read() as session:
        row = refs.person(session, store.owner_id, ref)
        me_id = session.scalar(select(s.Person.id).where(refs.is_me(row.owner_id)))
        tie_rows = session.scalars(
            select(s.Tie).where(or_(s.Tie.person_a_id == row.id, s.Tie.person_b_id == row.id))
        ).all()
        # Strongest today first: as recorded, aged since last seen (core/tiestrength.py).
        now = {
            tie.id: unheard_strength(
                TieSource(tie.source), tie.strength, tie.last_seen or tie.since, day
            )
            for tie in tie_rows
        }
        tie_rows = sorted(tie_rows, key=lambda tie: (-now[tie.id], tie.id))
        others = {
            t.person_b_id if t.person_a_id == row.id else t.person_a_id for t in tie_rows[:max_ties]
        }
        names = dict(
            session.execute(select(s.Person.id, s.Person.name).where(s.Person.id.in_(others))).all()
        )
        # My tie to them first: its strength is stored empty (it is scored from our history).
        tie_rows = sorted(tie_rows, key=lambda x: me_id not in (x.person_a_id, x.person_b_id))
        shown = [
            (tie, tie.person_b_id if tie.person_a_id == row.id else tie.person_a_id)
            for tie in tie_rows[:max_ties]
        ]
        mine = [other for tie, other in shown if me_id in (row.id, other)]
        # Ties of mine: the person shown is me, or the tie is to me.
        peers = [row.id] if row.id != me_id else mine
        evidence = _evidence(session, row.owner_id, peers) if mine else {}
        scored = _my_strengths(store, peers, day) if mine else {}
        ties = []
        for tie, other in shown:
            peer = row.id if other == me_id else other
            ours = me_id in (row.id, other)
            model = dataclasses.replace(
                tie_model(tie), strength=scored.get(peer, now[tie.id]) if ours else now[tie.id]
            )
            sources = _sources(tie.source, evidence.get(peer)) if ours else ()
            ties.append(TieLine(other, names.get(other, "?"), model, sources))
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
