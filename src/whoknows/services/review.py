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

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from whoknows.core import identity
from whoknows.core.identity import Identity, Key, Known, Verdict
from whoknows.errors import NotFound, UserError
from whoknows.importers.records import PersonRecord
from whoknows.services import merge
from whoknows.services.imports.resolvers import Candidate, Decision, MergeResolver
from whoknows.services.store import Store
from whoknows.storage import people_index
from whoknows.storage import schema as s

if TYPE_CHECKING:
    from whoknows.core.keyindex import PeopleIndex  # numpy: loaded by the scan only


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
        base = select(s.MergeCandidate).where(
            s.MergeCandidate.owner_id == owner, s.MergeCandidate.status == "open"
        )
        total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
        rows = session.scalars(
            base.order_by(s.MergeCandidate.score.desc(), s.MergeCandidate.id)
            .limit(max(0, limit))
            .offset(max(0, offset))
        ).all()
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
    people = {p.id: p for p in session.scalars(select(s.Person).where(s.Person.id.in_(ids)))}
    links: dict[int, list[str]] = {}
    for pid, url in session.execute(
        select(s.PersonLink.person_id, s.PersonLink.url).where(s.PersonLink.person_id.in_(ids))
    ):
        links.setdefault(pid, []).append(url)
    counts = dict(
        session.execute(
            select(s.InteractionPerson.person_id, func.count())
            .where(s.InteractionPerson.person_id.in_(ids))
            .group_by(s.InteractionPerson.person_id)
        ).all()
    )
    files = dict(
        session.execute(
            select(s.Import.id, s.Import.file_name).where(
                s.Import.id.in_({p.import_id for p in people.values() if p.import_id})
            )
        ).all()
    )
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
        row = session.get(s.MergeCandidate, pair_id)
        if row is None or row.owner_id != store.owner_id or row.status != "open":
            raise NotFound(f"no open pair #{pair_id}", hint="the list may have changed; reload it")
        a, b = row.a_id, row.b_id
    if decision is Decision.MERGE:
        merge.merge_people(store, f"#{a}", f"#{b}")
        return a
    if decision is Decision.NEW:
        with store.write() as session:
            session.execute(
                update(s.MergeCandidate)
                .where(s.MergeCandidate.id == pair_id)
                .values(status="distinct")
            )
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
        known = {
            tuple(sorted(p))
            for p in session.execute(
                select(s.MergeCandidate.a_id, s.MergeCandidate.b_id).where(
                    s.MergeCandidate.owner_id == owner
                )
            )
        }
        found: dict[tuple[int, int], tuple[float, str, str]] = {}
        for person in _stored(session, owner):
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
            session.execute(
                s.MergeCandidate.__table__.insert(),  # type: ignore[attr-defined]
                [
                    {
                        "owner_id": owner,
                        "a_id": a,
                        "b_id": b,
                        "score": score,
                        "rule": rule,
                        "reason": reason,
                        "status": "open",
                        "created_on": today,
                    }
                    for (a, b), (score, rule, reason) in found.items()
                ],
            )
    return len(found)


def _stored(session: Session, owner: int) -> Iterable[tuple[int, Identity]]:
    """Everyone, as the engine reads an arriving record (a batch of queries per 2,000)."""
    ids = list(
        session.scalars(select(s.Person.id).where(s.Person.owner_id == owner, ~s.Person.is_me))
    )
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        details: dict[int, dict[str, list[str]]] = {pid: {} for pid in chunk}
        for pid, email in session.execute(
            select(s.PersonEmail.person_id, s.PersonEmail.email).where(
                s.PersonEmail.person_id.in_(chunk)
            )
        ):
            details[pid].setdefault("emails", []).append(email)
        for pid, phone in session.execute(
            select(s.PersonPhone.person_id, s.PersonPhone.phone).where(
                s.PersonPhone.person_id.in_(chunk)
            )
        ):
            details[pid].setdefault("phones", []).append(phone)
        for pid, kind, url in session.execute(
            select(s.PersonLink.person_id, s.PersonLink.kind, s.PersonLink.url).where(
                s.PersonLink.person_id.in_(chunk)
            )
        ):
            field = "linkedin" if kind == "linkedin" else "websites"
            details[pid].setdefault(field, []).append(
                url if kind == "linkedin" else identity.website(url)
            )
        for pid, name, org in session.execute(
            select(s.Person.id, s.Person.name, s.Organization.name)
            .outerjoin(s.Organization, s.Organization.id == s.Person.organization_id)
            .where(s.Person.id.in_(chunk))
        ):
            found = details[pid]
            yield (
                pid,
                Identity(
                    name,
                    emails=tuple(found.get("emails", ())),
                    phones=tuple(found.get("phones", ())),
                    linkedin=tuple(found.get("linkedin", ())),
                    websites=tuple(found.get("websites", ())),
                    organization=org,
                ),
            )
