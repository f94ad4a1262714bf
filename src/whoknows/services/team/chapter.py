"""A chapter from the member's machine: referral slips, thanks, weeks, attendance, reports.

Thin over the team server's chapter API (docs/team-design.md, "Chapters"). A member is named
by account number, email or part of a name (as `team ask` names a colleague). Each slip and
each thanks carries a client id made here (or given, to retry one): the server keeps one
slip per id, however often it is sent.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import httpx

from whoknows.errors import Hint, NotFound
from whoknows.services.store import Store
from whoknows.services.team import link
from whoknows.services.team.client import Client
from whoknows.services.team.link import Link
from whoknows.services.team.questions import find_colleague

SLIP_MOVES = ("accepted", "contacted", "won", "no_sale")


def _path(joined: Link, client: Client, *rest: str) -> str:
    return client.space_path(joined.space, "chapter", *rest)


def _get(store: Store, *rest: str, transport: httpx.BaseTransport | None) -> dict[str, Any]:
    with link.connect(store, transport=transport) as (joined, client):
        answer: dict[str, Any] = client.get(_path(joined, client, *rest))
    return answer


def _post(
    store: Store, body: dict[str, Any], *rest: str, transport: httpx.BaseTransport | None
) -> dict[str, Any]:
    with link.connect(store, transport=transport) as (joined, client):
        answer: dict[str, Any] = client.post(_path(joined, client, *rest), body)
    return answer


def _member_id(joined: Link, client: Client, ref: str) -> int:
    members = client.get(client.space_path(joined.space, "members"))
    return int(find_colleague(members, ref)["account_id"])


def give(
    store: Store,
    member: str,
    about: str,
    hot: int,
    note: str | None = None,
    *,
    client_id: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> dict[str, Any]:
    """Give MEMBER a referral slip about ABOUT ("Name <email> @Org / Role")."""
    with link.connect(store, transport=transport) as (joined, client):
        body = {
            "client_id": client_id or str(uuid.uuid4()),
            "to": _member_id(joined, client, member),
            "about": about,
            "hot": hot,
            "note": note,
        }
        answer: dict[str, Any] = client.post(_path(joined, client, "slips"), body)
    return answer


def slips(store: Store, *, transport: httpx.BaseTransport | None = None) -> dict[str, Any]:
    """The slips I gave and received."""
    return _get(store, "slips", transport=transport)


def edit(
    store: Store,
    slip_id: int,
    *,
    about: str | None = None,
    hot: int | None = None,
    note: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> dict[str, Any]:
    body = {k: v for k, v in (("about", about), ("hot", hot), ("note", note)) if v is not None}
    return _post(store, body, "slips", str(slip_id), "edit", transport=transport)


def withdraw(
    store: Store, slip_id: int, *, transport: httpx.BaseTransport | None = None
) -> dict[str, Any]:
    return _post(store, {}, "slips", str(slip_id), "withdraw", transport=transport)


def move(
    store: Store, slip_id: int, status: str, *, transport: httpx.BaseTransport | None = None
) -> dict[str, Any]:
    """Move a slip I received: accepted, contacted, won or no_sale."""
    status = status.strip().lower().replace(" ", "_").replace("-", "_")
    return _post(store, {"status": status}, "slips", str(slip_id), "status", transport=transport)


def thank(
    store: Store,
    member: str | None,
    amount: str,
    *,
    slip_id: int | None = None,
    client_id: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> dict[str, Any]:
    """Thank MEMBER (or the giver of SLIP_ID) for closed business worth AMOUNT."""
    with link.connect(store, transport=transport) as (joined, client):
        body = {
            "client_id": client_id or str(uuid.uuid4()),
            "to": _member_id(joined, client, member) if member else None,
            "slip": slip_id,
            "amount": amount,
        }
        answer: dict[str, Any] = client.post(_path(joined, client, "thanks"), body)
    return answer


def thanks(store: Store, *, transport: httpx.BaseTransport | None = None) -> dict[str, Any]:
    """The thanks I gave, and the totals I was thanked per closed week."""
    return _get(store, "thanks", transport=transport)


def weeks(store: Store, *, transport: httpx.BaseTransport | None = None) -> dict[str, Any]:
    return _get(store, "weeks", transport=transport)


def close(
    store: Store, week: dt.date | None = None, *, transport: httpx.BaseTransport | None = None
) -> dict[str, Any]:
    """Close the week (leaders): its report is written once, on the server."""
    body = {"week": week.isoformat() if week else None}
    return _post(store, body, "weeks", "close", transport=transport)


def attend(
    store: Store, member: str, status: str, *, transport: httpx.BaseTransport | None = None
) -> dict[str, Any]:
    """Record a member's attendance this week (leaders)."""
    with link.connect(store, transport=transport) as (joined, client):
        body = {"member": _member_id(joined, client, member), "status": status}
        answer: dict[str, Any] = client.post(_path(joined, client, "attendance"), body)
    return answer


def report(
    store: Store,
    week: dt.date | None = None,
    *,
    as_csv: bool = False,
    transport: httpx.BaseTransport | None = None,
) -> Any:
    """The report of a closed week (the latest closed one unless WEEK names its Monday): its
    JSON, or its CSV text."""
    with link.connect(store, transport=transport) as (joined, client):
        found = client.get(_path(joined, client, "weeks"))["weeks"]
        closed = [w for w in found if w["report"]]
        if week is not None:
            wanted = (week - dt.timedelta(days=week.weekday())).isoformat()
            closed = [w for w in closed if w["starts_on"] == wanted]
        if not closed:
            raise NotFound(
                "no closed week" + (f" starting {week}" if week else "") + " has a report",
                hint=Hint(
                    cli="a leader closes the week: whoknows team week close",
                    web="a leader closes the week first",
                ),
            )
        where = _path(joined, client, "weeks", str(closed[0]["id"]), "report")
        return client.get_text(where + ".csv") if as_csv else client.get(where)


def lights(store: Store, *, transport: httpx.BaseTransport | None = None) -> dict[str, Any]:
    """The traffic lights: mine, or every member's for a leader, each with its reasons."""
    return _get(store, "lights", transport=transport)


def set_rule(
    store: Store,
    part: str,
    amber: int,
    green: int,
    *,
    transport: httpx.BaseTransport | None = None,
) -> dict[str, Any]:
    """Set a part's thresholds (leaders)."""
    body = {"amber": amber, "green": green}
    return _post(store, body, "lights", "rules", part.strip().lower(), transport=transport)


def log_one_to_one(
    store: Store,
    member: str,
    met_on: dt.date,
    note: str | None = None,
    *,
    client_id: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> dict[str, Any]:
    """Log a 1-to-1 with MEMBER; they confirm it."""
    with link.connect(store, transport=transport) as (joined, client):
        body = {
            "client_id": client_id or str(uuid.uuid4()),
            "to": _member_id(joined, client, member),
            "met_on": met_on.isoformat(),
            "note": note,
        }
        answer: dict[str, Any] = client.post(_path(joined, client, "one-to-ones"), body)
    return answer


def confirm_one_to_one(
    store: Store, meeting_id: int, *, transport: httpx.BaseTransport | None = None
) -> dict[str, Any]:
    return _post(store, {}, "one-to-ones", str(meeting_id), "confirm", transport=transport)


def one_to_ones(store: Store, *, transport: httpx.BaseTransport | None = None) -> dict[str, Any]:
    """My 1-to-1s, logged by me or with me."""
    return _get(store, "one-to-ones", transport=transport)


def leaderboard(
    store: Store, join: bool | None = None, *, transport: httpx.BaseTransport | None = None
) -> dict[str, Any]:
    """The chapter's leaderboard (members who opted in); JOIN True/False opts me in or out."""
    if join is None:
        return _get(store, "leaderboard", transport=transport)
    return _post(store, {"join": join}, "leaderboard", transport=transport)
