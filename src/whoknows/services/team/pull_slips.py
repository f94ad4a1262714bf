"""`whoknows team pull` in a chapter: referral slips into the local pipeline and ledger.

A slip I received becomes a referral received here, from the member who gave it (their
advocate's credit in the referral report and the give/get ledger); a slip I gave becomes a
referral I gave them. The person it is about is found by the capture line as typed ("Name
<email> @Org"), or added, as `whoknows referral add --about` does. Each slip is recorded
once (its server id is remembered beside the introductions'); a withdrawn one never. The
pipeline here is then the member's own to move: nothing goes back to the server.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from whoknows.errors import UserError
from whoknows.services import referrals
from whoknows.services.store import Store
from whoknows.services.team import link
from whoknows.services.team.colleagues import colleague_person
from whoknows.storage import team as rows


def pull(
    store: Store,
    *,
    today: dt.date | None = None,
    transport: httpx.BaseTransport | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Record the chapter's slips given to me or by me that are new here: (what was
    recorded, why some could not be)."""
    recorded: list[dict[str, Any]] = []
    skipped: list[str] = []
    slips = chapter_items(store, "slips", "slips", transport)
    if slips is None:
        return recorded, skipped
    with store.read() as session:
        done = rows.pulled(session, store.owner_id)
    for slip in sorted(slips, key=lambda x: int(x["id"])):
        key = f"slip:{slip['id']}"
        if key in done or slip.get("status") == "withdrawn":
            continue
        local = _record(store, slip, today)
        if isinstance(local, str):
            skipped.append(f"slip {slip['id']}: {local}")
            continue
        done[key] = local.id
        recorded.append({"slip": slip["id"], "referral": local.id, "what": _what(local)})
    if recorded:
        with store.write() as session:
            rows.set_pulled(session, store.owner_id, done)
    return recorded, skipped


def chapter_items(
    store: Store, path: str, field: str, transport: httpx.BaseTransport | None
) -> list[dict[str, Any]] | None:
    """The list FIELD of GET …/chapter/PATH, or None when the joined space is no chapter."""
    with link.connect(store, transport=transport) as (joined, client):
        space = client.get(client.space_path(joined.space))
        if not isinstance(space, dict) or space.get("kind") != "group":
            return None
        answer = client.get(client.space_path(joined.space, "chapter", path))
    found = answer.get(field) if isinstance(answer, dict) else None
    if not isinstance(found, list):
        raise UserError(f"the team server's list of {path} is not understood")
    return found


def _record(
    store: Store, slip: dict[str, Any], today: dt.date | None
) -> referrals.ReferralView | str:
    received = slip.get("role") == "receiver"
    other = colleague_person(store, slip["giver"] if received else slip["receiver"])
    if other is None:
        return "the member's email is not known"
    on = dt.date.fromisoformat(str(slip["created_at"])[:10])
    if today is not None and on > today:
        on = today
    note = f"chapter slip, hot {slip['hot']}" + (f": {slip['note']}" if slip.get("note") else "")
    about = str(slip["about"]["text"])
    try:
        if received:
            return referrals.add(store, str(other), about, note=note, on=on)
        return referrals.add(store, "me", about, str(other), note=note, on=on)
    except UserError as exc:  # the person is ambiguous here, say
        return exc.message


def _what(view: referrals.ReferralView) -> str:
    about = view.about.name if view.about is not None else "someone"
    if view.direction == "received":
        return f"{view.from_.name} referred {about} to you"
    return f"you referred {about} to {view.to.name}"
