"""`whoknows team pull` in a chapter: the visitors I recorded become people in my network,
met at the chapter's meeting, so that a follow-up falls due (`whoknows due`).

Each visitor I hosted is captured, once, at a local event "Chapter meeting" of the day they
visited (one event per day, made here the first time): the capture line finds someone I
know (by email, say) or adds them, as `whoknows event met` does, and being met at an event
is an interaction the follow-up plan counts. A capture that could be several people here is
skipped with its reason (capture them with `whoknows event met`, choosing). Visitors other
hosts recorded are theirs to follow up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from whoknows.errors import UserError
from whoknows.services import events
from whoknows.services.store import Store
from whoknows.services.team.pull_slips import chapter_items
from whoknows.storage import team as rows

EVENT = "Chapter meeting"


def pull(
    store: Store, *, transport: httpx.BaseTransport | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """Capture the visitors I recorded that are new here: (what was recorded, what was not)."""
    recorded: list[dict[str, Any]] = []
    skipped: list[str] = []
    visitors = chapter_items(store, "visitors/mine", "visitors", transport)
    if visitors is None:
        return recorded, skipped
    with store.read() as session:
        done = rows.pulled(session, store.owner_id)
    before = dict(done)
    for visitor in sorted(visitors, key=lambda v: int(v["id"])):
        key = f"visitor:{visitor['id']}"
        if key in done:
            continue
        on = dt.date.fromisoformat(str(visitor["visited_on"]))
        event_key = f"chapter-meeting:{on.isoformat()}"
        if done.get(event_key) is None:
            done[event_key] = events.add_event(store, EVENT, on).id
        try:
            met = events.met(store, f"#{done[event_key]}", [str(visitor["capture"])])
        except UserError as exc:  # several people here could be them
            skipped.append(f"visitor {visitor['id']}: {exc.message}")
            continue
        person = met.people[0]
        done[key] = person.id
        recorded.append({"visitor": visitor["id"], "person": person.id, "name": person.name})
    if done != before:  # a visitor recorded, or a day's event made
        with store.write() as session:
            rows.set_pulled(session, store.owner_id, done)
    return recorded, skipped
