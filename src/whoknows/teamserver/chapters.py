"""Chapters: a space of kind `group` that meets weekly (BNI-style), with referral slips between
members, thanks for closed business, attendance, and a report written once at each close.

docs/team-design.md ("Chapters") is the contract. Every function runs in the request's
transaction, its tenant set to the chapter, so row security keeps each chapter's rows apart.

- A week is Monday to Sunday (UTC), `open` until a leader closes it. Whatever is entered
  (a slip, a thanks, attendance) counts in the first open week from today's: after the
  close, in the next one.
- Slips are in chapter_slips.py, thanks for closed business in chapter_thanks.py; this
  module has the weeks, attendance and the report written at the close.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from whoknows.core.money import format_money, from_cents
from whoknows.errors import Conflict, NotFound, UserError
from whoknows.teamserver import chapter_held, chapter_week_visitors, schema, spaces
from whoknows.teamserver.audit import audit

CLIENT_ID_MAX = 100
EARLIEST_WEEK = dt.date(2000, 1, 3)  # a Monday: no week before it is closed (nor reported on)


def today() -> dt.date:
    """Today in UTC (tests replace it to move through weeks)."""
    return dt.datetime.now(dt.UTC).date()


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def check_chapter(kind: str) -> None:
    """Chapter routes exist only in a space of kind group (a firm answers 404)."""
    if kind != "group":
        raise NotFound("this space is not a chapter", hint="chapters are spaces of kind group")


def check_client_id(value: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > CLIENT_ID_MAX or not value.isprintable():
        raise UserError(
            f"a client id must be 1 to {CLIENT_ID_MAX} printable characters",
            hint="send a fresh random value (a UUID) per slip, and the same one to retry it",
        )
    return value


def current_member(conn: Connection, space_id: int, account_id: int, what: str) -> None:
    role = spaces.role_of(conn, space_id, account_id)
    if role is None or not spaces.at_least(role, "member"):
        raise NotFound(f"no member {account_id} in this chapter to {what}")


# --- weeks ---------------------------------------------------------------------------------


def entry_week(conn: Connection, space_id: int) -> dict[str, Any]:
    """The week what is entered now counts in: this week, or the first open one after it.
    Its row is locked FOR SHARE, so a close waits until the entry commits."""
    day = monday(today())
    while True:
        conn.execute(
            text(
                "INSERT INTO chapter_week (space_id, starts_on) VALUES (:s, :d) "
                "ON CONFLICT (space_id, starts_on) DO NOTHING"
            ),
            {"s": space_id, "d": day},
        )
        row = conn.execute(
            text(
                "SELECT id, starts_on, status FROM chapter_week "
                "WHERE space_id = :s AND starts_on = :d FOR SHARE"
            ),
            {"s": space_id, "d": day},
        ).one()
        if row.status == "open":
            return {"id": row.id, "starts_on": row.starts_on, "status": row.status}
        day += dt.timedelta(days=7)


def open_week_of(conn: Connection, space_id: int, week_id: int) -> None:
    """Refuse a change to something of a closed week (its row locked FOR SHARE)."""
    row = conn.execute(
        text(
            "SELECT starts_on, status FROM chapter_week WHERE space_id = :s AND id = :w FOR SHARE"
        ),
        {"s": space_id, "w": week_id},
    ).one()
    if row.status != "open":
        raise Conflict(
            f"the week of {row.starts_on} is closed: its slips can no longer change",
            hint="give a new slip: it counts in the next week",
        )


def weeks(conn: Connection, space_id: int) -> dict[str, Any]:
    """Every week of the chapter, newest first, with its counts (totals only)."""
    rows = conn.execute(
        text(
            """
            SELECT w.id, w.starts_on, w.status, w.closed_at,
                   (SELECT count(*) FROM chapter_slip s WHERE s.space_id = w.space_id
                      AND s.week_id = w.id AND s.status <> 'withdrawn') AS slips,
                   EXISTS (SELECT 1 FROM chapter_report r WHERE r.space_id = w.space_id
                      AND r.week_id = w.id) AS reported
            FROM chapter_week w WHERE w.space_id = :s
            ORDER BY w.starts_on DESC LIMIT 520
            """
        ),
        {"s": space_id},
    ).all()
    return {
        "weeks": [
            {
                "id": r.id,
                "starts_on": r.starts_on.isoformat(),
                "status": r.status,
                "closed_at": r.closed_at.isoformat() if r.closed_at else None,
                "slips": int(r.slips),
                "report": bool(r.reported),
            }
            for r in rows
        ]
    }


def close(
    conn: Connection, space_id: int, account_id: int, starts_on: dt.date | None = None
) -> dict[str, Any]:
    """Close a week (the earliest open one that has begun, unless STARTS_ON names one) and
    write its report, once."""
    this_week = monday(today())
    if starts_on is not None:
        starts_on = monday(starts_on)
        if starts_on > this_week:
            raise UserError(
                f"the week of {starts_on} has not begun", hint="close it on or after that Monday"
            )
        if starts_on < EARLIEST_WEEK:
            raise UserError(
                f"the week of {starts_on} is too long ago",
                hint=f"close a week from {EARLIEST_WEEK} on",
            )
        conn.execute(
            text(
                "INSERT INTO chapter_week (space_id, starts_on) VALUES (:s, :d) "
                "ON CONFLICT (space_id, starts_on) DO NOTHING"
            ),
            {"s": space_id, "d": starts_on},
        )
    else:
        entry_week(conn, space_id)  # so this week exists
    row = conn.execute(
        text(
            """
            SELECT id, starts_on, status FROM chapter_week
            WHERE space_id = :s AND starts_on <= :t
              AND (CAST(:d AS date) IS NULL AND status = 'open' OR starts_on = :d)
            ORDER BY starts_on LIMIT 1 FOR UPDATE
            """
        ),
        {"s": space_id, "t": this_week, "d": starts_on},
    ).one_or_none()
    if row is None:
        raise Conflict("every week that has begun is closed already", hint="close it next week")
    if row.status == "closed":
        raise Conflict(f"the week of {row.starts_on} is closed already")
    conn.execute(
        text(
            "UPDATE chapter_week SET status = 'closed', closed_at = now(), closed_by = :a "
            "WHERE space_id = :s AND id = :w"
        ),
        {"a": account_id, "s": space_id, "w": row.id},
    )
    chapter_held.fold(conn, space_id, row.id)
    body = _report(conn, space_id, row.id)
    conn.execute(
        text(
            "INSERT INTO chapter_report (space_id, week_id, body, csv) "
            "VALUES (:s, :w, CAST(:b AS jsonb), :c)"
        ),
        {"s": space_id, "w": row.id, "b": json.dumps(body), "c": report_csv(body)},
    )
    audit(conn, "week.close", f"week:{row.id}", {"starts_on": row.starts_on.isoformat()})
    return body


# --- attendance and the report -------------------------------------------------------------


def attend(
    conn: Connection, space_id: int, recorder_id: int, account_id: int, status: str
) -> dict[str, Any]:
    """Record a member's attendance in the open week (a leader, at the meeting)."""
    if status not in schema.ATTENDANCE:
        raise UserError(
            f"unknown attendance {status!r}", hint=f"one of: {', '.join(schema.ATTENDANCE)}"
        )
    current_member(conn, space_id, account_id, "record")
    week = entry_week(conn, space_id)
    conn.execute(
        text(
            """
            INSERT INTO chapter_attendance (space_id, week_id, account_id, status, recorded_by)
            VALUES (:s, :w, :a, :st, :r)
            ON CONFLICT (space_id, week_id, account_id)
            DO UPDATE SET status = :st, recorded_by = :r, recorded_at = now()
            """
        ),
        {"s": space_id, "w": week["id"], "a": account_id, "st": status, "r": recorder_id},
    )
    audit(conn, "week.attend", f"account:{account_id}", {"status": status})
    return {"week": week["starts_on"].isoformat(), "member": account_id, "status": status}


def _report(conn: Connection, space_id: int, week_id: int) -> dict[str, Any]:
    """The week's PALMS-like report: attendance, slips given and received per member, and
    thanks for closed business as totals per member credited (never per thanks)."""
    week = conn.execute(
        text("SELECT starts_on, closed_at FROM chapter_week WHERE space_id = :s AND id = :w"),
        {"s": space_id, "w": week_id},
    ).one()
    members = conn.execute(
        text(
            """
            SELECT a.id, a.name, at.status AS attendance,
              (SELECT count(*) FROM chapter_slip s WHERE s.space_id = m.space_id
                 AND s.week_id = :w AND s.giver_id = a.id AND s.status <> 'withdrawn') AS given,
              (SELECT count(*) FROM chapter_slip s WHERE s.space_id = m.space_id
                 AND s.week_id = :w AND s.receiver_id = a.id AND s.status <> 'withdrawn')
                 AS received,
              (SELECT count(*) FROM chapter_one_to_one o WHERE o.space_id = m.space_id
                 AND o.week_id = :w AND o.confirmed_at IS NOT NULL
                 AND (o.logger_id = a.id OR o.other_id = a.id)) AS one_to_ones
            FROM membership m JOIN account a ON a.id = m.account_id
            LEFT JOIN chapter_attendance at ON at.space_id = m.space_id AND at.week_id = :w
                 AND at.account_id = a.id
            WHERE m.space_id = :s AND m.left_at IS NULL AND m.role <> 'guest'
            ORDER BY a.name, a.id
            """
        ),
        {"s": space_id, "w": week_id},
    ).all()
    thanked = chapter_held.shown_in(conn, space_id, week_id)  # sums of 2 thanks or more
    totals: dict[str, int] = defaultdict(int)
    for per in thanked.values():
        for currency, cents in per.items():
            totals[currency] += cents
    visitors = chapter_week_visitors.in_week(conn, space_id, week_id)
    rows: list[dict[str, Any]] = [
        {
            "member": {"id": m.id, "name": m.name},
            "attendance": m.attendance or "not recorded",
            "slips_given": int(m.given),
            "slips_received": int(m.received),
            "one_to_ones": int(m.one_to_ones),
            "thanks_received": {c: str(from_cents(v)) for c, v in sorted(thanked[m.id].items())},
            "visitors": chapter_week_visitors.invited_by(visitors, m.id),
        }
        for m in members
    ]
    return {
        "week": week.starts_on.isoformat(),
        "closed_at": week.closed_at.isoformat() if week.closed_at else None,
        "members": rows,
        "visitors": visitors,
        "totals": {
            "present": sum(r["attendance"] in ("present", "late", "substitute") for r in rows),
            "slips": sum(r["slips_given"] for r in rows),
            "one_to_ones": int(
                conn.execute(
                    text(
                        "SELECT count(*) FROM chapter_one_to_one WHERE space_id = :s "
                        "AND week_id = :w AND confirmed_at IS NOT NULL"
                    ),
                    {"s": space_id, "w": week_id},
                ).scalar_one()
            ),
            "thanks": {c: str(from_cents(v)) for c, v in sorted(totals.items())},
            "visitors": len(visitors),
        },
        "six_months": _six_months(conn, space_id, week.starts_on),
    }


def _six_months(conn: Connection, space_id: int, starts_on: dt.date) -> dict[str, Any]:
    """What a week of the 26 closed ones before this one held on average, to set it against."""
    since = starts_on - dt.timedelta(weeks=26)
    found = conn.execute(
        text(
            """
            WITH win AS (
              SELECT id FROM chapter_week WHERE space_id = :s AND status = 'closed'
                AND starts_on >= :since AND starts_on < :d
            )
            SELECT (SELECT count(*) FROM win) AS weeks,
              (SELECT count(*) FROM chapter_slip sl JOIN win ON win.id = sl.week_id
                 WHERE sl.space_id = :s AND sl.status <> 'withdrawn') AS slips,
              (SELECT count(*) FROM chapter_attendance at JOIN win ON win.id = at.week_id
                 WHERE at.space_id = :s AND at.status IN ('present', 'late', 'substitute'))
                 AS present,
              (SELECT count(*) FROM chapter_one_to_one o JOIN win ON win.id = o.week_id
                 WHERE o.space_id = :s AND o.confirmed_at IS NOT NULL) AS one_to_ones,
              (SELECT count(*) FROM chapter_visitor v JOIN win ON win.id = v.week_id
                 WHERE v.space_id = :s) AS visitors
            """
        ),
        {"s": space_id, "since": since, "d": starts_on},
    ).one()
    weeks = int(found.weeks)
    money = conn.execute(
        text(
            "SELECT t.currency, sum(t.amount_cents) AS cents FROM chapter_thanks t "
            "JOIN chapter_week w ON w.id = t.shown_week_id WHERE t.space_id = :s "
            "AND w.starts_on >= :since AND w.starts_on < :d "
            "GROUP BY t.currency ORDER BY t.currency"
        ),
        {"s": space_id, "since": since, "d": starts_on},
    ).all()

    def per_week(count: int) -> float | None:
        return round(count / weeks, 1) if weeks else None

    return {
        "weeks": weeks,
        "present_per_week": per_week(int(found.present)),
        "slips_per_week": per_week(int(found.slips)),
        "one_to_ones_per_week": per_week(int(found.one_to_ones)),
        "visitors_per_week": per_week(int(found.visitors)),
        "thanks_per_week": {
            r.currency: str(from_cents(round(int(r.cents) / weeks))) for r in money if weeks
        },
    }


def report_csv(body: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "week",
            "member",
            "attendance",
            "slips given",
            "slips received",
            "1-to-1s",
            "tyfcb",
            "visitors",
        ]
    )
    for row in body["members"]:
        money = "; ".join(format_money(Decimal(v), c) for c, v in row["thanks_received"].items())
        writer.writerow(
            [
                body["week"],
                row["member"]["name"],
                row["attendance"],
                row["slips_given"],
                row["slips_received"],
                row["one_to_ones"],
                money,
                row.get("visitors", 0),
            ]
        )
    for guest in body.get("visitors", []):  # a visitor's row: who invited them, if a member
        by = guest["invited_by"]["name"] if guest["invited_by"] else ""
        name = guest["name"] + (f" @{guest['org']}" if guest["org"] else "")
        writer.writerow(
            [body["week"], name, "visitor", "", "", "", "", f"invited by {by}" if by else ""]
        )
    return out.getvalue()


def report(conn: Connection, space_id: int, week_id: int) -> dict[str, Any]:
    """The report written at the week's close (404 while the week is open)."""
    row = conn.execute(
        text("SELECT body, csv FROM chapter_report WHERE space_id = :s AND week_id = :w"),
        {"s": space_id, "w": week_id},
    ).one_or_none()
    if row is None:
        raise NotFound(f"no report for week {week_id}", hint="a report is written at the close")
    return {"body": row.body, "csv": row.csv}
