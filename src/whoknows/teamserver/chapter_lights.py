"""A chapter's explained traffic lights: counts over the last six months of closed weeks,
judged by thresholds its leaders set (core.lights has the parts, defaults and words).

Only closed weeks count, so a thanks shows in a light no sooner than in the member's totals.
A member sees their own light; leaders and up see every member's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, text

from whoknows.core import lights
from whoknows.errors import UserError
from whoknows.teamserver import spaces
from whoknows.teamserver.audit import audit


def rules(conn: Connection, space_id: int) -> list[lights.Rule]:
    """The chapter's rules: the defaults, with the thresholds its leaders set."""
    found = {
        row.part: (row.amber, row.green)
        for row in conn.execute(
            text("SELECT part, amber, green FROM chapter_light_rule WHERE space_id = :s"),
            {"s": space_id},
        )
    }
    return [
        lights.with_thresholds(r.part, *found[r.part]) if r.part in found else r
        for r in lights.DEFAULT_RULES
    ]


def set_rule(
    conn: Connection, space_id: int, account_id: int, part: str, amber: int, green: int
) -> dict[str, Any]:
    """A leader sets PART's thresholds."""
    try:
        rule = lights.with_thresholds(part, amber, green)
    except ValueError as exc:
        raise UserError(str(exc), hint="whoknows team lights set PART --amber N --green N") from exc
    conn.execute(
        text(
            """
            INSERT INTO chapter_light_rule (space_id, part, amber, green, updated_by)
            VALUES (:s, :p, :a, :g, :by)
            ON CONFLICT (space_id, part)
            DO UPDATE SET amber = :a, green = :g, updated_by = :by, updated_at = now()
            """
        ),
        {"s": space_id, "p": part, "a": amber, "g": green, "by": account_id},
    )
    audit(conn, "lights.rule", f"part:{part}", {"amber": amber, "green": green})
    return {"rules": [_rule(r) for r in rules(conn, space_id)], "set": _rule(rule)}


def _rule(rule: lights.Rule) -> dict[str, Any]:
    return {
        "part": rule.part,
        "label": rule.label,
        "better": rule.better,
        "amber": rule.amber,
        "green": rule.green,
    }


def board(conn: Connection, space_id: int, account_id: int, role: str) -> dict[str, Any]:
    """The lights: every member's for a leader, one's own for a member."""
    mode = "all" if spaces.at_least(role, "leader") else "me"
    window, rows = _counts(conn, space_id, account_id, mode)
    chosen = rules(conn, space_id)
    return {
        "window": window,
        "rules": [_rule(r) for r in chosen],
        "lights": [_light(row, chosen) for row in rows],
    }


def leaderboard(conn: Connection, space_id: int, account_id: int) -> dict[str, Any]:
    """The members who opted in, by referrals given then 1-to-1s over the window; whether I
    am on it."""
    window, rows = _counts(conn, space_id, account_id, "board")
    ranked = sorted(rows, key=lambda r: (-int(r.referrals), -int(r.one_to_ones), r.name, r.id))
    return {
        "window": window,
        "me": any(r.id == account_id for r in rows),
        "board": [
            {
                "rank": n,
                "member": {"id": r.id, "name": r.name},
                "referrals": int(r.referrals),
                "one_to_ones": int(r.one_to_ones),
            }
            for n, r in enumerate(ranked, 1)
        ],
    }


def opt(conn: Connection, space_id: int, account_id: int, join: bool) -> dict[str, Any]:
    """A member joins or leaves the leaderboard (their own choice; nobody else's)."""
    if join:
        conn.execute(
            text(
                "INSERT INTO chapter_leaderboard (space_id, account_id) VALUES (:s, :a) "
                "ON CONFLICT DO NOTHING"
            ),
            {"s": space_id, "a": account_id},
        )
    else:
        conn.execute(
            text("DELETE FROM chapter_leaderboard WHERE space_id = :s AND account_id = :a"),
            {"s": space_id, "a": account_id},
        )
    audit(conn, "leaderboard.join" if join else "leaderboard.leave", f"account:{account_id}")
    return leaderboard(conn, space_id, account_id)


def _counts(
    conn: Connection, space_id: int, account_id: int, mode: str
) -> tuple[dict[str, Any], list[Any]]:
    """The window and each member's counts in it: everyone ("all"), me ("me"), or those on
    the leaderboard ("board")."""
    last = conn.execute(
        text("SELECT max(starts_on) FROM chapter_week WHERE space_id = :s AND status = 'closed'"),
        {"s": space_id},
    ).scalar()
    since = (last - dt.timedelta(weeks=lights.WINDOW_WEEKS - 1)) if last else None
    rows = conn.execute(
        text(
            """
            WITH win AS (
              SELECT id, starts_on FROM chapter_week
              WHERE space_id = :s AND status = 'closed' AND starts_on >= :since
            )
            SELECT a.id, a.name,
              (SELECT count(*) FROM win w WHERE w.starts_on
                 >= date_trunc('week', m.joined_at AT TIME ZONE 'UTC')::date) AS weeks,
              (SELECT count(*) FROM chapter_slip sl JOIN win w ON w.id = sl.week_id
                 WHERE sl.space_id = :s AND sl.giver_id = a.id AND sl.status <> 'withdrawn')
                 AS referrals,
              (SELECT count(*) FROM chapter_attendance at JOIN win w ON w.id = at.week_id
                 WHERE at.space_id = :s AND at.account_id = a.id AND at.status = 'absent')
                 AS absences,
              (SELECT count(*) FROM chapter_thanks t JOIN win w ON w.id = t.week_id
                 WHERE t.space_id = :s AND t.credited_id = a.id) AS thanks,
              (SELECT count(*) FROM chapter_one_to_one o JOIN win w ON w.id = o.week_id
                 WHERE o.space_id = :s AND o.confirmed_at IS NOT NULL
                   AND (o.logger_id = a.id OR o.other_id = a.id)) AS one_to_ones
            FROM membership m JOIN account a ON a.id = m.account_id
            WHERE m.space_id = :s AND m.left_at IS NULL AND m.role <> 'guest'
              AND (:mode = 'all' OR (:mode = 'me' AND a.id = :a) OR (:mode = 'board'
                AND EXISTS (SELECT 1 FROM chapter_leaderboard b
                            WHERE b.space_id = m.space_id AND b.account_id = a.id)))
            ORDER BY a.name, a.id
            """
        ),
        {"s": space_id, "since": since or dt.date.max, "mode": mode, "a": account_id},
    ).all()
    window = {
        "from": since.isoformat() if since else None,
        "to": last.isoformat() if last else None,
        "weeks": lights.WINDOW_WEEKS,
    }
    return window, list(rows)


def _light(row: Any, chosen: list[lights.Rule]) -> dict[str, Any]:
    values = {
        "referrals": row.referrals,
        "absences": row.absences,
        "thanks": row.thanks,
        "one_to_ones": row.one_to_ones,
    }
    found = lights.light({k: int(v) for k, v in values.items()}, chosen, int(row.weeks))
    return {
        "member": {"id": row.id, "name": row.name},
        "color": found.color,
        "reason": found.reason,
        "parts": [
            {"part": p.part, "value": p.value, "color": p.color, "words": p.words}
            for p in found.parts
        ],
    }
