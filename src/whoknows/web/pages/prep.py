"""The sheet before a 1-to-1 (`whoknows prep PERSON`), as a page reachable from the plan."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from whoknows.services import prep
from whoknows.web.common import render, store_of, today_of

router = APIRouter(include_in_schema=False)
PersonId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/people/{person_id}/prep", response_class=HTMLResponse)
def prep_page(request: Request, person_id: PersonId) -> HTMLResponse:
    found = prep.sheet(store_of(request), f"#{person_id}", today=today_of(request))
    return render(request, "prep.html", {"sheet": found, "facts": list(prep.facts(found))})


@router.get("/people/{person_id}/prep.md", response_class=PlainTextResponse)
def prep_markdown(request: Request, person_id: PersonId) -> PlainTextResponse:
    found = prep.sheet(store_of(request), f"#{person_id}", today=today_of(request))
    return PlainTextResponse(
        prep.render(found, "md"),
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="prep-{person_id}.md"'},
    )
