"""`whoknows team pull` in a chapter: confirmed 1-to-1s become interactions here.

Each confirmed 1-to-1 I logged or was logged with becomes a one-to-one interaction with the
other member on the day it happened (which makes or refreshes my tie to them), once: its
server id is remembered beside the slips' and the introductions'. Unconfirmed ones wait.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from whoknows.services import network
from whoknows.services.store import Store
from whoknows.services.team.colleagues import colleague_person
from whoknows.services.team.pull_slips import chapter_items
from whoknows.storage import team as rows


def pull(
    store: Store, *, transport: httpx.BaseTransport | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """Record the confirmed 1-to-1s that are new here: (what was recorded, what was not)."""
    recorded: list[dict[str, Any]] = []
    skipped: list[str] = []
    meetings = chapter_items(store, "one-to-ones", "one_to_ones", transport)
    if meetings is None:
        return recorded, skipped
    with store.read() as session:
        done = rows.pulled(session, store.owner_id)
    for meeting in sorted(meetings, key=lambda m: int(m["id"])):
        key = f"one-to-one:{meeting['id']}"
        if key in done or not meeting.get("confirmed"):
            continue
        other = colleague_person(store, meeting["with"])
        if other is None:
            skipped.append(f"1-to-1 {meeting['id']}: the member's email is not known")
            continue
        on = dt.date.fromisoformat(str(meeting["met_on"]))
        note = "chapter 1-to-1" + (f": {meeting['note']}" if meeting.get("note") else "")
        made = network.log(store, "one-to-one", [str(other)], on=on, note=note)
        done[key] = made.id
        name = str(meeting["with"].get("name") or "a member")
        recorded.append({"one_to_one": meeting["id"], "interaction": made.id, "with": name})
    if recorded:
        with store.write() as session:
            rows.set_pulled(session, store.owner_id, done)
    return recorded, skipped
