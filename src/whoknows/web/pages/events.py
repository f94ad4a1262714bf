"""Events: the list, a new event, quick capture on a phone, and the follow-up list with drafts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from whoknows.core.capture import CapturedPerson
from whoknows.errors import Ambiguous, Conflict, UserError
from whoknows.services import events, followups
from whoknows.web.common import blank_none, day_or, is_htmx, redirect, render, store_of, today_of

router = APIRouter(include_in_schema=False)
EventId = Annotated[int, Path(ge=1, le=2**31 - 1)]
PersonId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Optional = Annotated[str | None, Form()]
MAX_SHOWN = 20  # people of one name offered at once on a phone


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


@dataclass(frozen=True)
class CaptureForm:
    """The capture form as typed: what it shows again after a refusal, field by field."""

    name: str = ""
    email: str = ""
    organization: str = ""
    role: str = ""
    gets: bool = False

    def captured(self) -> CapturedPerson:
        return CapturedPerson(
            name=self.name.strip(),
            email=blank_none(self.email),
            organization=blank_none(self.organization),
            role=blank_none(self.role),
        )


def _page(request: Request, event_id: int, **capture: Any) -> dict[str, Any]:
    store = store_of(request)
    event = events.show_event(store, str(event_id))
    try:
        follow = followups.event_followup(store, str(event_id))
        problem = None
    except UserError as exc:
        follow, problem = None, str(exc)
    form = {"form": CaptureForm(), "errors": {}, "choices": [], "more": 0, "notice": None}
    return {"event": event, "follow": follow, "follow_problem": problem, **form, **capture}


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: EventId) -> HTMLResponse:
    return render(request, "event.html", _page(request, event_id))


def _choice(value: str | None) -> events.Choice | None:
    text = blank_none(value)
    if text is None:
        return None
    if text == events.NEW:
        return events.NEW
    if text.isdigit() and 0 < int(text) < 2**31:
        return int(text)
    raise UserError(f"choice {text[:20]!r} is not a person", hint="choose one of the list")


def _refused(
    request: Request, event_id: int, status: int, form: CaptureForm, **why: Any
) -> Response:
    """The form again, as typed, with each reason next to its field (nothing was written)."""
    context = _page(request, event_id, form=form, **why)
    if not is_htmx(request):
        return render(request, "event.html", context, status=status)
    # htmx shows error answers in #flash unless told otherwise: this one replaces the form.
    headers = {"HX-Retarget": "#capture", "HX-Reswap": "outerHTML"}
    answer = render(request, "_capture.html", context, status=status)
    answer.headers.update(headers)
    return answer


@router.post("/events/{event_id}/capture")
def capture(
    request: Request,
    event_id: EventId,
    name: Annotated[str, Form()] = "",
    email: Optional = None,
    organization: Optional = None,
    role: Optional = None,
    gets: Optional = None,
    choice: Optional = None,
) -> Response:
    """Capture one person met at the event. A name someone known already has is never attached
    by itself: the answer lists them (organization, role) with "someone new" to choose from."""
    form = CaptureForm(name, email or "", organization or "", role or "", bool(gets))
    captured = form.captured()
    errors = events.problems(captured)
    if errors:
        return _refused(request, event_id, 400, form, errors=errors)
    try:
        result = events.met(
            store_of(request),
            str(event_id),
            [captured],
            giver=form.gets,
            choice=_choice(choice),
            confirm=True,
        )
    except Ambiguous as exc:
        shown = exc.choices[:MAX_SHOWN]
        return _refused(
            request,
            event_id,
            409,
            form,
            errors={"name": exc.message},
            choices=shown,
            more=len(exc.choices) - len(shown),
        )
    except Conflict as exc:
        return _refused(request, event_id, 409, form, errors={"email": str(exc)})
    if not is_htmx(request):
        return redirect(f"/events/{event_id}")
    person = result.people[0]
    notice = (
        f"Added {person.name}."
        if result.created
        else f"{person.name} was already known: marked as met here."
    )
    return render(request, "_capture_done.html", _page(request, event_id, notice=notice))


@router.post("/events/{event_id}/people/{person_id}/gets")
def mark_gets(
    request: Request, event_id: EventId, person_id: PersonId, gets: Optional = None
) -> Response:
    """Change the "gets Give to Get" mark after the capture."""
    events.mark(store_of(request), str(event_id), person_id, gets_it=gets == "1")
    if is_htmx(request):
        return render(request, "_event_people.html", _page(request, event_id))
    return redirect(f"/events/{event_id}#met")
