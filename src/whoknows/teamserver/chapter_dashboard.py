"""A member's dashboard in a chapter, and the chapter's 1-to-1 network (who met whom).

Both look back six months (26 weeks from this week's Monday), as the lights do.

- The dashboard: the slips I gave and received per month, what I was thanked (the totals
  chapter_thanks.py lets me see, never one thanks), the members I have not met 1-to-1 in
  six months (the gaps), and my power team (chapter_power.py).
- The network: every current member, and a line between two who had a confirmed 1-to-1 in
  six months; the members who met nobody are isolated. It is drawn on a circle, members in
  name order, so the same data always draws the same picture.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from whoknows.teamserver import chapter_power, chapter_thanks, chapters

WINDOW_WEEKS = 26
DRAWING = 360  # the network's square viewBox, in SVG units: fits a 390 px phone


def window(day: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The six months looked back over: from the Monday 26 weeks back to this week's end."""
    this_week = chapters.monday(day or chapters.today())
    return this_week - dt.timedelta(weeks=WINDOW_WEEKS - 1), this_week + dt.timedelta(days=6)


def _months(since: dt.date, until: dt.date) -> list[str]:
    months, year, month = [], since.year, since.month
    while (year, month) <= (until.year, until.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


_MEMBERS = """
    SELECT a.id, a.name FROM membership m JOIN account a ON a.id = m.account_id
    WHERE m.space_id = :s AND m.left_at IS NULL AND m.role <> 'guest'
    ORDER BY a.name, a.id
"""


def _slips_by_month(
    conn: Connection, space_id: int, account_id: int, since: dt.date, until: dt.date
) -> list[dict[str, Any]]:
    counts = {
        row.month: (int(row.given), int(row.received))
        for row in conn.execute(
            text(
                """
                SELECT to_char(w.starts_on, 'YYYY-MM') AS month,
                       count(*) FILTER (WHERE s.giver_id = :a) AS given,
                       count(*) FILTER (WHERE s.receiver_id = :a) AS received
                FROM chapter_slip s JOIN chapter_week w ON w.id = s.week_id
                WHERE s.space_id = :s AND (s.giver_id = :a OR s.receiver_id = :a)
                  AND s.status <> 'withdrawn' AND w.starts_on BETWEEN :since AND :until
                GROUP BY 1
                """
            ),
            {"s": space_id, "a": account_id, "since": since, "until": until},
        )
    }
    return [
        {"month": m, "given": counts.get(m, (0, 0))[0], "received": counts.get(m, (0, 0))[1]}
        for m in _months(since, until)
    ]


def _thanks_totals(
    conn: Connection, space_id: int, account_id: int, since: dt.date
) -> dict[str, str]:
    """What I was thanked in six months, per currency: the sum of the weekly totals that
    chapter_thanks shows me (it decides what may be shown; never one thanks)."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for week in chapter_thanks.thanks(conn, space_id, account_id)["received"]:
        if dt.date.fromisoformat(week["week"]) >= since:
            totals[week["currency"]] += Decimal(week["amount"])
    return {currency: str(amount) for currency, amount in sorted(totals.items())}


def _gaps(conn: Connection, space_id: int, account_id: int, since: dt.date) -> list[dict[str, Any]]:
    """The members I have not met 1-to-1 (confirmed) since SINCE; when we last met, if ever."""
    rows = conn.execute(
        text(
            """
            SELECT a.id, a.name,
              (SELECT max(o.met_on) FROM chapter_one_to_one o
               WHERE o.space_id = m.space_id AND o.confirmed_at IS NOT NULL
                 AND ((o.logger_id = :a AND o.other_id = a.id)
                      OR (o.other_id = :a AND o.logger_id = a.id))) AS last_met
            FROM membership m JOIN account a ON a.id = m.account_id
            WHERE m.space_id = :s AND m.left_at IS NULL AND m.role <> 'guest' AND a.id <> :a
            ORDER BY a.name, a.id
            """
        ),
        {"s": space_id, "a": account_id},
    ).all()
    return [
        {
            "member": {"id": r.id, "name": r.name},
            "last_met": r.last_met.isoformat() if r.last_met else None,
        }
        for r in rows
        if r.last_met is None or r.last_met < since
    ]


def dashboard(conn: Connection, space_id: int, account_id: int) -> dict[str, Any]:
    """My six months in the chapter: slips given and received, thanks, 1-to-1 gaps, and my
    power team with who knows my ideal clients."""
    since, until = window()
    months = _slips_by_month(conn, space_id, account_id, since, until)
    return {
        "window": {"from": since.isoformat(), "to": until.isoformat(), "weeks": WINDOW_WEEKS},
        "slips": {
            "given": sum(m["given"] for m in months),
            "received": sum(m["received"] for m in months),
            "months": months,
        },
        "thanks_received": _thanks_totals(conn, space_id, account_id, since),
        "one_to_one_gaps": _gaps(conn, space_id, account_id, since),
        "power_team": chapter_power.power_team(conn, space_id, account_id),
    }


def network(conn: Connection, space_id: int) -> dict[str, Any]:
    """Who met whom (confirmed 1-to-1s in six months), who met nobody, and a drawing."""
    since, until = window()
    members = conn.execute(text(_MEMBERS), {"s": space_id}).all()
    ids = {m.id for m in members}
    pairs = [
        (r.one, r.two, int(r.times))
        for r in conn.execute(
            text(
                """
                SELECT least(logger_id, other_id) AS one, greatest(logger_id, other_id) AS two,
                       count(*) AS times
                FROM chapter_one_to_one
                WHERE space_id = :s AND confirmed_at IS NOT NULL
                  AND met_on BETWEEN :since AND :until
                GROUP BY 1, 2 ORDER BY 1, 2
                """
            ),
            {"s": space_id, "since": since, "until": until},
        )
        if r.one in ids and r.two in ids
    ]
    names = {m.id: m.name for m in members}
    met: dict[int, list[str]] = defaultdict(list)
    for one, two, _ in pairs:
        met[one].append(names[two])
        met[two].append(names[one])
    nodes = [
        {
            "n": i + 1,
            "id": m.id,
            "name": m.name,
            "met": len(met[m.id]),
            "with": sorted(met[m.id]),
            **_spot(i, len(members)),
        }
        for i, m in enumerate(members)
    ]
    spot = {node["id"]: node for node in nodes}
    return {
        "window": {"from": since.isoformat(), "to": until.isoformat(), "weeks": WINDOW_WEEKS},
        "members": [{k: node[k] for k in ("n", "id", "name", "met", "with")} for node in nodes],
        "pairs": [
            {
                "one": {"id": one, "name": names[one]},
                "two": {"id": two, "name": names[two]},
                "times": times,
            }
            for one, two, times in pairs
        ],
        "isolated": [{"id": m.id, "name": m.name} for m in members if not met[m.id]],
        "drawing": {
            "size": DRAWING,
            "nodes": nodes,
            "lines": [
                {
                    "x1": spot[one]["x"],
                    "y1": spot[one]["y"],
                    "x2": spot[two]["x"],
                    "y2": spot[two]["y"],
                    "times": times,
                }
                for one, two, times in pairs
            ],
        },
    }


def _spot(i: int, count: int) -> dict[str, float]:
    """Member I of COUNT on a circle, the first at the top, clockwise."""
    middle, radius = DRAWING / 2, DRAWING / 2 - 24
    angle = 2 * math.pi * i / max(count, 1) - math.pi / 2
    return {
        "x": round(middle + radius * math.cos(angle), 1),
        "y": round(middle + radius * math.sin(angle), 1),
    }
