"""API: people, organizations, ties and interactions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from whoknows.api.common import ERRORS, PAGED, Limit, Offset, paged
from whoknows.api.schemas import (
    InteractionIn,
    InteractionOut,
    OrganizationDetailOut,
    OrganizationIn,
    OrganizationOut,
    OrganizationRowOut,
    PersonDetailOut,
    PersonIn,
    PersonOut,
    PersonPatch,
    TieIn,
    TieOut,
)
from whoknows.http import store_of, today_of
from whoknows.services import detail, network, organizations, paging, people, views
from whoknows.services.people import PersonInput

router = APIRouter(responses=ERRORS)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Filter = Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00]*$")]


@router.get("/people", tags=["people"], responses=PAGED)
def list_people(
    request: Request,
    response: Response,
    q: Filter = None,
    tag: Filter = None,
    stage: Filter = None,
    org: Filter = None,
    limit: Limit = paging.DEFAULT_LIMIT,
    offset: Offset = 0,
) -> list[PersonOut]:
    """People in the network: a search (name, email, organization, what they do) or filters,
    by name, a page at a time (the total in X-Total-Count)."""
    store = store_of(request)
    window = paging.Window(limit, offset)
    if q and q.strip():  # as the web's search: paged, with the total, filters before the cut
        page = people.search_page(store, q, window, tag=tag, stage=stage, organization=org)
    else:
        page = people.people_page(store, window, tag=tag, stage=stage, organization=org)
    return [PersonOut.of(p) for p in paged(request, response, page)]


@router.post("/people", status_code=201, tags=["people"])
def add_person(request: Request, body: PersonIn) -> PersonOut:
    """Add a person."""
    data = PersonInput(**body.model_dump())
    return PersonOut.of(people.add_person(store_of(request), data))


@router.get("/people/{person_id}", tags=["people"])
def get_person(request: Request, person_id: Id) -> PersonDetailOut:
    """Everything known about a person: ties (strongest first), interactions, events."""
    found = detail.person_detail(store_of(request), str(person_id))
    return PersonDetailOut.model_validate(views.person_detail(found))


@router.patch("/people/{person_id}", tags=["people"])
def edit_person(request: Request, person_id: Id, body: PersonPatch) -> PersonOut:
    """Change what is given; leave the rest."""
    data = PersonInput(**body.model_dump())
    return PersonOut.of(people.edit_person(store_of(request), str(person_id), data))


@router.delete("/people/{person_id}", tags=["people"])
def remove_person(request: Request, person_id: Id) -> PersonOut:
    """Remove a person and what links to them (not me)."""
    return PersonOut.of(people.remove_person(store_of(request), str(person_id)))


@router.get("/organizations", tags=["organizations"], responses=PAGED)
def list_organizations(
    request: Request,
    response: Response,
    limit: Limit = paging.DEFAULT_LIMIT,
    offset: Offset = 0,
) -> list[OrganizationRowOut]:
    """Organizations by name with how many people of the network work there, a page at a
    time (the total in X-Total-Count)."""
    page = organizations.orgs_page(store_of(request), paging.Window(limit, offset))
    return [
        OrganizationRowOut.model_validate(views.org_row(r)) for r in paged(request, response, page)
    ]


@router.post("/organizations", status_code=201, tags=["organizations"])
def add_organization(request: Request, body: OrganizationIn) -> OrganizationOut:
    """Add an organization."""
    data = organizations.OrgInput(**body.model_dump())
    return OrganizationOut.of(organizations.add_org(store_of(request), data))


@router.get("/organizations/{org_id}", tags=["organizations"])
def get_organization(request: Request, org_id: Id) -> OrganizationDetailOut:
    """An organization and its people."""
    found = organizations.show_org(store_of(request), str(org_id))
    return OrganizationDetailOut.model_validate(views.org_detail(found))


@router.post("/ties", status_code=201, tags=["ties"])
def add_tie(request: Request, body: TieIn) -> TieOut:
    """A and B know each other (people are referred to by id, email or name)."""
    tie = network.know(
        store_of(request),
        body.a,
        body.b,
        strength=body.strength,
        source=body.source,
        since=body.since,
    )
    return TieOut.of(tie)


@router.post("/interactions", status_code=201, tags=["interactions"])
def log_interaction(request: Request, body: InteractionIn) -> InteractionOut:
    """Something that happened between me and people (date: default today)."""
    found = network.log(
        store_of(request),
        body.kind,
        body.people,
        on=body.date or today_of(request),
        note=body.note,
        minutes=body.minutes,
    )
    return InteractionOut.of(found)
