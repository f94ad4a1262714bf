"""Settings (me, ideal client profile, cadences, the calendar token) and the calendar feed."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from whoknows.errors import UserError
from whoknows.services import calendar, icp, people, plan
from whoknows.services.money import default_currency
from whoknows.services.people import PersonInput
from whoknows.web import security
from whoknows.web.common import blank_none, lines, redirect, render, store_of, today_of

router = APIRouter(include_in_schema=False)
Optional = Annotated[str | None, Form()]


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request) -> HTMLResponse:
    store = store_of(request)
    try:
        me = people.get_person(store, "me")
    except UserError:
        me = None
    profile = icp.get_profile(store)
    cadence = plan.rules(store.settings)
    token = security.calendar_token(store.settings)
    feed = str(request.url_for("calendar_feed").include_query_params(token=token))
    return render(
        request,
        "settings.html",
        {
            "me": me,
            "profile": profile,
            "org_size": (
                f"{profile.min_org_size or ''}:{profile.max_org_size or ''}"
                if profile.min_org_size or profile.max_org_size
                else ""
            ),
            "cadence": [
                (f.name.replace("_", " "), getattr(cadence, f.name))
                for f in dataclasses.fields(cadence)
            ],
            "config_file": store.settings.config_dir / "config.toml",
            "capacity": plan.capacity(store.settings),
            "currency": default_currency(store.settings),
            "feed": feed,
        },
    )


@router.post("/settings/me")
def save_me(
    request: Request,
    name: Annotated[str, Form()],
    email: Optional = None,
    organization: Optional = None,
    role: Optional = None,
    serves: Optional = None,
    offers: Optional = None,
) -> Response:
    people.set_me(
        store_of(request),
        PersonInput(
            name=name,
            emails=lines(email),
            organization=blank_none(organization),
            role=blank_none(role),
            serves=blank_none(serves),
            offers=blank_none(offers),
        ),
    )
    return redirect("/settings")


@router.post("/settings/icp")
def save_icp(
    request: Request,
    industries: Optional = None,
    roles: Optional = None,
    cities: Optional = None,
    tags: Optional = None,
    org_size: Optional = None,
) -> Response:
    profile = icp.make_profile(
        industries=lines(industries),
        roles=lines(roles),
        cities=lines(cities),
        tags=lines(tags),
        org_size=blank_none(org_size),
    )
    icp.set_profile(store_of(request), profile)
    return redirect("/settings")


@router.post("/settings/calendar-token")
def rotate_token(request: Request) -> Response:
    security.rotate_calendar_token(store_of(request).settings)
    return redirect("/settings#calendar")


@router.get("/calendar.ics", name="calendar_feed")
def calendar_feed(
    request: Request,
    token: Annotated[str | None, Query(max_length=200)] = None,
    kind: Annotated[str, Query(pattern="^(both|events|todos)$")] = "both",
) -> Response:
    """The follow-up queue as an iCalendar feed a calendar app subscribes to (with the token)."""
    store = store_of(request)
    if not security.same_secret(security.calendar_token(store.settings), token):
        return Response(
            "the calendar token is missing or wrong (see Settings)\n",
            status_code=403,
            media_type="text/plain",
        )
    data = calendar.feed(store, today=today_of(request), kind=kind)
    return Response(
        data,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="whoknows-followups.ics"'},
    )
