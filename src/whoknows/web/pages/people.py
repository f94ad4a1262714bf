"""People: search and filter, one person's page, add and edit, and what I do with them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from whoknows.core import models
from whoknows.core.tiestrength import described
from whoknows.errors import Ambiguous, NotFound, UserError
from whoknows.services import followups, ledger, network, pages, paging, people
from whoknows.services.people import PersonInput
from whoknows.web.common import (
    blank_none,
    day_or,
    is_htmx,
    lines,
    redirect,
    render,
    safe_next,
    store_of,
    today_of,
)

router = APIRouter(include_in_schema=False)
PersonId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Text = Annotated[str, Form()]
Optional = Annotated[str | None, Form()]
STAGES = [s.value for s in models.Stage]
KINDS = [k.value for k in models.InteractionKind if k is not models.InteractionKind.EVENT]


@router.get("/people", response_class=HTMLResponse)
def people_page(
    request: Request,
    q: Annotated[str | None, Query(max_length=200)] = None,
    tag: Annotated[str | None, Query(max_length=100)] = None,
    stage: Annotated[str | None, Query(max_length=40)] = None,
    org: Annotated[str | None, Query(max_length=200)] = None,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> HTMLResponse:
    store = store_of(request)
    q, tag, stage, org = (blank_none(v) for v in (q, tag, stage, org))
    window = paging.Window(paging.DEFAULT_LIMIT, offset)
    problem = None
    try:
        if q:
            page = people.search_page(store, q, window, tag=tag, stage=stage, organization=org)
        else:
            page = people.people_page(store, window, tag=tag, stage=stage, organization=org)
    except (NotFound, Ambiguous) as exc:  # the organization filter names none, or several
        page, problem = paging.of_list([], window), exc.message
    context = {
        "people": page.items,
        "page": page,
        "problem": problem,
        "noun": "matches" if q else "people",
        "q": q or "",
        "tag": tag or "",
        "stage": stage or "",
        "org": org or "",
        "stages": STAGES,
        "total": people.count_people(store),
    }
    if is_htmx(request):
        return render(request, "_people_rows.html", context)
    return render(request, "people.html", context)


@router.post("/people")
def add_person(
    request: Request,
    name: Text,
    email: Optional = None,
    organization: Optional = None,
    role: Optional = None,
    industry: Optional = None,
    city: Optional = None,
    tags: Optional = None,
    serves: Optional = None,
    asks: Optional = None,
    offers: Optional = None,
    notes: Optional = None,
) -> Response:
    person = people.add_person(
        store_of(request),
        PersonInput(
            name=name,
            emails=lines(email),
            organization=blank_none(organization),
            role=blank_none(role),
            industry=blank_none(industry),
            city=blank_none(city),
            tags=lines(tags),
            serves=blank_none(serves),
            asks=blank_none(asks),
            offers=blank_none(offers),
            notes=blank_none(notes),
        ),
    )
    return redirect(f"/people/{person.id}")


def tie_explanation(tie: models.Tie) -> str:
    parts = []
    if tie.strength is not None:
        parts.append(described(tie.strength))
    parts.append(f"from {tie.source.value if hasattr(tie.source, 'value') else tie.source}")
    if tie.since:
        parts.append(f"known since {tie.since}")
    if tie.last_seen:
        parts.append(f"last seen {tie.last_seen}")
    return "; ".join(parts)


@router.get("/people/{person_id}", response_class=HTMLResponse)
def person_page(request: Request, person_id: PersonId) -> HTMLResponse:
    page = pages.person_page(store_of(request), str(person_id), today=today_of(request))
    return render(
        request,
        "person.html",
        {
            "p": page.person,
            "found": page.detail,
            "ties": [(t, tie_explanation(t.tie)) for t in page.detail.ties],
            "balance": page.balance,
            "intros": page.introductions,
            "referrals": page.referrals,
            "advocate": page.advocate,
            "cadence": page.cadence,
            "stages": STAGES,
            "kinds": KINDS,
            "gift_kinds": ledger.KINDS,
        },
    )


@router.get("/people/{person_id}/edit", response_class=HTMLResponse)
def edit_page(request: Request, person_id: PersonId) -> HTMLResponse:
    person = people.get_person(store_of(request), str(person_id))
    return render(request, "person_edit.html", {"p": person, "stages": STAGES})


@router.post("/people/{person_id}/edit")
def edit_person(
    request: Request,
    person_id: PersonId,
    name: Text,
    emails: Optional = None,
    phones: Optional = None,
    organization: Optional = None,
    role: Optional = None,
    industry: Optional = None,
    city: Optional = None,
    tags: Optional = None,
    serves: Optional = None,
    asks: Optional = None,
    offers: Optional = None,
    notes: Optional = None,
    trust: Optional = None,
) -> Response:
    store = store_of(request)
    before = people.get_person(store, str(person_id))
    new_emails, new_phones, new_tags = lines(emails), lines(phones), lines(tags)
    rating = None
    if blank_none(trust):
        try:
            rating = int(trust or "")
        except ValueError as exc:
            raise UserError("trust is a number from 1 to 5", hint="e.g. 4") from exc
    people.edit_person(
        store,
        str(person_id),
        PersonInput(
            name=name,
            emails=new_emails,
            phones=new_phones,
            tags=new_tags,
            organization=organization or "",
            role=role or "",
            industry=industry or "",
            city=city or "",
            serves=serves or "",
            asks=asks or "",
            offers=offers or "",
            notes=notes or "",
            trust=rating,
            drop_emails=[e for e in before.emails if e not in new_emails],
            drop_phones=[p for p in before.phones if p not in new_phones],
            drop_tags=[t for t in before.tags if t not in new_tags],
        ),
    )
    return redirect(f"/people/{person_id}")


@router.post("/people/{person_id}/stage")
def set_stage(request: Request, person_id: PersonId, stage: Text) -> Response:
    people.set_stage(store_of(request), str(person_id), stage)
    return redirect(f"/people/{person_id}")


@router.post("/people/{person_id}/cadence")
def set_cadence(request: Request, person_id: PersonId, days: Annotated[int, Form()]) -> Response:
    followups.set_cadence(store_of(request), str(person_id), days)
    return redirect(f"/people/{person_id}")


def _date(value: str | None, request: Request) -> dt.date:
    return day_or(value, today_of(request))


@router.post("/people/{person_id}/log")
def log_interaction(
    request: Request,
    person_id: PersonId,
    kind: Text,
    note: Optional = None,
    date: Optional = None,
) -> Response:
    network.log(
        store_of(request),
        kind,
        [str(person_id)],
        on=_date(date, request),
        note=blank_none(note),
    )
    return redirect(f"/people/{person_id}")


@router.post("/people/{person_id}/exchange")
def record_exchange(
    request: Request,
    person_id: PersonId,
    direction: Text,
    kind: Text,
    note: Optional = None,
    value: Optional = None,
    to: Optional = None,
    date: Optional = None,
) -> Response:
    store = store_of(request)
    on = _date(date, request)
    if direction == "gave":
        ledger.give(
            store,
            str(person_id),
            kind,
            to=blank_none(to),
            note=blank_none(note),
            value=blank_none(value),
            on=on,
        )
    elif direction == "got":
        ledger.got(
            store, str(person_id), kind, note=blank_none(note), value=blank_none(value), on=on
        )
    else:
        raise UserError(f"direction {direction!r} is not known", hint="use gave or got")
    return redirect(f"/people/{person_id}")


@router.post("/people/{person_id}/done")
def followed_up(
    request: Request,
    person_id: PersonId,
    note: Optional = None,
    kind: Optional = None,
    next: Optional = None,
) -> Response:
    followups.done(
        store_of(request),
        str(person_id),
        note=blank_none(note),
        on=today_of(request),
        kind=blank_none(kind) or "message",
    )
    return redirect(safe_next(next, f"/people/{person_id}"))


@router.post("/people/{person_id}/snooze")
def snooze(request: Request, person_id: PersonId, days: Annotated[int, Form()]) -> Response:
    followups.snooze(store_of(request), str(person_id), days, today=today_of(request))
    return redirect(f"/people/{person_id}")
