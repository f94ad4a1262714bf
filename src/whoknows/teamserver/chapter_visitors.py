"""A chapter's visitors: the visitor host (a leader) records each one with the capture line
the local app reads ("Name <email> @Org / Role"), and who invited them, in the week on.

A visitor carries the host's client id: the same id twice is one visitor (a double tap);
the same id for someone else is refused (409). Leaders move a visitor along a dated trail:
visited → invited (to apply) → applied → joined, or not now (from which an invitation may
come again); joined is the end. The host's `whoknows team pull` makes each visitor they
recorded a person in their own network, met at the chapter, so a follow-up falls due.
Members see visitors only in the week's report: their names and who invited them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, text

from whoknows.errors import Conflict, NotFound, UserError
from whoknows.teamserver import chapter_slips, chapters
from whoknows.teamserver.audit import audit

FLOW = ("visited", "invited", "applied", "joined")
MOVES = ("invited", "applied", "joined", "not_now")


def record(
    conn: Connection,
    space_id: int,
    host_id: int,
    capture: str,
    invited_by: int | None,
    client_id: str,
) -> dict[str, Any]:
    """Record a visitor of the week on, once per CLIENT_ID."""
    client_id = chapters.check_client_id(client_id)
    who = chapter_slips.captured(
        capture, "say who visited", 'write them as "Name <email> @Org / Role"'
    )
    if invited_by is not None:
        chapters.current_member(conn, space_id, invited_by, "name as the one who invited")
    found = _by_client(conn, space_id, host_id, client_id)
    if found is None:
        week = chapters.entry_week(conn, space_id)
        new_id = conn.execute(
            text(
                """
                INSERT INTO chapter_visitor (space_id, client_id, host_id, invited_by, week_id,
                  capture, name, email, org, role)
                VALUES (:s, :c, :h, :i, :w, :text, :name, :email, :org, :role)
                ON CONFLICT (space_id, host_id, client_id) DO NOTHING RETURNING id
                """
            ),
            {"s": space_id, "c": client_id, "h": host_id, "i": invited_by, "w": week["id"]} | who,
        ).scalar()
        if new_id is not None:
            _step(conn, space_id, int(new_id), "visited", chapters.today(), host_id)
            audit(conn, "visitor.record", f"visitor:{new_id}")
            return visitor(conn, space_id, int(new_id))
        found = _by_client(conn, space_id, host_id, client_id)  # a twin committed first
        assert found is not None
    if (found.capture, found.invited_by) != (who["text"], invited_by):
        raise Conflict(
            f"visitor id {client_id!r} was used for another visitor",
            hint="send a fresh id for a new visitor",
        )
    return visitor(conn, space_id, int(found.id))


def _by_client(conn: Connection, space_id: int, host_id: int, client_id: str) -> Any:
    return conn.execute(
        text(
            "SELECT id, capture, invited_by FROM chapter_visitor "
            "WHERE space_id = :s AND host_id = :h AND client_id = :c"
        ),
        {"s": space_id, "h": host_id, "c": client_id},
    ).one_or_none()


def _step(
    conn: Connection, space_id: int, visitor_id: int, status: str, on: dt.date, by: int
) -> None:
    conn.execute(
        text(
            "INSERT INTO chapter_visitor_move (space_id, visitor_id, status, moved_on, moved_by) "
            "VALUES (:s, :v, :st, :on, :by)"
        ),
        {"s": space_id, "v": visitor_id, "st": status, "on": on, "by": by},
    )


def move(
    conn: Connection,
    space_id: int,
    leader_id: int,
    visitor_id: int,
    status: str,
    on: dt.date | None = None,
) -> dict[str, Any]:
    """Move a visitor along the trail, on ON (today when left out); the same move again
    changes nothing."""
    if status not in MOVES:
        raise UserError(f"unknown visitor move {status!r}", hint=f"one of: {', '.join(MOVES)}")
    on = on or chapters.today()
    if on > chapters.today():
        raise UserError(f"{on} is in the future", hint="record a move once it happened")
    row = conn.execute(
        text(
            "SELECT status, (SELECT max(moved_on) FROM chapter_visitor_move m "
            "  WHERE m.space_id = v.space_id AND m.visitor_id = v.id) AS last_on "
            "FROM chapter_visitor v WHERE space_id = :s AND id = :i FOR UPDATE"
        ),
        {"s": space_id, "i": visitor_id},
    ).one_or_none()
    if row is None:
        raise NotFound(f"no visitor {visitor_id}", hint="see: whoknows team visitor list")
    if row.status == status:
        return visitor(conn, space_id, visitor_id)
    if row.status == "joined":
        raise Conflict(f"visitor {visitor_id} joined already: the trail ends there")
    if status != "not_now" and row.status != "not_now":
        if FLOW.index(status) < FLOW.index(row.status):
            raise Conflict(f"visitor {visitor_id} has {row.status} already: it moves forward")
    if row.status == "not_now" and status != "invited":
        raise Conflict(
            f"visitor {visitor_id} is at not now", hint="invite them again first: move invited"
        )
    if on < row.last_on:
        raise UserError(f"{on} is before the visitor's last move ({row.last_on})")
    conn.execute(
        text(
            "UPDATE chapter_visitor SET status = :st, updated_at = now() "
            "WHERE space_id = :s AND id = :i"
        ),
        {"st": status, "s": space_id, "i": visitor_id},
    )
    _step(conn, space_id, visitor_id, status, on, leader_id)
    audit(conn, f"visitor.{status}", f"visitor:{visitor_id}")
    return visitor(conn, space_id, visitor_id)


_ROWS = """
    SELECT v.*, w.starts_on, h.name AS host_name, h.email AS host_email,
           i.name AS invited_name
    FROM chapter_visitor v
    JOIN chapter_week w ON w.id = v.week_id
    JOIN account h ON h.id = v.host_id
    LEFT JOIN account i ON i.id = v.invited_by
    WHERE v.space_id = :s
"""


def listing(
    conn: Connection, space_id: int, host_id: int | None = None, limit: int = 500
) -> dict[str, Any]:
    """The chapter's visitors, newest first (only HOST_ID's, when given), with their trails."""
    rows = conn.execute(
        text(
            _ROWS + " AND (CAST(:h AS bigint) IS NULL OR v.host_id = :h)"
            " ORDER BY v.created_at DESC, v.id DESC LIMIT :n"
        ),
        {"s": space_id, "h": host_id, "n": limit},
    ).all()
    trails = _trails(conn, space_id, [r.id for r in rows])
    return {"visitors": [_shown(r, trails.get(r.id, [])) for r in rows]}


def visitor(conn: Connection, space_id: int, visitor_id: int) -> dict[str, Any]:
    row = conn.execute(
        text(_ROWS + " AND v.id = :i"), {"s": space_id, "i": visitor_id}
    ).one_or_none()
    if row is None:
        raise NotFound(f"no visitor {visitor_id}")
    return _shown(row, _trails(conn, space_id, [visitor_id]).get(visitor_id, []))


def _trails(conn: Connection, space_id: int, ids: list[int]) -> dict[int, list[dict[str, str]]]:
    found: dict[int, list[dict[str, str]]] = {}
    if not ids:
        return found
    for m in conn.execute(
        text(
            "SELECT visitor_id, status, moved_on FROM chapter_visitor_move "
            "WHERE space_id = :s AND visitor_id = ANY(:ids) ORDER BY moved_on, id"
        ),
        {"s": space_id, "ids": ids},
    ):
        found.setdefault(m.visitor_id, []).append(
            {"status": m.status, "on": m.moved_on.isoformat()}
        )
    return found


def _shown(row: Any, trail: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "id": row.id,
        "client_id": row.client_id,
        "capture": row.capture,
        "name": row.name,
        "email": row.email,
        "org": row.org,
        "role": row.role,
        "host": {"id": row.host_id, "name": row.host_name, "email": row.host_email},
        "invited_by": (
            {"id": row.invited_by, "name": row.invited_name} if row.invited_by else None
        ),
        "status": row.status,
        "week": row.starts_on.isoformat(),
        "visited_on": trail[0]["on"] if trail else row.created_at.date().isoformat(),
        "trail": trail,
    }
