"""Organizations: add, find, list, and who works there."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from whoknows.core import models
from whoknows.errors import Conflict, UserError
from whoknows.services import paging, refs, validate, views
from whoknows.services.store import Store
from whoknows.storage import schema as s
from whoknows.storage.upsert import insert_missing


@dataclass(frozen=True)
class OrgInput:
    name: str
    domain: str | None = None
    industry: str | None = None
    size: int | None = None
    city: str | None = None


def get_or_create_org(session: Session, store: Store, name: str) -> s.Organization:
    """The organization called NAME (any case), created when new (an upsert: no race)."""
    name = validate.name(name, "organization name")
    key = refs.name_key(name)
    query = select(s.Organization).where(
        s.Organization.owner_id == store.owner_id, s.Organization.name_key == key
    )
    found = session.scalar(query)
    if found is None:
        insert_missing(
            session,
            s.Organization,
            [{"owner_id": store.owner_id, "name": name, "name_key": key}],
            ["owner_id", "name_key"],
        )
        found = session.scalars(query).one()
    return found


def add_org(store: Store, data: OrgInput) -> models.Organization:
    name = validate.name(data.name, "organization name")
    if data.size is not None:
        validate.positive(data.size, "size")
    domain = _domain(data.domain) if data.domain else None
    with store.write() as session:
        key = refs.name_key(name)
        if session.scalar(
            select(s.Organization.id).where(
                s.Organization.owner_id == store.owner_id, s.Organization.name_key == key
            )
        ):
            raise Conflict(f"organization {name!r} exists already", hint="see: whoknows org show")
        row = s.Organization(
            owner_id=store.owner_id,
            name=name,
            name_key=key,
            domain=domain,
            industry=validate.text(data.industry),
            size=data.size,
            city=validate.text(data.city),
        )
        session.add(row)
        session.flush()
        return views.organization(row)


def _domain(value: str) -> str:
    domain = value.strip().lower().removeprefix("https://").removeprefix("http://").strip("/")
    domain = domain.removeprefix("www.")
    if not domain or " " in domain or "." not in domain:
        raise UserError(f"domain {value!r} is not valid", hint="give it as example.com")
    return domain


@dataclass(frozen=True)
class OrgDetail:
    organization: models.Organization
    people: list[models.Person]


def show_org(store: Store, ref: str) -> OrgDetail:
    with store.read() as session:
        org = refs.organization(session, store.owner_id, ref)
        members = session.scalars(
            select(s.Person).where(s.Person.organization_id == org.id).order_by(s.Person.name_key)
        )
        return OrgDetail(views.organization(org), [views.person(p) for p in members])


@dataclass(frozen=True)
class OrgRow:
    organization: models.Organization
    people: int


def orgs_page(store: Store, window: paging.Window) -> paging.Page[OrgRow]:
    """One page of the organizations, by name, and how many there are in all."""
    with store.read() as session:
        orgs, total = paging.of_query(session, _by_name(store), window)
        return paging.Page(_rows(session, orgs), total, window.offset, window.limit)


def _by_name(store: Store) -> Select[s.Organization]:
    return (
        select(s.Organization)
        .where(s.Organization.owner_id == store.owner_id)
        .order_by(s.Organization.name_key, s.Organization.id)
    )


def _rows(session: Session, orgs: list[s.Organization]) -> list[OrgRow]:
    """ORGS with how many people work at each, counted for these organizations only (not a
    count over every person of the network for a page of fifty)."""
    counts: dict[int, int] = {}
    ids = [org.id for org in orgs]
    for start in range(0, len(ids), 500):  # bound the IN list
        chunk = ids[start : start + 500]
        found = session.execute(
            select(s.Person.organization_id, func.count())
            .where(s.Person.organization_id.in_(chunk))
            .group_by(s.Person.organization_id)
        )
        counts.update((int(org_id or 0), int(n)) for org_id, n in found)
    return [OrgRow(views.organization(org), counts.get(org.id, 0)) for org in orgs]
