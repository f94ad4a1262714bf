"""The dashboard: who is due, the give/get balance, top advocates, the pipeline, recent events."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from whoknows.core.acquaintance import STATUSES
from whoknows.core.plan import timing
from whoknows.errors import UserError
from whoknows.services import events, ledger, paging, people, plan, reach, referrals
from whoknows.web.common import render, store_of, today_of

router = APIRouter(include_in_schema=False)
T = TypeVar("T")


def attempt(make: Callable[[], T]) -> tuple[T | None, str | None]:
    """A section's data, or why it cannot be shown yet (e.g. "who you are is not set")."""
    try:
        return make(), None
    except UserError as exc:
        return None, str(exc)


def pipeline_of(views: list[referrals.ReferralView]) -> list[dict[str, Any]]:
    counts = Counter(v.status for v in views)
    won: dict[str, Decimal] = {}
    for v in views:
        if v.status == "won" and v.value is not None and v.currency:
            won[v.currency] = won.get(v.currency, Decimal(0)) + v.value
    return [
        {"status": status, "count": counts.get(status, 0), "won": won if status == "won" else {}}
        for status in STATUSES
    ]


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request) -> HTMLResponse:
    store = store_of(request)
    day = today_of(request)
    week, due_error = attempt(lambda: plan.page(store, today=day))
    balance, balance_error = attempt(lambda: ledger.balance(store, today=day))
    top, top_error = attempt(lambda: reach.advocates(store, top=5, today=day)[1])
    pipeline = pipeline_of(referrals.list_referrals(store))
    recent = events.events_page(store, paging.Window(5)).items  # not every event for five
    return render(
        request,
        "dashboard.html",
        {
            "due": [(item, timing(item.reasons[0].due, day)) for item in week.items]
            if week
            else [],
            "week": week,
            "due_error": due_error,
            "balance": balance,
            "balance_error": balance_error,
            "advocates": top or [],
            "advocates_error": top_error,
            "pipeline": pipeline,
            "events": recent,
            "people_count": people.count_people(store),
        },
    )
