"""A chapter's visitors over HTTP (thin over teamserver/chapter_visitors.py): leaders record
them (once per client id; Idempotency-Key honoured too), list them and move them along their
trail; any member asks for the ones they host (`whoknows team pull` does, for the
follow-ups), which is none unless they recorded some.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from whoknows.teamserver import chapter_slips, chapter_visitors, chapters
from whoknows.teamserver.routes.chapter import ChapterLeader, ChapterMember, _once

api = APIRouter(prefix="/api/v1/spaces/{slug}/chapter/visitors")


class VisitorIn(BaseModel):
    client_id: str = Field(max_length=chapters.CLIENT_ID_MAX)
    capture: str = Field(max_length=chapter_slips.ABOUT_MAX)
    invited_by: int | None = None


class MoveIn(BaseModel):
    status: str = Field(max_length=20)
    on: dt.date | None = None


@api.get("")
def visitors(who: ChapterLeader) -> dict[str, Any]:
    return chapter_visitors.listing(who.conn, who.space_id)


@api.get("/mine")
def mine(who: ChapterMember) -> dict[str, Any]:
    return chapter_visitors.listing(who.conn, who.space_id, host_id=who.account_id)


@api.post("", status_code=201)
def record(request: Request, body: VisitorIn, who: ChapterLeader) -> Response:
    return _once(
        request,
        who,
        body,
        201,
        lambda: chapter_visitors.record(
            who.conn, who.space_id, who.account_id, body.capture, body.invited_by, body.client_id
        ),
    )


@api.post("/{visitor_id}/move")
def move(request: Request, visitor_id: int, body: MoveIn, who: ChapterLeader) -> Response:
    return _once(
        request,
        who,
        {"id": visitor_id, **body.model_dump(mode="json")},
        200,
        lambda: chapter_visitors.move(
            who.conn, who.space_id, who.account_id, visitor_id, body.status, body.on
        ),
    )
