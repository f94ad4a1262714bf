"""A member's push, and what their machine needs to push (docs/team-design.md, "Push").

POST /api/v1/spaces/{slug}/push (members and up; Idempotency-Key honoured; PUSH_LIMIT pushes
a member an hour) applies one push in the request's transaction (pool.push);
GET /api/v1/spaces/{slug}/sharing gives the space's key salt and the member's level and
version, which `whoknows team join` stores.
"""

from __future__ import annotations

import hashlib
import os
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from whoknows.core.sharing import Level
from whoknows.teamserver import chapter_power, limits, pool
from whoknows.teamserver.auth import Caller, Member, role_at_least
from whoknows.teamserver.idempotency import answer_once

router = APIRouter(prefix="/api/v1")
Pusher = Annotated[Caller, Depends(role_at_least("member"))]  # guests see; they do not pool

MAX_CONTACTS = 200_000  # in one push: well above any one person's network
PUSH_LIMIT = (int(os.environ.get("WHOKNOWS_TEAM_PUSHES_PER_HOUR", "60")), 3600)
"""Pushes per member per space per window (limit, seconds): a push rewrites the member's rows
and moves the space's graph version (every worker refreshes its snapshot), so a member's
machine may not push without end; a refused push answers 429 with Retry-After."""
_TEXT = 500


class ContactIn(BaseModel):
    key: str = Field(pattern=r"^[0-9a-f]{64}$")
    band: Literal["weak", "good", "strong"]
    name: str | None = Field(default=None, max_length=_TEXT)
    role: str | None = Field(default=None, max_length=_TEXT)
    org: str | None = Field(default=None, max_length=_TEXT)
    org_key: str | None = Field(default=None, max_length=_TEXT)


class SphereIn(BaseModel):
    """A chapter member's contact sphere, shared by choice; both empty withdraws it."""

    serves: str = Field(default="", max_length=chapter_power.SERVES_MAX)
    ideal: dict[str, list[Annotated[str, Field(max_length=200)]]] = Field(default_factory=dict)


class PushIn(BaseModel):
    base: int | None = Field(default=None, ge=0)
    level: Literal["nothing", "who", "name"]
    upsert: list[ContactIn] = Field(default_factory=list, max_length=MAX_CONTACTS)
    remove: list[Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]] = Field(
        default_factory=list, max_length=MAX_CONTACTS
    )
    complete: bool = False
    sphere: SphereIn | None = None  # absent: unchanged (a chapter only)


@router.get("/spaces/{slug}/sharing")
def sharing(who: Member) -> dict[str, object]:
    return pool.sharing(who.conn, who.space_id, who.account_id)


@router.post("/spaces/{slug}/push")
def push(request: Request, body: PushIn, who: Pusher) -> Response:
    limit, per = PUSH_LIMIT
    limits.hit(who.conn, f"push:{who.space_id}:{who.account_id}", limit, per, what="pushes")

    def apply() -> dict[str, int]:
        assert who.space is not None
        if body.sphere is not None and who.space.kind == "group":
            sphere = body.sphere
            chapter_power.share(who.conn, who.space_id, who.account_id, sphere.serves, sphere.ideal)
        return pool.push(
            who.conn,
            who.space_id,
            who.account_id,
            base=body.base,
            level=Level(body.level),
            upsert=[pool.Contact(**c.model_dump()) for c in body.upsert],
            remove=body.remove,
            complete=body.complete,
        ).as_json()

    # What a retry must match, as a digest: pydantic's JSON of 50,000 contacts takes a tenth
    # of a second, where encoding the dump for answer_once's own hash took seconds.
    digest = hashlib.sha256(body.model_dump_json().encode()).hexdigest()
    return answer_once(
        request, who.conn, who.space_id, who.account_id, {"push": digest}, 200, apply
    )
