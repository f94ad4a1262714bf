"""A chapter's 1-to-1s: one member logs a meeting with another, who confirms it.

A 1-to-1 counts in the report of its week and in the lights once confirmed; its client id
makes it once, as a slip's does. `whoknows team pull` turns a confirmed one into an
interaction in both members' own networks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, text

from whoknows.errors import Conflict, NotFound, UserError
from whoknows.teamserver import chapters
from whoknows.teamserver.audit import audit

NOTE_MAX = 2000


def log(
    conn: Connection,
    space_id: int,
    logger_id: int,
    other_id: int,
    met_on: dt.date,
    note: str | None,
    client_id: str,
) -> dict[str, Any]:
    """Log a 1-to-1 with OTHER on MET_ON (once per CLIENT_ID); they confirm it."""
    client_id = chapters.check_client_id(client_id)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise UserError(f"the note is longer than {NOTE_MAX} characters", hint="shorten it")
    if other_id == logger_id:
        raise UserError("a 1-to-1 is with another member")
    if met_on > chapters.today():
        raise UserError(f"{met_on} is in the future", hint="log a 1-to-1 once it happened")
    chapters.current_member(conn, space_id, other_id, "meet")
    found = _by_client(conn, space_id, logger_id, client_id)
    if found is None:
        week = chapters.entry_week(conn, space_id)
        new_id = conn.execute(
            text(
                """
                INSERT INTO chapter_one_to_one
                  (space_id, client_id, logger_id, other_id, met_on, week_id, note)
                VALUES (:s, :c, :l, :o, :m, :w, :n)
                ON CONFLICT (space_id, logger_id, client_id) DO NOTHING RETURNING id
                """
            ),
            {
                "s": space_id,
                "c": client_id,
                "l": logger_id,
                "o": other_id,
                "m": met_on,
                "w": week["id"],
                "n": note,
            },
        ).scalar()
        if new_id is not None:
            audit(conn, "one_to_one.log", f"one_to_one:{new_id}", {"other": other_id})
            return one(conn, space_id, logger_id, int(new_id))
        found = _by_client(conn, space_id, logger_id, client_id)
        assert found is not None
    if (found.other_id, found.met_on, found.note) != (other_id, met_on, note):
        raise Conflict(
            f"1-to-1 id {client_id!r} was used for another 1-to-1",
            hint="send a fresh id for a new one",
        )
    return one(conn, space_id, logger_id, int(found.id))


def _by_client(conn: Connection, space_id: int, logger_id: int, client_id: str) -> Any:
    return conn.execute(
        text(
            "SELECT id, other_id, met_on, note FROM chapter_one_to_one "
            "WHERE space_id = :s AND logger_id = :l AND client_id = :c"
        ),
        {"s": space_id, "l": logger_id, "c": client_id},
    ).one_or_none()


def confirm(conn: Connection, space_id: int, account_id: int, meeting_id: int) -> dict[str, Any]:
    """The other member confirms (the same again changes nothing)."""
    found = conn.execute(
        text(
            "SELECT confirmed_at FROM chapter_one_to_one "
            "WHERE space_id = :s AND id = :i AND other_id = :a FOR UPDATE"
        ),
        {"s": space_id, "i": meeting_id, "a": account_id},
    ).one_or_none()
    if found is None:
        raise NotFound(f"no 1-to-1 {meeting_id} for you to confirm")
    if found.confirmed_at is None:
        conn.execute(
            text(
                "UPDATE chapter_one_to_one SET confirmed_at = now() WHERE space_id = :s AND id = :i"
            ),
            {"s": space_id, "i": meeting_id},
        )
        audit(conn, "one_to_one.confirm", f"one_to_one:{meeting_id}")
    return one(conn, space_id, account_id, meeting_id)


_ROWS = """
    SELECT o.*, w.starts_on, l.name AS l_name, l.email AS l_email,
           x.name AS o_name, x.email AS o_email
    FROM chapter_one_to_one o
    JOIN chapter_week w ON w.id = o.week_id
    JOIN account l ON l.id = o.logger_id
    JOIN account x ON x.id = o.other_id
    WHERE o.space_id = :s AND (o.logger_id = :a OR o.other_id = :a)
"""


def listing(conn: Connection, space_id: int, account_id: int) -> dict[str, Any]:
    """My 1-to-1s, logged by me or with me, newest first (at most 500)."""
    rows = conn.execute(
        text(_ROWS + " ORDER BY o.met_on DESC, o.id DESC LIMIT 500"),
        {"s": space_id, "a": account_id},
    ).all()
    return {"one_to_ones": [_shown(r, account_id) for r in rows]}


def one(conn: Connection, space_id: int, account_id: int, meeting_id: int) -> dict[str, Any]:
    row = conn.execute(
        text(_ROWS + " AND o.id = :i"), {"s": space_id, "a": account_id, "i": meeting_id}
    ).one_or_none()
    if row is None:
        raise NotFound(f"no 1-to-1 {meeting_id}")
    return _shown(row, account_id)


def _shown(row: Any, account_id: int) -> dict[str, Any]:
    mine = row.logger_id == account_id
    other = (
        {"id": row.other_id, "name": row.o_name, "email": row.o_email}
        if mine
        else {"id": row.logger_id, "name": row.l_name, "email": row.l_email}
    )
    return {
        "id": row.id,
        "client_id": row.client_id if mine else None,
        "role": "logger" if mine else "other",
        "with": other,
        "met_on": row.met_on.isoformat(),
        "note": row.note,
        "week": row.starts_on.isoformat(),
        "confirmed": row.confirmed_at is not None,
    }
