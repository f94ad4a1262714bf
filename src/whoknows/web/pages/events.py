"""Events: the list, a new event, quick capture on a phone, and the follow-up list with drafts."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from whoknows.errors import UserError
from whoknows.services import events, followups
from whoknows.web.common import blank_none, day_or, is_htmx, redirect, render, store_of, today_of

router = APIRouter(include_in_schema=False)
EventId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Optional = Annotated[str | None, Form()]
_ORG_MARK = re.compile(r"(?:^|\s)@(?=\S)")


@router.get("/events", response_class=HTMLResponse)
def events_page(request: Request) -> HTMLResponse:
    return render(request, "events.html", {"events": events.list_events(store_of(request))})


@router.post("/events")
def add_event(
    request: Request,
    name: Annotated[str, Form()],
    date: Optional = None,
    place: Optional = None,
    note: Optional = None,
) -> Response:
    on = day_or(date, today_of(request))
    event = events.add_event(
        store_of(request), name, on, place=blank_none(place), note=blank_none(note)
    )
    return redirect(f"/events/{event.id}")


def _page(request: Request, event_id: int) -> dict[str, object]:
    store = store_of(request)
    event = events.show_event(store, str(event_id))
    try:
        follow = followups.event_followup(store, str(event_id))
        problem = None
    except UserError as exc:
        follow, problem = None, str(exc)
    return {"event": event, "follow": follow, "follow_problem": problem}


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: EventId) -> HTMLResponse:
    return render(request, "event.html", _page(request, event_id))


def capture_line(name: str, email: str | None, organization: str | None, role: str | None) -> str:
    """The quick-capture line the events service reads: "Name <email> @Org / Role"."""
    clean = name.strip()
    if not clean:
        raise UserError("whom did you meet?", hint="type their name")
    if any(c in clean for c in "<>") or "/ " in clean or _ORG_MARK.search(clean):
        raise UserError(
            f"the name {clean!r} has characters quick capture reads as markers (<, >, @, /)",
            hint="add them on the People page instead",
        )
    for label, value in (("organization", organization), ("role", role)):
        if value and ("<" in value or ">" in value or (label == "organization" and "/ " in value)):
            raise UserError(f"the {label} {value!r} has < > or '/ ' in it", hint="leave them out")
    line = clean
    if email:
        line += f" <{email.strip()}>"
    if organization:
        line += f" @{organization.strip()}"
    if role:
        line += f" / {role.strip()}"
    return line


@router.post("/events/{event_id}/capture")
def capture(
    request: Request,
    event_id: EventId,
    name: Annotated[str, Form()],
    email: Optional = None,
    organization: Optional = None,
    role: Optional = None,
    gets: Optional = None,
) -> Response:
    line = capture_line(name, blank_none(email), blank_none(organization), blank_none(role))
    events.met(store_of(request), str(event_id), [line], giver=bool(gets))
    if is_htmx(request):
        return render(request, "_event_people.html", _page(request, event_id))
    return redirect(f"/events/{event_id}")
