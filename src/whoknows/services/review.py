"""The review queue: pairs of people who may be one, most likely first, with the evidence.

Pairs come from the identity engine as people arrive (imports, capture, the API) and from
`scan`, which runs the engine over everyone once. Each pair is decided by a person:
merge (nothing is lost: services.merge) or "not the same" (never asked again).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from whoknows.core import identity
from whoknows.core.identity import Key, Known, Verdict
from whoknows.errors import NotFound, UserError
from whoknows.importers.records import PersonRecord
from whoknows.services import merge
from whoknows.services.imports.resolvers import Candidate, Decision, MergeResolver
from whoknows.services.store import Store
from whoknows.storage import merge_candidates as queue
from whoknows.storage import people_index, persons

if TYPE_CHECKING:
    from whoknows.core.keyindex import PeopleIndex  # numpy: loaded by the scan only
    from whoknows.storage.unit import Session


@dataclass(frozen=True)
class Side:
    """One person of a pair, with what a user needs to tell whether they are the other."""

    id: int
    name: str
    organization: str | None
    role: str | None
    city: str | None
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    links: tuple[str, ...]
    source: str  # where the record came from
    interactions: int


@dataclass(frozen=True)
class Pair:
    id: int
    a: Side
    b: Side
    score: float
    rule: str
    reason: str


@dataclass(frozen=True)
class Page:
    pairs: list[Pair]
    total: int
    offset: int
    limit: int


def page(store: Store, *, limit: int = 20, offset: int = 0) -> Page:
    """Open pairs, most likely first, a page at a time (a few queries, whatever the size)."""
    owner = store.owner_id
    with store.read() as session:
        rows, total = queue.open_page(session, owner, limit, offset)
        sides = _sides(session, {p for r in rows for p in (r.a_id, r.b_id)})
        pairs = [
            Pair(r.id, sides[r.a_id], sides[r.b_id], round(r.score, 1), r.rule, r.reason)
            for r in rows
            if r.a_id in sides and r.b_id in sides
        ]
        return Page(pairs, total, offset, limit)


def _sides(session: Session, ids: set[int]) -> dict[int, Side]:
    if not ids:
        return {}
    people, links, counts, files = queue.sides(session, ids)
    return {
        pid: Side(
            pid,
            p.name,
            p.organization.name if p.organization else None,
            p.role,
            p.city,
            tuple(e.email for e in p.emails),
            tuple(ph.phone for ph in p.phones),
            tuple(links.get(pid, ())),
            f"imported from {files[p.import_id]} (import #{p.import_id})"
            if p.import_id in files
            else "added in whoknows",
            int(counts.get(pid, 0)),
        )
        for pid, p in people.items()
    }


def decide(store: Store, pair_id: int, decision: Decision) -> int | None:
    """Merge the pair (the older person keeps everything of both; returns their id) or mark
    it "not the same" (returns None)."""
    with store.read() as session:
        row = queue.get(session, store.owner_id, pair_id)
        if row is None or row.status != "open":
            raise NotFound(f"no open pair #{pair_id}", hint="the list may have changed; reload it")
        a, b = row.a_id, row.b_id
    if decision is Decision.MERGE:
        merge.merge_people(store, f"#{a}", f"#{b}")
        return a
    if decision is Decision.NEW:
        with store.write() as session:
            queue.mark_distinct(session, pair_id)
        return None
    raise UserError(f"decision {decision!r} is not one of merge or new")


def dedupe(store: Store, resolver: MergeResolver) -> dict[str, int]:
    """Put every open pair to RESOLVER: merged, marked distinct, or left for later."""
    merged = distinct = left = 0
    while found := page(store, limit=200, offset=left).pairs:
        for pair in found:
            record = PersonRecord("review", None, pair.b.name, organization=pair.b.organization)
            candidate = Candidate(
                pair.a.id, pair.a.name, pair.a.organization, pair.score, pair.reason, pair.rule
            )
            decision = resolver.decide(record, candidate)
            if decision is Decision.QUEUE:
                left += 1
                continue
            try:
                decide(store, pair.id, decision)
            except NotFound:
                continue  # gone with an earlier merge of this round
            if decision is Decision.MERGE:
                merged += 1
            else:
                distinct += 1
    return {"merged": merged, "distinct": distinct, "left": left}


class _Others:
    """The index without one person: what the engine sees when it checks that person."""

    def __init__(self, index: PeopleIndex, person_id: int) -> None:
        self.index, self.person_id = index, person_id

    def find(self, kind: Key, value: str) -> Sequence[int]:
        return [p for p in self.index.find(kind, value) if p != self.person_id]

    def block(self, block: str) -> Sequence[int]:
        return [p for p in self.index.block(block) if p != self.person_id]

    def known(self, person_ids: Iterable[int]) -> dict[int, Known]:
        return self.index.known(p for p in person_ids if p != self.person_id)

    def linked(self, person_ids: Iterable[int]) -> set[int]:
        return self.index.linked(person_ids)

    def count(self, block: str) -> int:
        return self.index.count(block) - (self.person_id in self.index.block(block))


def scan(store: Store, today: dt.date) -> int:
    """Run the identity engine over everyone once and queue the pairs it finds."""
    owner = store.owner_id
    with store.read() as session:
        index, _marks = people_index.load(session, owner)
        known = queue.queued(session, owner)
        found: dict[tuple[int, int], tuple[float, str, str]] = {}
        for person in persons.identities(session, owner):
            result = identity.resolve(person[1], _Others(index, person[0]))
            matches = list(result.review)
            if result.person_id is not None:  # the same strong key: certainly one person
                matches.insert(
                    0,
                    identity.Match(
                        result.person_id, Verdict.SAME, "same", result.reason or "", 100
                    ),
                )
            for match in matches:
                pair = tuple(sorted((person[0], match.person_id)))
                if pair not in known and pair not in found:
                    found[pair] = (match.score, match.rule, match.reason)  # type: ignore[index]
    if found:
        with store.write() as session:
            queue.queue(session, owner, found, today)
    return len(found)
