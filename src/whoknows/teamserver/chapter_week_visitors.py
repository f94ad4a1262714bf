"""A week's visitors as its report shows them to every member (as BNI's PALMS does): each
one's name and organisation, and who invited them; never their email (chapter_visitors.py
has the rest, for leaders)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text


def in_week(conn: Connection, space_id: int, week_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        text(
            "SELECT v.name, v.org, v.invited_by, a.name AS invited_name FROM chapter_visitor v "
            "LEFT JOIN account a ON a.id = v.invited_by "
            "WHERE v.space_id = :s AND v.week_id = :w ORDER BY v.id"
        ),
        {"s": space_id, "w": week_id},
    ).all()
    return [
        {
            "name": r.name or "(no name)",
            "org": r.org,
            "invited_by": {"id": r.invited_by, "name": r.invited_name} if r.invited_by else None,
        }
        for r in rows
    ]


def invited_by(visitors: list[dict[str, Any]], member_id: int) -> int:
    """How many of VISITORS the member invited."""
    return sum(1 for v in visitors if v["invited_by"] and v["invited_by"]["id"] == member_id)
