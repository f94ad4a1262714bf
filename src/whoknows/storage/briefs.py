"""My referral brief's rows: its versions (the newest is current) and the copies people
hold, in the caller's transaction."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from whoknows.storage import schema as s


def current(session: Session, owner_id: int) -> s.Brief | None:
    b = s.Brief
    return session.scalar(select(b).where(b.owner_id == owner_id).order_by(b.version.desc()))


def current_version(session: Session, owner_id: int) -> int | None:
    found: int | None = session.scalar(
        select(func.max(s.Brief.version)).where(s.Brief.owner_id == owner_id)
    )
    return found


def wanted_intros(session: Session, owner_id: int) -> str | None:
    """The wanted introductions of my newest brief."""
    b = s.Brief
    query = select(b.wanted_intros).where(b.owner_id == owner_id)
    return session.scalar(query.order_by(b.version.desc()).limit(1))


def add(session: Session, owner_id: int, **values: object) -> s.Brief:
    row = s.Brief(owner_id=owner_id, **values)
    session.add(row)
    session.flush()
    return row


def copies(session: Session, owner_id: int) -> list[tuple[s.BriefCopy, str]]:
    """Every copy sent, newest version and day first, with the holder's name."""
    c = s.BriefCopy
    rows = session.execute(
        select(c, s.Person.name)
        .join(s.Person, s.Person.id == c.person_id)
        .where(c.owner_id == owner_id)
        .order_by(c.version.desc(), c.sent_on.desc(), c.id.desc())
    )
    return [(copy, name) for copy, name in rows]


def holds(session: Session, owner_id: int, person_id: int, version: int) -> bool:
    c = s.BriefCopy
    query = select(c.id).where(
        c.owner_id == owner_id, c.person_id == person_id, c.version == version
    )
    return session.scalar(query) is not None


def add_copy(session: Session, owner_id: int, **values: object) -> None:
    session.add(s.BriefCopy(owner_id=owner_id, **values))
