"""The introductions board (double opt-in, guarded) and the referrals board (by status)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from whoknows.core.attribution import STATUSES
from whoknows.errors import UserError
from whoknows.services import introductions, referrals, suggest
from whoknows.web.common import blank_none, day_or, is_htmx, redirect, render, store_of, today_of

router = APIRouter(include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Optional = Annotated[str | None, Form()]


def _intro_context(request: Request, **extra: Any) -> dict[str, Any]:
    store = store_of(request)
    views = introductions.list_introductions(store)
    try:
        ideas = suggest.suggest(store, top=5, today=today_of(request))
    except UserError:
        ideas = []
    columns = [(state, [v for v in views if v.state == state]) for state in introductions.STATES]
    return {"columns": columns, "ideas": ideas, "outcomes": introductions.OUTCOMES, **extra}


@router.get("/introductions", response_class=HTMLResponse)
def introductions_page(request: Request) -> HTMLResponse:
    return render(request, "introductions.html", _intro_context(request))


@router.post("/introductions", response_model=None)
def propose(
    request: Request,
    a: Annotated[str, Form()],
    b: Annotated[str, Form()],
    why: Optional = None,
    force: Optional = None,
) -> Response:
    """Propose an introduction: the guard's warnings come first, then "propose anyway"."""
    store = store_of(request)
    day = today_of(request)
    if not force:
        warnings = introductions.check(store, a, b, today=day)
        if warnings:
            context = _intro_context(
                request, warnings=[str(w) for w in warnings], draft={"a": a, "b": b, "why": why}
            )
            return render(request, "introductions.html", context, status=409)
    introductions.propose(store, a, b, why=blank_none(why), force=bool(force), today=day)
    return redirect("/introductions")


@router.post("/introductions/{intro_id}/{action}", response_model=None)
def act(
    request: Request,
    intro_id: Id,
    action: Annotated[str, Path(max_length=20)],
    side: Optional = None,
    result: Optional = None,
    note: Optional = None,
) -> Response:
    store = store_of(request)
    day = today_of(request)
    if action in ("ask", "make"):
        made = (introductions.ask if action == "ask" else introductions.make)(
            store, intro_id, today=day
        )
        return render(request, "intro_drafts.html", {"made": made, "action": action})
    if action == "accept":
        introductions.accept(store, intro_id, side or "")
    elif action == "decline":
        introductions.decline(store, intro_id, today=day)
    elif action == "outcome":
        introductions.outcome(store, intro_id, result or "", note=blank_none(note), today=day)
    else:
        raise UserError(f"{action!r} is not something an introduction can do")
    return redirect("/introductions")


def _board(request: Request) -> dict[str, Any]:
    views = referrals.list_referrals(store_of(request))
    columns = [(status, [v for v in views if v.status == status]) for status in STATUSES]
    return {"columns": columns, "statuses": STATUSES}


@router.get("/referrals", response_class=HTMLResponse)
def referrals_page(request: Request) -> HTMLResponse:
    return render(request, "referrals.html", _board(request))


@router.post("/referrals")
def add_referral(
    request: Request,
    about: Annotated[str, Form()],
    source: Annotated[str, Form(alias="from")],
    value: Optional = None,
    note: Optional = None,
    date: Optional = None,
) -> Response:
    on = day_or(date, today_of(request))
    referrals.add(
        store_of(request),
        source,
        about,
        note=blank_none(note),
        value=blank_none(value),
        on=on,
    )
    return redirect("/referrals")


@router.post("/referrals/{referral_id}/move")
def move_referral(
    request: Request,
    referral_id: Id,
    status: Annotated[str, Form()],
    value: Optional = None,
    reason: Optional = None,
) -> Response:
    store = store_of(request)
    day = today_of(request)
    checked = referrals.check_status(status)
    if checked == "won":
        referrals.won(store, referral_id, blank_none(value), on=day)
    elif checked == "lost":
        referrals.lost(store, referral_id, blank_none(reason), on=day)
    else:
        referrals.move(store, referral_id, checked, on=day)
    if is_htmx(request):
        return render(request, "_referrals_board.html", _board(request))
    return redirect("/referrals")
