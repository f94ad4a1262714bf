"""A chapter's visitors from the visitor host's machine (thin over the team server's
…/chapter/visitors API, docs/team.md "Chapters"): record one with the capture line, list
them, move one along the trail. Each recording carries a client id made here (or given, to
retry one): the server keeps one visitor per id. `whoknows team pull` brings the ones I
recorded into my own network (pull_visitors.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import httpx

from whoknows.services.store import Store
from whoknows.services.team import link
from whoknows.services.team.chapter import _get, _member_id, _path, _post

MOVES = ("invited", "applied", "joined", "not_now")


def add(
    store: Store,
    capture: str,
    invited_by: str | None = None,
    *,
    client_id: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> dict[str, Any]:
    """Record a visitor ("Name <email> @Org / Role"), invited by a member or nobody."""
    with link.connect(store, transport=transport) as (joined, client):
        body = {
            "client_id": client_id or str(uuid.uuid4()),
            "capture": capture,
            "invited_by": _member_id(joined, client, invited_by) if invited_by else None,
        }
        answer: dict[str, Any] = client.post(_path(joined, client, "visitors"), body)
    return answer


def listing(store: Store, *, transport: httpx.BaseTransport | None = None) -> dict[str, Any]:
    """The chapter's visitors, newest first, with their trails (leaders)."""
    return _get(store, "visitors", transport=transport)


def move(
    store: Store,
    visitor_id: int,
    status: str,
    on: dt.date | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
) -> dict[str, Any]:
    """Move a visitor: invited, applied, joined or not_now (leaders), on ON or today."""
    status = status.strip().lower().replace(" ", "_").replace("-", "_")
    body = {"status": status, "on": on.isoformat() if on else None}
    return _post(store, body, "visitors", str(visitor_id), "move", transport=transport)
