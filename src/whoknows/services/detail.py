"""Everything known about one person: ties, interactions, events."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass

from whoknows.core import models
from whoknows.core.models import TieSource
from whoknows.core.tiestrength import unheard_strength
from whoknows.services import refs, views
from whoknows.services.store import Store
from whoknows.storage import events as event_rows
from whoknows.storage import persons
from whoknows.storage import ties as tie_store
from whoknows.storage.ties import model as tie_model


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
        me_id = persons.me_id(session, row.owner_id)
        tie_rows = tie_store.of_person(session, row.id)
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
        names = persons.names(session, others)
        # My tie to them first: its strength is stored empty (it is scored from our history).
        tie_rows = sorted(tie_rows, key=lambda x: me_id not in (x.person_a_id, x.person_b_id))
        shown = [
            (tie, tie.person_b_id if tie.person_a_id == row.id else tie.person_a_id)
            for tie in tie_rows[:max_ties]
        ]
        mine = [other for tie, other in shown if me_id in (row.id, other)]
        # Ties of mine: the person shown is me, or the tie is to me.
        peers = [row.id] if row.id != me_id else mine
        evidence = tie_store.kinds_with_me(session, row.owner_id, peers) if mine else {}
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
        interactions = [
            InteractionLine(i.id, i.kind, i.date, i.note, tuple(others))
            for i, others in tie_store.interactions_of(session, row.id)
        ]
        events = event_rows.attended_by(session, row.id)
        return PersonDetail(views.person(row), ties, interactions, events, len(tie_rows))
