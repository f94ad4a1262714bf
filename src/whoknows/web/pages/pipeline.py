"""The introductions board (double opt-in, guarded) and the referrals board (by status)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from whoknows.core.acquaintance import PIPELINE
from whoknows.errors import Conflict, NotFound, Refused, UserError
from whoknows.services import introductions, pages, referrals
from whoknows.web.common import blank_none, day_or, is_htmx, redirect, render, store_of, today_of

router = APIRouter(include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Optional = Annotated[str | None, Form()]
Column = Annotated[str | None, Query(max_length=20)]
Offset = Annotated[int, Query(ge=0, le=2**31 - 1)]


def next_status(status: str) -> str:
    """Where a referral at STATUS goes next (the default of its move)."""
    return PIPELINE[PIPELINE.index(status) + 1] if status in PIPELINE[:-1] else "lost"


def _intro_context(
    request: Request, state: str | None = None, offset: int = 0, **extra: Any
) -> dict[str, Any]:
    board = pages.introduction_board(
        store_of(request), shown=state, offset=offset, today=today_of(request)
    )
    return {
        "columns": board.columns,
        "ideas": board.ideas,
        "outcomes": introductions.OUTCOMES,
        **extra,
    }


@router.get("/introductions", response_class=HTMLResponse)
def introductions_page(request: Request, state: Column = None, offset: Offset = 0) -> HTMLResponse:
    return render(request, "introductions.html", _intro_context(request, state, offset))


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
    try:
        introductions.propose(store, a, b, why=blank_none(why), force=bool(force), today=day)
    except Refused as refused:  # the guard ran once; its reasons are on the refusal
        draft = {"a": a, "b": b, "why": why}
        context = _intro_context(request, warnings=list(refused.reasons), draft=draft)
        return render(request, "introductions.html", context, status=409)
    return redirect("/introductions")


@router.post("/introductions/request", response_model=None)
def ask_for_introduction(
    request: Request,
    via: Annotated[str, Form(max_length=200)],
    to: Annotated[str, Form(max_length=200)],
    why: Optional = None,
    force: Optional = None,
) -> Response:
    """Ask someone I know to introduce me to someone they know (a hop of a warm path): the
    guard's warnings about asking them come first, then "ask anyway"."""
    store = store_of(request)
    day = today_of(request)
    try:
        made = introductions.request(
            store, via, to, why=blank_none(why), force=bool(force), today=day
        )
    except Refused as refused:  # the guard ran once; its reasons are on the refusal
        asked = {"via": via, "to": to, "why": why or ""}
        context = _intro_context(request, request_warnings=list(refused.reasons), asked=asked)
        return render(request, "introductions.html", context, status=409)
    return redirect(f"/introductions#intro-tile-{made.id}")


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


def _board(request: Request, status: str | None = None, offset: int = 0) -> dict[str, Any]:
    columns = pages.referral_board(store_of(request), shown=status, offset=offset)
    return {"columns": columns, "pipeline": PIPELINE, "next_status": next_status}


@router.get("/referrals", response_class=HTMLResponse)
def referrals_page(request: Request, status: Column = None, offset: Offset = 0) -> HTMLResponse:
    return render(request, "referrals.html", _board(request, status, offset))


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
    try:
        checked = referrals.check_status(status)
        if (
            checked == "won"
            and blank_none(value) is None
            and referrals.get(store, referral_id).value is None
        ):
            raise UserError(
                f"what was referral #{referral_id} worth? a won referral says its value",
                hint="type the value next to won, e.g. 12000 EUR",
            )
        if checked == "won":
            referrals.won(store, referral_id, blank_none(value), on=day)
        elif checked == "lost":
            referrals.lost(store, referral_id, blank_none(reason), on=day)
        else:
            referrals.move(store, referral_id, checked, on=day)
    except UserError as exc:
        if not is_htmx(request) or isinstance(exc, NotFound):
            raise
        # said on the tile itself, where the move was typed (not at the top of the page)
        body: dict[str, Any] = {"error": exc.message, "hint": exc.hint_for("web"), "reasons": []}
        answer = render(
            request, "_error.html", body, status=409 if isinstance(exc, Conflict) else 400
        )
        answer.headers.update(
            {"HX-Retarget": f"#referral-{referral_id}-error", "HX-Reswap": "innerHTML"}
        )
        return answer
    if is_htmx(request):
        return render(request, "_referrals_board.html", _board(request))
    return redirect("/referrals")
