"""Organizations' rows: found by their name key, made when new (an upsert: no race), their
members, and a listing by name with how many people work at each."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from whoknows.storage import schema as s
from whoknows.storage.upsert import insert_missing

_CHUNK = 500  # ids per IN (...) list


def _by_key(owner_id: int, key: str) -> Select[s.Organization]:
    o = s.Organization
    return select(o).where(o.owner_id == owner_id, o.name_key == key)


def get(session: Session, org_id: int) -> s.Organization | None:
    return session.get(s.Organization, org_id)


def exists(session: Session, owner_id: int, key: str) -> bool:
    return session.scalar(_by_key(owner_id, key)) is not None


def get_or_create(session: Session, owner_id: int, name: str, key: str) -> s.Organization:
    """The organization whose name key is KEY, made (called NAME) when there is none."""
    found = session.scalar(_by_key(owner_id, key))
    if found is None:
        insert_missing(
            session,
            s.Organization,
            [{"owner_id": owner_id, "name": name, "name_key": key}],
            ["owner_id", "name_key"],
        )
        found = session.scalars(_by_key(owner_id, key)).one()
    return found


def add(session: Session, owner_id: int, **values: object) -> s.Organization:
    row = s.Organization(owner_id=owner_id, **values)
    session.add(row)
    session.flush()
    return row


def members(session: Session, org_id: int) -> list[s.Person]:
    """The people who work at the organization, by name."""
    query = select(s.Person).where(s.Person.organization_id == org_id)
    return list(session.scalars(query.order_by(s.Person.name_key)))


def by_name(owner_id: int) -> Select[s.Organization]:
    o = s.Organization
    return select(o).where(o.owner_id == owner_id).order_by(o.name_key, o.id)


def people_counts(session: Session, org_ids: list[int]) -> dict[int, int]:
    """How many people work at each of ORG_IDS, counted for these organizations only (not
    over every person of the network for a page of fifty)."""
    counts: dict[int, int] = {}
    for start in range(0, len(org_ids), _CHUNK):
        chunk = org_ids[start : start + _CHUNK]
        found = session.execute(
            select(s.Person.organization_id, func.count())
            .where(s.Person.organization_id.in_(chunk))
            .group_by(s.Person.organization_id)
        )
        counts.update((int(org_id or 0), int(n)) for org_id, n in found)
    return counts
