"""A chapter over HTTP: weeks, referral slips, thanks for closed business, attendance and the
weekly report (API). Thin over teamserver/chapters.py; every POST honours Idempotency-Key.

Who may: members give, edit (their own, while the week is open), move (received ones) and
thank; leaders and up (vice-president, committee: docs/team.md, "Chapters") record attendance
and close the week. A space that is not a group answers 404 to all of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field

from whoknows.teamserver import (
    chapter_charts,
    chapter_lights,
    chapter_meetings,
    chapter_slips,
    chapter_thanks,
    chapters,
)
from whoknows.teamserver.auth import Caller, role_at_least
from whoknows.teamserver.idempotency import answer_once
from whoknows.teamserver.routes.pages import page
from whoknows.teamserver.routes.reach import cache_dir

api = APIRouter(prefix="/api/v1/spaces/{slug}/chapter")
pages = APIRouter(prefix="/s/{slug}/chapter", include_in_schema=False)
PAGE_SLIPS = 30  # the newest on the page; `whoknows team slip list` has them all


def _in_chapter(needed: str) -> Callable[..., Caller]:
    check = role_at_least(needed)

    def chapter(who: Caller = Depends(check)) -> Caller:  # Annotated would not resolve here
        assert who.space is not None
        chapters.check_chapter(who.space.kind)
        return who

    return chapter


ChapterMember = Annotated[Caller, Depends(_in_chapter("member"))]
ChapterLeader = Annotated[Caller, Depends(_in_chapter("leader"))]


class SlipIn(BaseModel):
    client_id: str = Field(max_length=chapters.CLIENT_ID_MAX)
    to: int
    about: str = Field(max_length=chapter_slips.ABOUT_MAX)
    hot: int = Field(ge=1, le=5)
    note: str | None = Field(default=None, max_length=chapter_slips.NOTE_MAX)


class SlipEdit(BaseModel):
    about: str | None = Field(default=None, max_length=chapter_slips.ABOUT_MAX)
    hot: int | None = Field(default=None, ge=1, le=5)
    note: str | None = Field(default=None, max_length=chapter_slips.NOTE_MAX)


class StatusIn(BaseModel):
    status: str = Field(max_length=20)


class ThanksIn(BaseModel):
    client_id: str = Field(max_length=chapters.CLIENT_ID_MAX)
    to: int | None = None
    slip: int | None = None
    amount: str = Field(max_length=40)


class AttendIn(BaseModel):
    member: int
    status: str = Field(max_length=20)


class OneToOneIn(BaseModel):
    client_id: str = Field(max_length=chapters.CLIENT_ID_MAX)
    to: int
    met_on: dt.date
    note: str | None = Field(default=None, max_length=chapter_meetings.NOTE_MAX)


class BoardIn(BaseModel):
    join: bool


class RuleIn(BaseModel):
    amber: int = Field(ge=0, le=10_000)
    green: int = Field(ge=0, le=10_000)


class CloseIn(BaseModel):
    week: dt.date | None = None


def _once(
    request: Request,
    who: Caller,
    body: BaseModel | dict[str, Any],
    status: int,
    work: Callable[[], object],
) -> Response:
    payload = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
    return answer_once(request, who.conn, who.space_id, who.account_id, payload, status, work)


@api.get("/weeks")
def weeks(who: ChapterMember) -> dict[str, Any]:
    return chapters.weeks(who.conn, who.space_id)


@api.post("/weeks/close")
def close(request: Request, body: CloseIn, who: ChapterLeader) -> Response:
    return _once(
        request,
        who,
        body,
        200,
        lambda: chapters.close(who.conn, who.space_id, who.account_id, body.week),
    )


@api.get("/weeks/{week_id}/report")
def report(week_id: int, who: ChapterMember) -> Any:
    return chapters.report(who.conn, who.space_id, week_id)["body"]


@api.get("/weeks/{week_id}/report.csv")
def report_csv(week_id: int, who: ChapterMember) -> Response:
    found = chapters.report(who.conn, who.space_id, week_id)
    return PlainTextResponse(
        found["csv"],
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="week-{week_id}.csv"'},
    )


@api.post("/attendance")
def attend(request: Request, body: AttendIn, who: ChapterLeader) -> Response:
    return _once(
        request,
        who,
        body,
        200,
        lambda: chapters.attend(who.conn, who.space_id, who.account_id, body.member, body.status),
    )


@api.get("/slips")
def slips(who: ChapterMember) -> dict[str, Any]:
    return chapter_slips.slips(who.conn, who.space_id, who.account_id)


@api.post("/slips", status_code=201)
def give(request: Request, body: SlipIn, who: ChapterMember) -> Response:
    return _once(
        request,
        who,
        body,
        201,
        lambda: chapter_slips.give(
            who.conn,
            who.space_id,
            who.account_id,
            body.to,
            body.about,
            body.hot,
            body.note,
            body.client_id,
        ),
    )


@api.post("/slips/{slip_id}/edit")
def edit(request: Request, slip_id: int, body: SlipEdit, who: ChapterMember) -> Response:
    return _once(
        request,
        who,
        {"id": slip_id, **body.model_dump(mode="json")},
        200,
        lambda: chapter_slips.edit(
            who.conn,
            who.space_id,
            who.account_id,
            slip_id,
            about=body.about,
            hot=body.hot,
            note=body.note,
        ),
    )


@api.post("/slips/{slip_id}/withdraw")
def withdraw(request: Request, slip_id: int, who: ChapterMember) -> Response:
    return _once(
        request,
        who,
        {"id": slip_id},
        200,
        lambda: chapter_slips.withdraw(who.conn, who.space_id, who.account_id, slip_id),
    )


@api.post("/slips/{slip_id}/status")
def move(request: Request, slip_id: int, body: StatusIn, who: ChapterMember) -> Response:
    return _once(
        request,
        who,
        {"id": slip_id, "status": body.status},
        200,
        lambda: chapter_slips.move(who.conn, who.space_id, who.account_id, slip_id, body.status),
    )


@api.get("/thanks")
def thanks(who: ChapterMember) -> dict[str, Any]:
    return chapter_thanks.thanks(who.conn, who.space_id, who.account_id)


@api.post("/thanks", status_code=201)
def thank(request: Request, body: ThanksIn, who: ChapterMember) -> Response:
    return _once(
        request,
        who,
        body,
        201,
        lambda: chapter_thanks.thank(
            who.conn, who.space_id, who.account_id, body.to, body.amount, body.client_id, body.slip
        ),
    )


@api.get("/lights")
def lights(who: ChapterMember) -> dict[str, Any]:
    assert who.role is not None
    return chapter_lights.board(who.conn, who.space_id, who.account_id, who.role)


@api.post("/lights/rules/{part}")
def set_rule(request: Request, part: str, body: RuleIn, who: ChapterLeader) -> Response:
    return _once(
        request,
        who,
        {"part": part, **body.model_dump()},
        200,
        lambda: chapter_lights.set_rule(
            who.conn, who.space_id, who.account_id, part, body.amber, body.green
        ),
    )


@api.get("/one-to-ones")
def one_to_ones(who: ChapterMember) -> dict[str, Any]:
    return chapter_meetings.listing(who.conn, who.space_id, who.account_id)


@api.post("/one-to-ones", status_code=201)
def log_one_to_one(request: Request, body: OneToOneIn, who: ChapterMember) -> Response:
    return _once(
        request,
        who,
        body,
        201,
        lambda: chapter_meetings.log(
            who.conn,
            who.space_id,
            who.account_id,
            body.to,
            body.met_on,
            body.note,
            body.client_id,
        ),
    )


@api.post("/one-to-ones/{meeting_id}/confirm")
def confirm_one_to_one(request: Request, meeting_id: int, who: ChapterMember) -> Response:
    return _once(
        request,
        who,
        {"id": meeting_id},
        200,
        lambda: chapter_meetings.confirm(who.conn, who.space_id, who.account_id, meeting_id),
    )


@api.get("/leaderboard")
def leaderboard(who: ChapterMember) -> dict[str, Any]:
    return chapter_lights.leaderboard(who.conn, who.space_id, who.account_id)


@api.post("/leaderboard")
def opt(request: Request, body: BoardIn, who: ChapterMember) -> Response:
    return _once(
        request,
        who,
        body,
        200,
        lambda: chapter_lights.opt(who.conn, who.space_id, who.account_id, body.join),
    )


# --- pages (read-only: slips are given from the member's own whoknows) --------------------


@pages.get("", response_class=HTMLResponse)
def chapter_page(request: Request, who: ChapterMember) -> Response:
    assert who.role is not None
    return page(
        request,
        who,
        "chapter.html",
        space=who.space,
        slips=chapter_slips.slips(who.conn, who.space_id, who.account_id, PAGE_SLIPS)["slips"],
        thanks=chapter_thanks.thanks(who.conn, who.space_id, who.account_id),
        lights=chapter_lights.board(who.conn, who.space_id, who.account_id, who.role),
        weeks=chapters.weeks(who.conn, who.space_id)["weeks"],
    )


@pages.get("/weeks/{week_id}", response_class=HTMLResponse)
def report_page(request: Request, week_id: int, who: ChapterMember) -> Response:
    found = chapters.report(who.conn, who.space_id, week_id)["body"]
    series = chapter_charts.weeks_series(
        who.conn, who.space_id, dt.date.fromisoformat(found["week"])
    )
    drawn = chapter_charts.report_charts(series, cache_dir())
    return page(
        request,
        who,
        "chapter_report.html",
        space=who.space,
        report=found,
        week_id=week_id,
        drawn=drawn,
    )
