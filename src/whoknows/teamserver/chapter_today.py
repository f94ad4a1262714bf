"""The weekly meeting as its page shows it: the week that is on, each member's attendance in
it, the slips I gave in it, and closing it once (a double tap on Close closes one week).

Reads only, but for close_once; the writes are chapters.attend, chapter_slips.give and
chapter_visitors.record, the same the API and the CLI call.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, text

from whoknows.teamserver import chapter_week_visitors, chapters


def week_on(conn: Connection, space_id: int) -> dict[str, Any]:
    """The week what is entered now would count in (as chapters.entry_week, without making
    it): this week, or the first one after it that is not closed. Its id is None while no
    row exists for it yet."""
    day = chapters.monday(chapters.today())
    closed = {
        r.starts_on
        for r in conn.execute(
            text(
                "SELECT starts_on FROM chapter_week "
                "WHERE space_id = :s AND starts_on >= :d AND status = 'closed'"
            ),
            {"s": space_id, "d": day},
        )
    }
    while day in closed:
        day += dt.timedelta(days=7)
    found = conn.execute(
        text("SELECT id FROM chapter_week WHERE space_id = :s AND starts_on = :d"),
        {"s": space_id, "d": day},
    ).scalar()
    return {"id": found, "starts_on": day.isoformat()}


def meeting(conn: Connection, space_id: int, account_id: int) -> dict[str, Any]:
    """What the meeting page shows: the week on, the members (not guests) with their
    attendance in it, the slips I gave in it, and its visitors (as its report will)."""
    week = week_on(conn, space_id)
    members = conn.execute(
        text(
            """
            SELECT a.id, a.name, at.status AS attendance
            FROM membership m JOIN account a ON a.id = m.account_id
            LEFT JOIN chapter_attendance at ON at.space_id = m.space_id
                 AND at.week_id = :w AND at.account_id = a.id
            WHERE m.space_id = :s AND m.left_at IS NULL AND m.role <> 'guest'
            ORDER BY a.name, a.id
            """
        ),
        {"s": space_id, "w": week["id"]},
    ).all()
    given = conn.execute(
        text(
            """
            SELECT sl.id, sl.about, sl.hot, r.name AS receiver
            FROM chapter_slip sl JOIN account r ON r.id = sl.receiver_id
            WHERE sl.space_id = :s AND sl.week_id = :w AND sl.giver_id = :a
              AND sl.status <> 'withdrawn'
            ORDER BY sl.id
            """
        ),
        {"s": space_id, "w": week["id"], "a": account_id},
    ).all()
    return {
        "week": week,
        "members": [
            {"id": m.id, "name": m.name, "attendance": m.attendance, "me": m.id == account_id}
            for m in members
        ],
        "present": sum(m.attendance in ("present", "late", "substitute") for m in members),
        "my_slips": [{"id": s.id, "about": s.about, "hot": s.hot, "to": s.receiver} for s in given],
        "visitors": (
            chapter_week_visitors.in_week(conn, space_id, week["id"]) if week["id"] else []
        ),
    }


def close_once(conn: Connection, space_id: int, account_id: int, starts_on: dt.date) -> int:
    """Close the week of STARTS_ON, the one the page showed, and give its id. A second tap,
    or a resubmitted form, finds it closed and gives the same id: it never closes the week
    after it."""
    found = conn.execute(
        text(
            "SELECT id, status FROM chapter_week WHERE space_id = :s AND starts_on = :d FOR UPDATE"
        ),
        {"s": space_id, "d": chapters.monday(starts_on)},
    ).one_or_none()
    if found is None or found.status != "closed":
        chapters.close(conn, space_id, account_id, starts_on)
        found = conn.execute(
            text("SELECT id, status FROM chapter_week WHERE space_id = :s AND starts_on = :d"),
            {"s": space_id, "d": chapters.monday(starts_on)},
        ).one()
    return int(found.id)
