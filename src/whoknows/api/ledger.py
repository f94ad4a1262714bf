"""API: events, the give/get ledger, introductions and referrals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from whoknows.api.common import ERRORS, PAGED, Limit, Offset, paged
from whoknows.api.ledger_schemas import (
    BalanceOut,
    ExchangeIn,
    ExchangeOut,
    IntroDraftsOut,
    IntroIn,
    IntroOut,
    IntroStepIn,
    MoveIn,
    ReferralIn,
    ReferralOut,
)
from whoknows.api.schemas import (
    EventIn,
    EventOut,
    MetIn,
    MetOut,
)
from whoknows.errors import UserError
from whoknows.http import store_of, today_of
from whoknows.services import events, introductions, ledger, paging, referrals

router = APIRouter(responses=ERRORS)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Filter = Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00]*$")]
Day = Annotated[str | None, Query(max_length=10, pattern=r"^\d{4}-\d{2}-\d{2}$")]


@router.get("/events", tags=["events"], responses=PAGED)
def list_events(
    request: Request, response: Response, limit: Limit = paging.DEFAULT_LIMIT, offset: Offset = 0
) -> list[EventOut]:
    """Events, newest first, with the people met there, a page at a time (the total in
    X-Total-Count)."""
    page = events.events_page(store_of(request), paging.Window(limit, offset))
    return [EventOut.of(e) for e in paged(request, response, page)]


@router.post("/events", status_code=201, tags=["events"])
def add_event(request: Request, body: EventIn) -> EventOut:
    """A networking event."""
    found = events.add_event(
        store_of(request), body.name, body.date, place=body.place, note=body.note
    )
    return EventOut.of(found)


@router.get("/events/{event_id}", tags=["events"])
def get_event(request: Request, event_id: Id) -> EventOut:
    """An event and the people met there."""
    return EventOut.of(events.show_event(store_of(request), str(event_id)))


@router.post("/events/{event_id}/met", tags=["events"])
def met(request: Request, event_id: Id, body: MetIn) -> MetOut:
    """The people met at an event (giver: they get Give to Get); new ones are created."""
    found = events.met(store_of(request), str(event_id), body.people, giver=body.giver)
    return MetOut.of(found)


@router.get("/ledger/balance", tags=["ledger"])
def balance(request: Request, person: Filter = None, since: Day = None) -> BalanceOut:
    """Giving and receiving: overall, per person, with the flags (or one person's entries)."""
    from whoknows.services import validate

    start = validate.date(since, "since") if since else None
    found = ledger.balance(store_of(request), person or None, since=start, today=today_of(request))
    return BalanceOut.of(found)


@router.post("/ledger", status_code=201, tags=["ledger"])
def record(request: Request, body: ExchangeIn) -> ExchangeOut:
    """One ledger entry: I gave PERSON something, or PERSON gave me something."""
    store = store_of(request)
    on = body.date or today_of(request)
    if body.direction == "gave":
        found = ledger.give(
            store, body.person, body.kind, to=body.to, note=body.note, value=body.value, on=on
        )
    else:
        if body.to is not None:
            raise UserError("'to' is for what you gave", hint="leave it out")
        found = ledger.got(store, body.person, body.kind, note=body.note, value=body.value, on=on)
    return ExchangeOut.of(found)


@router.get("/introductions", tags=["introductions"], responses=PAGED)
def list_introductions(
    request: Request,
    response: Response,
    state: Filter = None,
    limit: Limit = paging.DEFAULT_LIMIT,
    offset: Offset = 0,
) -> list[IntroOut]:
    """Introductions, newest first, optionally at one state (proposed, asked, accepted, made,
    declined), a page at a time (the total in X-Total-Count)."""
    window = paging.Window(limit, offset)
    page = introductions.introductions_page(store_of(request), window, state=state or None)
    return [IntroOut.of(i) for i in paged(request, response, page)]


@router.post("/introductions", status_code=201, tags=["introductions"])
def propose(request: Request, body: IntroIn) -> IntroOut:
    """Propose introducing A and B; the reputation guard refuses (409, reasons) unless force."""
    store = store_of(request)
    day = today_of(request)
    # A refusal goes out as the service raised it: its reasons, and "send force=true" added to
    # its hint by the error handler (WhoknowsError.go_ahead), as on the other surfaces.
    found = introductions.propose(store, body.a, body.b, why=body.why, force=body.force, today=day)
    return IntroOut.of(found)


@router.post("/introductions/{intro_id}", tags=["introductions"])
def step(request: Request, intro_id: Id, body: IntroStepIn) -> IntroDraftsOut:
    """Carry an introduction on: ask both, accept (side a or b), make, decline, or its outcome."""
    store = store_of(request)
    day = today_of(request)
    if body.action in ("ask", "make"):
        made = (introductions.ask if body.action == "ask" else introductions.make)(
            store, intro_id, today=day
        )
        return IntroDraftsOut.of(made)
    if body.action == "accept":
        view = introductions.accept(store, intro_id, body.side or "")
    elif body.action == "decline":
        view = introductions.decline(store, intro_id, today=day)
    else:
        view = introductions.outcome(store, intro_id, body.result or "", note=body.note, today=day)
    return IntroDraftsOut(introduction=IntroOut.of(view), drafts=[])


@router.get("/referrals", tags=["referrals"], responses=PAGED)
def list_referrals(
    request: Request,
    response: Response,
    status: Filter = None,
    limit: Limit = paging.DEFAULT_LIMIT,
    offset: Offset = 0,
) -> list[ReferralOut]:
    """Referrals, newest first (status: one status, or "open"), a page at a time (the total in
    X-Total-Count)."""
    window = paging.Window(limit, offset)
    page = referrals.referrals_page(store_of(request), window, status or None)
    return [ReferralOut.of(r) for r in paged(request, response, page)]


@router.post("/referrals", status_code=201, tags=["referrals"])
def add_referral(request: Request, body: ReferralIn) -> ReferralOut:
    """A referral passed to me (from) or by me (to), about a person or org:NAME."""
    found = referrals.add(
        store_of(request),
        body.from_,
        body.about,
        body.to,
        note=body.note,
        value=body.value,
        on=body.date or today_of(request),
    )
    return ReferralOut.of(found)


@router.post("/referrals/{referral_id}/move", tags=["referrals"])
def move(request: Request, referral_id: Id, body: MoveIn) -> ReferralOut:
    """Move a referral to a status (won takes a value, lost a reason)."""
    store = store_of(request)
    day = today_of(request)
    status = referrals.check_status(body.status)
    if status == "won":
        found = referrals.won(store, referral_id, body.value, on=day)
    elif status == "lost":
        found = referrals.lost(store, referral_id, body.reason, on=day)
    else:
        found = referrals.move(store, referral_id, status, on=day)
    return ReferralOut.of(found)
