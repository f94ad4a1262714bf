"""Organizations: add, find, list, and who works there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from whoknows.core import models
from whoknows.errors import Conflict, Hint, UserError
from whoknows.services import paging, refs, validate, views
from whoknows.services.store import Store
from whoknows.storage import organizations as rows

if TYPE_CHECKING:
    from whoknows.storage import schema as s
    from whoknows.storage.unit import Session


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
    return rows.get_or_create(session, store.owner_id, name, refs.name_key(name))


def add_org(store: Store, data: OrgInput) -> models.Organization:
    name = validate.name(data.name, "organization name")
    if data.size is not None:
        validate.positive(data.size, "size")
    domain = _domain(data.domain) if data.domain else None
    with store.write() as session:
        key = refs.name_key(name)
        if rows.exists(session, store.owner_id, key):
            raise Conflict(
                f"organization {name!r} exists already",
                hint=Hint(
                    cli=f"see: whoknows org show {name!r}",
                    web="use the one there is",
                    api="GET /api/v1/organizations",
                ),
            )
        row = rows.add(
            session,
            store.owner_id,
            name=name,
            name_key=key,
            domain=domain,
            industry=validate.text(data.industry),
            size=data.size,
            city=validate.text(data.city),
        )
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
        members = rows.members(session, org.id)
        return OrgDetail(views.organization(org), [views.person(p) for p in members])


@dataclass(frozen=True)
class OrgRow:
    organization: models.Organization
    people: int


def orgs_page(store: Store, window: paging.Window) -> paging.Page[OrgRow]:
    """One page of the organizations, by name, and how many there are in all."""
    with store.read() as session:
        orgs, total = paging.of_query(session, rows.by_name(store.owner_id), window)
        return paging.Page(_rows(session, orgs), total, window.offset, window.limit)


def _rows(session: Session, orgs: list[s.Organization]) -> list[OrgRow]:
    counts = rows.people_counts(session, [org.id for org in orgs])
    return [OrgRow(views.organization(org), counts.get(org.id, 0)) for org in orgs]
