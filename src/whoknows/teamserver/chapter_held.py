"""Which thanks a member's totals may show: a total is shown only when it sums at least two
thanks (MIN_THANKS), so that nobody learns the amount of one thanks from a total of one.

At each close, the thanks of closed weeks not shown yet are summed per member credited and
currency; where a sum holds at least two, those thanks are shown in the week just closed
(shown_week_id) and count in its report. A single thanks is held (in no total, on no page,
API or export) until another for the same member and currency joins it at a later close.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, text

from whoknows.core.money import from_cents

MIN_THANKS = 2


def fold(conn: Connection, space_id: int, week_id: int) -> None:
    """At the close of WEEK_ID: show in it every held sum that now has MIN_THANKS thanks."""
    conn.execute(
        text(
            """
            WITH held AS (
              SELECT t.id, t.credited_id, t.currency FROM chapter_thanks t
              JOIN chapter_week w ON w.id = t.week_id
              WHERE t.space_id = :s AND t.shown_week_id IS NULL AND w.status = 'closed'
            ), ready AS (
              SELECT credited_id, currency FROM held
              GROUP BY credited_id, currency HAVING count(*) >= :n
            )
            UPDATE chapter_thanks t SET shown_week_id = :w
            FROM held JOIN ready USING (credited_id, currency)
            WHERE t.space_id = :s AND t.id = held.id
            """
        ),
        {"s": space_id, "w": week_id, "n": MIN_THANKS},
    )


def shown_in(conn: Connection, space_id: int, week_id: int) -> dict[int, dict[str, int]]:
    """Cents per member credited and currency that WEEK_ID's totals show."""
    shown: dict[int, dict[str, int]] = defaultdict(dict)
    for row in conn.execute(
        text(
            "SELECT credited_id, currency, sum(amount_cents) AS cents FROM chapter_thanks "
            "WHERE space_id = :s AND shown_week_id = :w GROUP BY credited_id, currency"
        ),
        {"s": space_id, "w": week_id},
    ):
        shown[row.credited_id][row.currency] = int(row.cents)
    return shown


def received(conn: Connection, space_id: int, account_id: int) -> dict[str, Any]:
    """What I may see of the thanks I received: my totals per closed week and currency, and
    how many of my thanks are held (their weeks closed, their sums of one)."""
    rows = conn.execute(
        text(
            """
            SELECT w.starts_on, t.currency, sum(t.amount_cents) AS cents
            FROM chapter_thanks t JOIN chapter_week w ON w.id = t.shown_week_id
            WHERE t.space_id = :s AND t.credited_id = :a
            GROUP BY w.starts_on, t.currency ORDER BY w.starts_on DESC, t.currency
            """
        ),
        {"s": space_id, "a": account_id},
    ).all()
    held = conn.execute(
        text(
            "SELECT count(*) FROM chapter_thanks t JOIN chapter_week w ON w.id = t.week_id "
            "WHERE t.space_id = :s AND t.credited_id = :a AND t.shown_week_id IS NULL "
            "AND w.status = 'closed'"
        ),
        {"s": space_id, "a": account_id},
    ).scalar_one()
    return {
        "received": [
            {
                "week": r.starts_on.isoformat(),
                "currency": r.currency,
                "amount": str(from_cents(int(r.cents))),
            }
            for r in rows
        ],
        "held": int(held),
    }
