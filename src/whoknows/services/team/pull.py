"""`whoknows team pull`: the outcomes of introduction requests into the local ledger.

An accepted request becomes a local introduction on the same double opt-in board as every
other (services/introductions.py), once per request (the server's id is remembered):
- one I asked for: an introduction my colleague makes of me and the person I asked about;
- one I was asked and accepted: an introduction I propose of my colleague and my contact
  (then ask, make and report it as any other).
The colleague becomes a person here when nobody has their email yet. Declined and withdrawn
requests, and open ones, record nothing. Nothing about a contact is sent anywhere.
In a chapter, the slips I received and gave become referrals too (pull_slips.py), and
confirmed 1-to-1s interactions (pull_meetings.py), and the visitors I recorded people met at
the chapter, due a follow-up (pull_visitors.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import httpx

from whoknows.core import sharing
from whoknows.errors import UserError
from whoknows.services import introductions
from whoknows.services.store import Store
from whoknows.services.team import link, pull_meetings, pull_slips, pull_visitors
from whoknows.services.team.colleagues import colleague_person
from whoknows.storage import team as rows


@dataclass
class Pulled:
    """What a pull did: introductions recorded, requests still open, answered no, skipped."""

    recorded: list[dict[str, Any]] = field(default_factory=list)  # server id, local id, text
    waiting: int = 0
    declined: int = 0
    skipped: list[str] = field(default_factory=list)  # why a request could not be recorded
    slips: list[dict[str, Any]] = field(default_factory=list)  # chapter slips (pull_slips.py)
    one_to_ones: list[dict[str, Any]] = field(default_factory=list)  # (pull_meetings.py)
    visitors: list[dict[str, Any]] = field(default_factory=list)  # I hosted (pull_visitors.py)

    def as_json(self) -> dict[str, object]:
        return {
            "recorded": self.recorded,
            "waiting": self.waiting,
            "declined": self.declined,
            "skipped": self.skipped,
            "slips": self.slips,
            "one_to_ones": self.one_to_ones,
            "visitors": self.visitors,
        }


def pull(
    store: Store, *, today: dt.date | None = None, transport: httpx.BaseTransport | None = None
) -> Pulled:
    with link.connect(store, transport=transport) as (joined, client):
        answer = client.get(client.space_path(joined.space, "intros"))
    requests = answer.get("intros") if isinstance(answer, dict) else None
    if not isinstance(requests, list):
        raise UserError("the team server's list of introduction requests is not understood")
    with store.read() as session:
        done = rows.pulled(session, store.owner_id)
    found = Pulled()
    keys: dict[str, int] | None = None
    for request in sorted(requests, key=lambda r: int(r["id"])):
        status = request.get("status")
        if status == "asked":
            found.waiting += 1
            continue
        if status != "accepted":
            found.declined += 1
            continue
        if str(request["id"]) in done:
            continue
        if keys is None:
            keys = _local_keys(store, joined.salt)
        local = _record(store, request, keys, today)
        if isinstance(local, str):
            found.skipped.append(f"request {request['id']}: {local}")
            continue
        done[str(request["id"])] = local.id
        found.recorded.append(
            {"request": request["id"], "introduction": local.id, "what": _what(local)}
        )
    if found.recorded:
        with store.write() as session:
            rows.set_pulled(session, store.owner_id, done)
    slips, skipped = pull_slips.pull(store, today=today, transport=transport)  # in a chapter
    found.slips += slips
    found.skipped += skipped
    meetings, skipped = pull_meetings.pull(store, transport=transport)
    found.one_to_ones += meetings
    found.skipped += skipped
    visitors, skipped = pull_visitors.pull(store, transport=transport)
    found.visitors += visitors
    found.skipped += skipped
    return found


def _local_keys(store: Store, salt: str) -> dict[str, int]:
    """Every person here by the key a push would give them (a target is named by its key)."""
    found: dict[str, int] = {}
    with store.read() as session:
        for row in rows.tied_people(session, store.owner_id, None):
            contact = sharing.Contact(
                person_id=row.person_id,
                name=row.name,
                role=row.role,
                organization=row.organization,
                strength=None,
                emails=(row.email,) if row.email else (),
                linkedin=(row.linkedin,) if row.linkedin else (),
                phones=(row.phone,) if row.phone else (),
            )
            key = sharing.best_key(salt, contact)
            if key is not None:
                found.setdefault(key, row.person_id)
    return found


def _record(
    store: Store, request: dict[str, Any], keys: dict[str, int], today: dt.date | None
) -> introductions.IntroView | str:
    """The local introduction of one accepted request, or why it cannot be recorded."""
    target = keys.get(str(request.get("about", {}).get("key")))
    if target is None:
        return "the person it is about is not in this database (any more)"
    mine = request.get("role") == "colleague"
    other = colleague_person(store, request["requester"] if mine else request["colleague"])
    if other is None:
        return "the colleague's email is not known yet"
    why = str(request.get("why") or "") or None
    try:
        if mine:  # I introduce the colleague who asked to my contact
            return introductions.propose(
                store, str(other), str(target), why=why, force=True, today=today
            )
        return introductions.request(
            store, str(other), str(target), why=why, force=True, today=today
        )
    except UserError as exc:  # an open introduction of the two is here already, say
        return exc.message


def _what(view: introductions.IntroView) -> str:
    who = view.introducer.name if view.introducer is not None else "you"
    return f"{who} introduces {view.a.name} and {view.b.name}"
