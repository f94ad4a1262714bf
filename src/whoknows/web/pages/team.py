"""Settings ▸ Team: the sharing level with a live preview of what colleagues will see, the
people kept private and the organizations blocked (the same services as `whoknows team …`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from whoknows.errors import UserError
from whoknows.services.paging import Window
from whoknows.services.team import link, projection, settings
from whoknows.web.common import redirect, render, store_of, today_of

router = APIRouter(include_in_schema=False)
Level = Annotated[str | None, Query(max_length=10)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


def _preview(request: Request, level: str | None, offset: int) -> dict[str, object]:
    store = store_of(request)
    chosen = settings.parse_level(level) if level else None
    try:
        found = projection.project(store, level=chosen, today=today_of(request))
    except UserError as exc:  # who I am is not set yet: nothing to preview
        return {"preview": None, "problem": exc}
    return {"preview": found, "page": found.page(Window(50, offset)), "problem": None}


@router.get("/settings/team", response_class=HTMLResponse)
def team_page(request: Request, level: Level = None, offset: Offset = 0) -> HTMLResponse:
    store = store_of(request)
    try:
        joined = link.linked(store).as_json()
    except UserError:
        joined = None
    context = {
        "sharing": settings.sharing(store),
        "joined": joined,
        **_preview(request, level, offset),
    }
    return render(request, "team.html", context)


@router.get("/settings/team/preview", response_class=HTMLResponse)
def team_preview(request: Request, level: Level = None, offset: Offset = 0) -> HTMLResponse:
    """The preview alone (htmx swaps it in as the level is changed, before saving)."""
    return render(request, "_team_preview.html", _preview(request, level, offset))


@router.post("/settings/team/level")
def save_level(request: Request, level: Annotated[str, Form(max_length=10)]) -> Response:
    settings.set_level(store_of(request), settings.parse_level(level))
    return redirect("/settings/team")


@router.post("/settings/team/private")
def save_private(
    request: Request,
    person: Annotated[str, Form(max_length=700)],
    off: Annotated[str | None, Form(max_length=5)] = None,
) -> Response:
    settings.set_private(store_of(request), person, not off)
    return redirect("/settings/team#private")


@router.post("/settings/team/block")
def save_block(
    request: Request,
    organization: Annotated[str, Form(max_length=200)],
    off: Annotated[str | None, Form(max_length=5)] = None,
) -> Response:
    settings.set_blocked(store_of(request), organization, not off)
    return redirect("/settings/team#blocked")
