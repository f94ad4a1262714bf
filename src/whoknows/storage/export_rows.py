"""What an export reads: every person (by id) with their links and extra fields, and every
organization, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from whoknows.storage import schema as s


def people(session: Session, owner_id: int) -> Iterator[s.Person]:
    p = s.Person
    yield from session.scalars(select(p).where(p.owner_id == owner_id).order_by(p.id))


def organizations(session: Session, owner_id: int) -> Iterator[s.Organization]:
    o = s.Organization
    yield from session.scalars(select(o).where(o.owner_id == owner_id).order_by(o.id))


def links(session: Session, owner_id: int) -> dict[int, list[tuple[str, str]]]:
    """Each person's links (kind, url), in the order they were added."""
    k = s.PersonLink
    query = select(k.person_id, k.kind, k.url).where(k.owner_id == owner_id).order_by(k.id)
    return _by_person(session, query)


def extras(session: Session, owner_id: int) -> dict[int, list[tuple[str, str]]]:
    """Each person's extra fields (key, value), in the order they were added."""
    x = s.PersonExtra
    query = select(x.person_id, x.key, x.value).where(x.owner_id == owner_id).order_by(x.id)
    return _by_person(session, query)


def _by_person(session: Session, query: Select[int, str, str]) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for pid, first, second in session.execute(query):
        found.setdefault(pid, []).append((first, second))
    return found
