"""The weekly meeting on a phone (`/s/SLUG/chapter/meeting`): plain forms that work without
JavaScript. Leaders mark attendance, record visitors and close the week; any member gives a
slip. Each form
carries the session's CSRF token and a client id made when the page was drawn, so a double
tap or a resubmitted form makes one slip. A success redirects back (POST, redirect, GET);
a refusal draws the page again with its one line, nothing of it written.

The work is the API's and the CLI's: chapters.attend, chapter_slips.give,
chapter_visitors.record, chapter_today.close_once. No logic here but choosing what to draw.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from whoknows.errors import WhoknowsError
from whoknows.teamserver import (
    chapter_slips,
    chapter_today,
    chapter_visitors,
    chapters,
    schema,
    spaces,
)
from whoknows.teamserver.auth import Caller
from whoknows.teamserver.routes.chapter import ChapterLeader, ChapterMember
from whoknows.teamserver.routes.pages import page

pages = APIRouter(prefix="/s/{slug}/chapter/meeting", include_in_schema=False)
DONE = {
    "attendance": "Attendance recorded.",
    "slip": "Slip given.",
    "visitor": "Visitor recorded.",
}


def _draw(
    request: Request,
    who: Caller,
    status: int = 200,
    error: str | None = None,
    hint: str | None = None,
    form: dict[str, object] | None = None,
) -> Response:
    assert who.space is not None
    assert who.role is not None
    done = DONE.get(request.query_params.get("done", ""))
    return page(
        request,
        who,
        "chapter_meeting.html",
        status,
        space=who.space,
        meeting=chapter_today.meeting(who.conn, who.space_id, who.account_id),
        leader=spaces.at_least(who.role, "leader"),
        statuses=schema.ATTENDANCE,
        client_id=uuid.uuid4().hex,
        done=None if error else done,
        error=error,
        hint=hint,
        form=form or {},
    )


def _act(
    request: Request, who: Caller, work: Callable[[], object], done: str, form: dict[str, object]
) -> Response:
    """Do WORK in a savepoint: redirect back when it is done, or draw the page again with
    its refusal (and what was typed), WORK's writes undone."""
    assert who.space is not None
    try:
        with who.conn.begin_nested():
            work()
    except WhoknowsError as exc:
        return _draw(request, who, exc.http_status, exc.message, exc.hint, form)
    return RedirectResponse(f"/s/{who.space.slug}/chapter/meeting?done={done}", status_code=303)


@pages.get("", response_class=HTMLResponse)
def meeting_page(request: Request, who: ChapterMember) -> Response:
    return _draw(request, who)


@pages.post("/attendance")
def attend(
    request: Request,
    who: ChapterLeader,
    member: Annotated[int, Form()],
    status: Annotated[str, Form(max_length=20)],
) -> Response:
    return _act(
        request,
        who,
        lambda: chapters.attend(who.conn, who.space_id, who.account_id, member, status),
        "attendance",
        {},
    )


@pages.post("/slips")
def give(
    request: Request,
    who: ChapterMember,
    client_id: Annotated[str, Form(max_length=chapters.CLIENT_ID_MAX)],
    to: Annotated[int, Form()],
    about: Annotated[str, Form(max_length=chapter_slips.ABOUT_MAX)] = "",
    hot: Annotated[int, Form(ge=1, le=5)] = 3,
    note: Annotated[str, Form(max_length=chapter_slips.NOTE_MAX)] = "",
) -> Response:
    typed: dict[str, object] = {
        "slip_client_id": client_id,
        "to": to,
        "about": about,
        "hot": hot,
        "note": note,
    }
    return _act(
        request,
        who,
        lambda: chapter_slips.give(
            who.conn, who.space_id, who.account_id, to, about, hot, note, client_id
        ),
        "slip",
        typed,
    )


@pages.post("/visitors")
def visitor(
    request: Request,
    who: ChapterLeader,
    client_id: Annotated[str, Form(max_length=chapters.CLIENT_ID_MAX)],
    capture: Annotated[str, Form(max_length=chapter_slips.ABOUT_MAX)] = "",
    invited_by: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    inviter = int(invited_by) if invited_by.isdigit() else None  # "": nobody (a walk-in)
    typed: dict[str, object] = {
        "visitor_client_id": client_id,
        "capture": capture,
        "invited_by": inviter,
    }
    return _act(
        request,
        who,
        lambda: chapter_visitors.record(
            who.conn, who.space_id, who.account_id, capture, inviter, client_id
        ),
        "visitor",
        typed,
    )


@pages.post("/close")
def close(
    request: Request,
    who: ChapterLeader,
    week: Annotated[dt.date, Form()],
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    assert who.space is not None
    if confirm != "yes":
        return _draw(
            request,
            who,
            400,
            f"the week of {week} is still open: tick the box to confirm the close",
            "a closed week's slips can no longer change",
        )
    try:
        with who.conn.begin_nested():
            week_id = chapter_today.close_once(who.conn, who.space_id, who.account_id, week)
    except WhoknowsError as exc:
        return _draw(request, who, exc.http_status, exc.message, exc.hint)
    return RedirectResponse(f"/s/{who.space.slug}/chapter/weeks/{week_id}", status_code=303)
