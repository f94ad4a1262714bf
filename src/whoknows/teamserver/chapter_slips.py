"""Referral slips between the members of a chapter (teamserver/chapters.py has the weeks).

A slip carries the giver's client id: the same id twice is one slip (a retry or a double
tap); the same id with other content is refused (409). The author edits or withdraws it only
while its week is open; the receiver moves it given → accepted → contacted → won or no sale,
at any time. A slip is seen by its giver and its receiver only (the report counts them).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from whoknows.core.capture import parse_capture
from whoknows.errors import Conflict, NotFound, UserError
from whoknows.teamserver import chapters
from whoknows.teamserver.audit import audit

NOTE_MAX = 2000
ABOUT_MAX = 500
# The receiver's moves: each status may go to the ones after it (no way back).
SLIP_FLOW = ("given", "accepted", "contacted", "won")
FINAL = ("won", "no_sale", "withdrawn")


def captured(
    value: str,
    missing: str = "say whom the slip is about",
    hint: str = '--about "Name <email> @Org"',
) -> dict[str, Any]:
    """A capture line ("Name <email> @Org / Role", as the local app reads it) and its parts;
    refused in one line when it names nobody (MISSING, HINT: when it is empty)."""
    value = " ".join((value or "").split())
    if not value:
        raise UserError(missing, hint=hint)
    if len(value) > ABOUT_MAX:
        raise UserError(f"the person is longer than {ABOUT_MAX} characters", hint="shorten it")
    found = parse_capture(value)
    if not found.name and not found.email:
        raise UserError(f"{value!r} names nobody", hint='write it as "Name <email> @Org / Role"')
    return {
        "text": value,
        "name": found.name,
        "email": found.email,
        "org": found.organization,
        "role": found.role,
    }


def _about(value: str) -> dict[str, Any]:
    found = captured(value)
    return {
        "about": found["text"],
        "about_name": found["name"],
        "about_email": found["email"],
        "about_org": found["org"],
        "about_role": found["role"],
    }


def _hot(value: int) -> int:
    if not 1 <= value <= 5:
        raise UserError(f"hot must be 1 to 5, not {value}", hint="5 is the hottest")
    return value


def _note(value: str | None) -> str:
    value = (value or "").strip()
    if len(value) > NOTE_MAX:
        raise UserError(f"the note is longer than {NOTE_MAX} characters", hint="shorten it")
    return value


def give(
    conn: Connection,
    space_id: int,
    giver_id: int,
    receiver_id: int,
    about: str,
    hot: int,
    note: str | None,
    client_id: str,
) -> dict[str, Any]:
    """Give a slip to RECEIVER, once per CLIENT_ID."""
    client_id = chapters.check_client_id(client_id)
    fields = {**_about(about), "hot": _hot(hot), "note": _note(note)}
    if receiver_id == giver_id:
        raise UserError("a slip goes to another member", hint="whoknows team slip give MEMBER …")
    chapters.current_member(conn, space_id, receiver_id, "give a slip to")
    found = _slip_by_client(conn, space_id, giver_id, client_id)
    if found is None:
        week = chapters.entry_week(conn, space_id)
        found = conn.execute(
            text(
                """
                INSERT INTO chapter_slip (space_id, client_id, giver_id, receiver_id, week_id,
                  about, about_name, about_email, about_org, about_role, hot, note)
                VALUES (:s, :cid, :g, :r, :w, :about, :about_name, :about_email, :about_org,
                  :about_role, :hot, :note)
                ON CONFLICT (space_id, giver_id, client_id) DO NOTHING RETURNING id
                """
            ),
            {"s": space_id, "cid": client_id, "g": giver_id, "r": receiver_id, "w": week["id"]}
            | fields,
        ).scalar()
        if found is not None:
            audit(conn, "slip.give", f"slip:{found}", {"receiver": receiver_id})
            return slip(conn, space_id, giver_id, int(found))
        found = _slip_by_client(conn, space_id, giver_id, client_id)  # a twin committed first
        assert found is not None
    same = (found.receiver_id, found.about, found.hot, found.note) == (
        receiver_id,
        fields["about"],
        fields["hot"],
        fields["note"],
    )
    if not same:
        raise Conflict(
            f"slip id {client_id!r} was used for another slip",
            hint="send a fresh id for a new slip",
        )
    return slip(conn, space_id, giver_id, int(found.id))


def _slip_by_client(conn: Connection, space_id: int, giver_id: int, client_id: str) -> Any:
    return conn.execute(
        text(
            "SELECT id, receiver_id, about, hot, note FROM chapter_slip "
            "WHERE space_id = :s AND giver_id = :g AND client_id = :c"
        ),
        {"s": space_id, "g": giver_id, "c": client_id},
    ).one_or_none()


def _mine(conn: Connection, space_id: int, slip_id: int, party: str, account_id: int) -> Any:
    row = conn.execute(
        text(
            f"SELECT id, week_id, status FROM chapter_slip "
            f"WHERE space_id = :s AND id = :i AND {party} = :a FOR UPDATE"
        ),
        {"s": space_id, "i": slip_id, "a": account_id},
    ).one_or_none()
    if row is None:
        raise NotFound(f"no slip {slip_id} of yours to change")
    return row


def edit(
    conn: Connection,
    space_id: int,
    account_id: int,
    slip_id: int,
    *,
    about: str | None = None,
    hot: int | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """The author changes a slip while its week is open."""
    row = _mine(conn, space_id, slip_id, "giver_id", account_id)
    chapters.open_week_of(conn, space_id, row.week_id)
    if row.status == "withdrawn":
        raise Conflict(f"slip {slip_id} is withdrawn")
    fields: dict[str, Any] = {}
    if about is not None:
        fields |= _about(about)
    if hot is not None:
        fields["hot"] = _hot(hot)
    if note is not None:
        fields["note"] = _note(note)
    if not fields:
        raise UserError("nothing to change", hint="give --about, --hot or --note")
    sets = ", ".join(f"{name} = :{name}" for name in fields)
    conn.execute(
        text(f"UPDATE chapter_slip SET {sets}, updated_at = now() WHERE space_id = :s AND id = :i"),
        {"s": space_id, "i": slip_id} | fields,
    )
    audit(conn, "slip.edit", f"slip:{slip_id}", {"fields": sorted(fields)})
    return slip(conn, space_id, account_id, slip_id)


def withdraw(conn: Connection, space_id: int, account_id: int, slip_id: int) -> dict[str, Any]:
    """The author withdraws a slip while its week is open (the same again changes nothing)."""
    row = _mine(conn, space_id, slip_id, "giver_id", account_id)
    if row.status == "withdrawn":
        return slip(conn, space_id, account_id, slip_id)
    chapters.open_week_of(conn, space_id, row.week_id)
    return _set_status(conn, space_id, account_id, slip_id, "withdrawn")


def move(
    conn: Connection, space_id: int, account_id: int, slip_id: int, status: str
) -> dict[str, Any]:
    """The receiver moves a slip along given → accepted → contacted → won, or to no sale."""
    if status not in (*SLIP_FLOW[1:], "no_sale"):
        raise UserError(
            f"unknown slip status {status!r}", hint="accepted, contacted, won or no_sale"
        )
    row = _mine(conn, space_id, slip_id, "receiver_id", account_id)
    if row.status == status:
        return slip(conn, space_id, account_id, slip_id)
    if row.status in FINAL:
        raise Conflict(f"slip {slip_id} is {row.status.replace('_', ' ')} already")
    if status != "no_sale" and SLIP_FLOW.index(status) < SLIP_FLOW.index(row.status):
        raise Conflict(f"slip {slip_id} is {row.status} already: it moves only forward")
    return _set_status(conn, space_id, account_id, slip_id, status)


def _set_status(
    conn: Connection, space_id: int, account_id: int, slip_id: int, status: str
) -> dict[str, Any]:
    conn.execute(
        text(
            "UPDATE chapter_slip SET status = :st, updated_at = now() "
            "WHERE space_id = :s AND id = :i"
        ),
        {"st": status, "s": space_id, "i": slip_id},
    )
    audit(conn, f"slip.{status}", f"slip:{slip_id}")
    return slip(conn, space_id, account_id, slip_id)


_SLIPS = """
    SELECT sl.*, w.starts_on, w.status AS week_status,
           g.name AS giver_name, g.email AS giver_email,
           r.name AS receiver_name, r.email AS receiver_email
    FROM chapter_slip sl
    JOIN chapter_week w ON w.id = sl.week_id
    JOIN account g ON g.id = sl.giver_id
    JOIN account r ON r.id = sl.receiver_id
    WHERE sl.space_id = :s AND (sl.giver_id = :a OR sl.receiver_id = :a)
"""


def slips(conn: Connection, space_id: int, account_id: int, limit: int = 500) -> dict[str, Any]:
    """The slips I gave and received, newest first (at most LIMIT)."""
    rows = conn.execute(
        text(_SLIPS + " ORDER BY sl.created_at DESC, sl.id DESC LIMIT :n"),
        {"s": space_id, "a": account_id, "n": limit},
    ).all()
    return {"slips": [_shown(r, account_id) for r in rows]}


def slip(conn: Connection, space_id: int, account_id: int, slip_id: int) -> dict[str, Any]:
    row = conn.execute(
        text(_SLIPS + " AND sl.id = :i"), {"s": space_id, "a": account_id, "i": slip_id}
    ).one_or_none()
    if row is None:
        raise NotFound(f"no slip {slip_id}")
    return _shown(row, account_id)


def _shown(row: Any, account_id: int) -> dict[str, Any]:
    """A slip as its giver or receiver sees it (never a thanks: those are anonymous)."""
    return {
        "id": row.id,
        "client_id": row.client_id,
        "role": "giver" if row.giver_id == account_id else "receiver",
        "giver": {"id": row.giver_id, "name": row.giver_name, "email": row.giver_email},
        "receiver": {"id": row.receiver_id, "name": row.receiver_name, "email": row.receiver_email},
        "about": {
            "text": row.about,
            "name": row.about_name,
            "email": row.about_email,
            "org": row.about_org,
            "role": row.about_role,
        },
        "hot": row.hot,
        "note": row.note,
        "status": row.status,
        "week": {"starts_on": row.starts_on.isoformat(), "status": row.week_status},
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
    }
