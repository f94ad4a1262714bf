"""The firm-wide questions over HTTP: who-knows, path and introduction requests (API and pages).

Thin over teamserver/reach.py and teamserver/intros.py. Every question is one transaction
that counts against the member's limit and writes its audit event; intro POSTs honour
Idempotency-Key.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from whoknows.errors import UserError
from whoknows.teamserver import db, intros, reach
from whoknows.teamserver import snapshots as snapshots_
from whoknows.teamserver.auth import Caller, afterwards, reading, release, role_at_least
from whoknows.teamserver.idempotency import answer_once
from whoknows.teamserver.limits import RateLimited
from whoknows.teamserver.routes.pages import page

CACHE_ENV = "WHOKNOWS_TEAM_CACHE"
_MAKING = threading.Lock()  # one Snapshots per worker, however many first requests at once
api = APIRouter(prefix="/api/v1/spaces/{slug}")
pages = APIRouter(prefix="/s/{slug}", include_in_schema=False)
Asker = Annotated[Caller, Depends(role_at_least("member"))]


class IntroIn(BaseModel):
    colleague: int
    about: str = Field(max_length=200)
    why: str = Field(max_length=intros.WHY_MAX)
    client_id: str | None = Field(default=None, max_length=100)


def cache_dir() -> Path:
    """Where this server's workers share their snapshots (WHOKNOWS_TEAM_CACHE, or a folder
    under the user's cache)."""
    found = os.environ.get(CACHE_ENV)
    if found:
        return Path(found)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "whoknows" / "team"


def snapshots(request: Request) -> snapshots_.Snapshots:
    """This worker's snapshots, made on first use with an engine of their own (one
    connection: a build never waits for a connection that a waiting request holds)."""
    state = request.app.state
    found: snapshots_.Snapshots | None = getattr(state, "snapshots", None)
    if found is not None:
        return found
    with _MAKING:
        if getattr(state, "snapshots", None) is not None:
            made: snapshots_.Snapshots = state.snapshots
            return made
        engine = db.connect(state.settings.database_url, pool_size=1)
        listen = state.settings.database_url if state.settings.listen else None
        found = snapshots_.Snapshots(engine, cache_dir(), listen)
        state.snapshots = found
    return found


def _path(request: Request, who: Caller, to: str) -> dict[str, Any]:
    """Counted, audited and its targets read in the request's transaction, which then ends:
    the search runs on the snapshot with no connection held, and a short transaction (on the
    replica with `--read-db`) describes what it found."""
    held = snapshots(request)
    asked = reach.ask_path(who.conn, who.space_id, who.account_id, to)
    version = held.version(who.conn, who.space_id)
    release(request)
    pooled = held.current(who.space_id, version)
    chains = reach.search(pooled, who.account_id, asked)
    with afterwards(request, who) as read:
        return reach.answer_paths(read, who.space_id, who.account_id, pooled, asked, chains)


# --- API -----------------------------------------------------------------------------------


def _who_knows(request: Request, who: Caller, org: str) -> dict[str, Any]:
    """Counted and audited in the request's transaction; answered from the replica when the
    server has one (`--read-db`)."""
    with reading(request, who) as read:
        return reach.who_knows(who.conn, who.space_id, who.account_id, org, read=read)


@api.get("/who-knows")
def who_knows_api(
    request: Request, who: Asker, org: Annotated[str, Query(max_length=200)] = ""
) -> dict[str, Any]:
    return _who_knows(request, who, org)


@api.get("/path")
def path_api(
    request: Request, who: Asker, to: Annotated[str, Query(max_length=300)] = ""
) -> dict[str, Any]:
    return _path(request, who, to)


@api.get("/intros")
def intros_api(who: Asker) -> dict[str, Any]:
    return intros.listing(who.conn, who.space_id, who.account_id)


@api.post("/intros", status_code=201)
def ask_api(request: Request, body: IntroIn, who: Asker) -> Response:
    return answer_once(
        request,
        who.conn,
        who.space_id,
        who.account_id,
        body.model_dump(),
        201,
        lambda: intros.create(
            who.conn,
            who.space_id,
            who.account_id,
            body.colleague,
            body.about,
            body.why,
            body.client_id,
        ),
    )


def _decide(request: Request, who: Caller, intro_id: int, status: str) -> Response:
    return answer_once(
        request,
        who.conn,
        who.space_id,
        who.account_id,
        {"id": intro_id, "status": status},
        200,
        lambda: intros.decide(who.conn, who.space_id, who.account_id, intro_id, status),
    )


@api.post("/intros/{intro_id}/accept")
def accept_api(request: Request, intro_id: int, who: Asker) -> Response:
    return _decide(request, who, intro_id, "accepted")


@api.post("/intros/{intro_id}/decline")
def decline_api(request: Request, intro_id: int, who: Asker) -> Response:
    return _decide(request, who, intro_id, "declined")


@api.post("/intros/{intro_id}/withdraw")
def withdraw_api(request: Request, intro_id: int, who: Asker) -> Response:
    return _decide(request, who, intro_id, "withdrawn")


# --- pages ---------------------------------------------------------------------------------


@pages.get("/who-knows", response_class=HTMLResponse)
def who_knows_page(
    request: Request, who: Asker, org: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    answer, error = None, None
    if org.strip():
        try:
            answer = _who_knows(request, who, org)
        except RateLimited:
            raise
        except UserError as exc:
            error = exc.message
    return page(
        request, who, "who_knows.html", space=who.space, org=org, answer=answer, error=error
    )


@pages.get("/path", response_class=HTMLResponse)
def path_page(
    request: Request, who: Asker, to: Annotated[str, Query(max_length=300)] = ""
) -> Response:
    answer, error = None, None
    if to.strip():
        try:
            answer = _path(request, who, to)
        except RateLimited:
            raise
        except UserError as exc:
            error = exc.message
    return page(request, who, "path.html", space=who.space, to=to, answer=answer, error=error)


@pages.get("/intros", response_class=HTMLResponse)
def intros_page(request: Request, who: Asker) -> Response:
    found = intros.listing(who.conn, who.space_id, who.account_id)["intros"]
    return page(request, who, "intros.html", space=who.space, intros=found)


@pages.post("/intros/{intro_id}/{decision}")
def decide_page(
    request: Request,
    intro_id: int,
    decision: str,
    who: Asker,
) -> Response:
    status = {"accept": "accepted", "decline": "declined", "withdraw": "withdrawn"}.get(decision)
    if status is None:
        raise UserError(f"unknown decision {decision!r}")
    intros.decide(who.conn, who.space_id, who.account_id, intro_id, status)
    assert who.space is not None
    return RedirectResponse(f"/s/{who.space.slug}/intros", status_code=303)
