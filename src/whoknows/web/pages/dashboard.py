"""The dashboard: who is due, the give/get balance, top advocates, the pipeline, recent events
(read by services/pages.py's `dashboard`, rendered here)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from whoknows.core.plan import timing
from whoknows.services import pages
from whoknows.web.common import render, store_of, today_of

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request) -> HTMLResponse:
    day = today_of(request)
    page = pages.dashboard(store_of(request), today=day)
    week = page.week
    return render(
        request,
        "dashboard.html",
        {
            "due": [(item, timing(item.reasons[0].due, day)) for item in week.items]
            if week
            else [],
            "week": week,
            "due_error": page.due_error,
            "balance": page.balance,
            "balance_error": page.balance_error,
            "advocates": page.advocates,
            "advocates_error": page.advocates_error,
            "pipeline": page.pipeline,
            "events": page.events,
            "people_count": page.people_count,
        },
    )
