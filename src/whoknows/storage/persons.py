"""People's rows read in the caller's SQLAlchemy session: namesakes, my own addresses, the
pairs said to be different people. (A page of people in plain SQL is people_rows.py.)"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from whoknows.storage import schema as s


def by_ids(session: Session, ids: set[int]) -> dict[int, s.Person]:
    """The people of IDS, read in a query per 500."""
    found: dict[int, s.Person] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        for row in session.scalars(select(s.Person).where(s.Person.id.in_(chunk))):
            found[row.id] = row
    return found


def names(session: Session, ids: set[int]) -> dict[int, str]:
    """The names of the people of IDS."""
    query = select(s.Person.id, s.Person.name).where(s.Person.id.in_(ids))
    return dict(session.execute(query).all())


def get(session: Session, person_id: int) -> s.Person | None:
    return session.get(s.Person, person_id)


def namesakes(session: Session, owner_id: int, fold: str, limit: int) -> list[s.Person]:
    """Up to LIMIT people (not me) whose folded name is FOLD, oldest first."""
    p = s.Person
    query = select(p).where(p.owner_id == owner_id, p.name_fold == fold, ~p.is_me)
    return list(session.scalars(query.order_by(p.id).limit(limit)))


def me_id(session: Session, owner_id: int) -> int | None:
    """My id (None while who I am is not set)."""
    return session.scalar(select(s.Person.id).where(s.Person.owner_id == owner_id, s.Person.is_me))


def emails_of(session: Session, person_id: int | None) -> set[str]:
    """A person's email addresses (none for None)."""
    query = select(s.PersonEmail.email).where(s.PersonEmail.person_id == person_id)
    return set(session.scalars(query))


def distinct_pairs(session: Session, owner_id: int) -> set[tuple[int, int]]:
    """The pairs of people the user said are different people (never merged again)."""
    c = s.MergeCandidate
    query = select(c.a_id, c.b_id).where(c.owner_id == owner_id, c.status == "distinct")
    return {(a, b) for a, b in session.execute(query)}
