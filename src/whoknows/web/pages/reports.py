"""Reports (the attribution charts and tables) and the referral brief (edit, preview, sent)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from whoknows.errors import UserError
from whoknows.services import brief, charts, people, report, report_view, validate
from whoknows.web.common import blank_none, redirect, render, store_of, today_of

router = APIRouter(include_in_schema=False)
Optional = Annotated[str | None, Form()]


@router.get("/reports", response_class=HTMLResponse)
def reports_page(
    request: Request, since: Annotated[str | None, Query(max_length=10)] = None
) -> HTMLResponse:
    store = store_of(request)
    text = blank_none(since)
    start = validate.date(text, "since") if text else None
    built = report.build(store, since=start, today=today_of(request))
    data = report_view.as_json(built)
    return render(
        request,
        "reports.html",
        {
            "data": data,
            "summary": report_view.thesis_line(built),
            "charts": charts.charts(store.cache, data),
            "sections": report_view.sections(data),
            "since": since or "",
        },
    )


@router.get("/brief", response_class=HTMLResponse)
def brief_page(request: Request) -> HTMLResponse:
    store = store_of(request)
    try:
        view: brief.BriefView | None = brief.show(store)
    except UserError:
        view = None
    return render(
        request,
        "brief.html",
        {
            "brief": view,
            "sections": brief.SECTIONS,
            "people": people.list_people(store, stage="advocate", limit=50),
        },
    )


@router.get("/brief/preview", response_class=HTMLResponse)
def brief_preview(request: Request) -> HTMLResponse:
    """The one-page brief as it is handed out (shown in a frame on the brief page)."""
    return HTMLResponse(brief.render(store_of(request), "html"))


@router.post("/brief")
def save_brief(
    request: Request,
    offer: Optional = None,
    problems: Optional = None,
    for_whom: Optional = None,
    results: Optional = None,
    wanted_intros: Optional = None,
) -> Response:
    brief.set_brief(
        store_of(request),
        offer=offer or "",
        problems=problems or "",
        for_whom=for_whom or "",
        results=results or "",
        wanted_intros=wanted_intros or "",
        on=today_of(request),
    )
    return redirect("/brief")


@router.post("/brief/sent")
def brief_sent(request: Request, person: Annotated[str, Form()]) -> Response:
    brief.sent(store_of(request), person, on=today_of(request))
    return redirect("/brief")
