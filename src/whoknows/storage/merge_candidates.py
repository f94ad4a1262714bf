"""The review queue's rows (merge candidates: two people who may be one) and what a
reviewer sees of each side, in the caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from whoknows.storage import schema as s


def open_page(
    session: Session, owner_id: int, limit: int, offset: int
) -> tuple[list[s.MergeCandidate], int]:
    """Open pairs, most likely first: a window of them, and how many there are."""
    c = s.MergeCandidate
    base = select(c).where(c.owner_id == owner_id, c.status == "open")
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.scalars(
        base.order_by(c.score.desc(), c.id).limit(max(0, limit)).offset(max(0, offset))
    ).all()
    return list(rows), int(total)


def get(session: Session, owner_id: int, pair_id: int) -> s.MergeCandidate | None:
    row = session.get(s.MergeCandidate, pair_id)
    return row if row is not None and row.owner_id == owner_id else None


def mark_distinct(session: Session, pair_id: int) -> None:
    c = s.MergeCandidate
    session.execute(update(c).where(c.id == pair_id).values(status="distinct"))


def queued(session: Session, owner_id: int) -> set[tuple[int, int]]:
    """Every pair queued, any status, lower id first."""
    c = s.MergeCandidate
    query = select(c.a_id, c.b_id).where(c.owner_id == owner_id)
    return {(min(a, b), max(a, b)) for a, b in session.execute(query)}


def queue(
    session: Session,
    owner_id: int,
    found: dict[tuple[int, int], tuple[float, str, str]],
    today: dt.date,
) -> None:
    """FOUND (pair: score, rule, reason) as open pairs."""
    session.execute(
        s.MergeCandidate.__table__.insert(),  # type: ignore[attr-defined]
        [
            {
                "owner_id": owner_id,
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


def sides(
    session: Session, ids: Iterable[int]
) -> tuple[dict[int, s.Person], dict[int, list[str]], dict[int, int], dict[int, str]]:
    """For the people of IDS: each row, their links, how many interactions each has, and the
    file each was imported from (by import id)."""
    wanted = set(ids)
    people = {p.id: p for p in session.scalars(select(s.Person).where(s.Person.id.in_(wanted)))}
    links: dict[int, list[str]] = {}
    k = s.PersonLink
    for pid, url in session.execute(select(k.person_id, k.url).where(k.person_id.in_(wanted))):
        links.setdefault(pid, []).append(url)
    ip = s.InteractionPerson
    by_person = select(ip.person_id, func.count()).where(ip.person_id.in_(wanted))
    counts = dict(session.execute(by_person.group_by(ip.person_id)).all())
    imports = {p.import_id for p in people.values() if p.import_id}
    files = dict(
        session.execute(
            select(s.Import.id, s.Import.file_name).where(s.Import.id.in_(imports))
        ).all()
    )
    return people, links, counts, files
