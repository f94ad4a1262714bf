"""Thanks for closed business (TYFCB): exact money, anonymous to the member credited.

The member credited sees only their totals per closed week and currency, each the sum of at
least two thanks (chapter_held.py), never who thanked them or how much on one thanks; the
audit log names the thanks, never to whom or how much.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from whoknows.core.money import MoneyError, from_cents, parse_money, to_cents
from whoknows.errors import Conflict, NotFound, UserError
from whoknows.teamserver import chapter_held, chapters
from whoknows.teamserver.audit import audit


def thank(
    conn: Connection,
    space_id: int,
    thanker_id: int,
    credited_id: int | None,
    amount: str,
    client_id: str,
    slip_id: int | None = None,
) -> dict[str, Any]:
    """Thank the member who referred closed business (once per CLIENT_ID). With SLIP_ID (a
    slip I received), the slip's giver is credited."""
    client_id = chapters.check_client_id(client_id)
    try:
        value, currency = parse_money(amount)
    except MoneyError as exc:
        raise UserError(exc.message, hint=exc.hint) from exc
    cents = to_cents(value)
    if slip_id is not None:
        giver = conn.execute(
            text(
                "SELECT giver_id FROM chapter_slip "
                "WHERE space_id = :s AND id = :i AND receiver_id = :a"
            ),
            {"s": space_id, "i": slip_id, "a": thanker_id},
        ).scalar()
        if giver is None:
            raise NotFound(f"no slip {slip_id} given to you")
        if credited_id is not None and credited_id != giver:
            raise UserError(
                f"slip {slip_id} came from another member", hint="leave out MEMBER with --slip"
            )
        credited_id = int(giver)
    if credited_id is None:
        raise UserError("say whom you thank", hint="name the member, or --slip ID")
    if credited_id == thanker_id:
        raise UserError("thanks go to another member")
    chapters.current_member(conn, space_id, credited_id, "thank")
    found = _thanks_by_client(conn, space_id, thanker_id, client_id)
    if found is None:
        week = chapters.entry_week(conn, space_id)
        new_id = conn.execute(
            text(
                """
                INSERT INTO chapter_thanks (space_id, client_id, thanker_id, credited_id, slip_id,
                  week_id, amount_cents, currency)
                VALUES (:s, :cid, :t, :c, :sl, :w, :cents, :cur)
                ON CONFLICT (space_id, thanker_id, client_id) DO NOTHING RETURNING id
                """
            ),
            {
                "s": space_id,
                "cid": client_id,
                "t": thanker_id,
                "c": credited_id,
                "sl": slip_id,
                "w": week["id"],
                "cents": cents,
                "cur": currency,
            },
        ).scalar()
        if new_id is not None:
            audit(conn, "thanks.give", f"thanks:{new_id}")  # never to whom or how much
            return _thanks_given(conn, space_id, thanker_id, int(new_id))
        found = _thanks_by_client(conn, space_id, thanker_id, client_id)
        assert found is not None
    if (found.credited_id, found.slip_id, found.amount_cents, found.currency) != (
        credited_id,
        slip_id,
        cents,
        currency,
    ):
        raise Conflict(
            f"thanks id {client_id!r} was used for other thanks",
            hint="send a fresh id for new thanks",
        )
    return _thanks_given(conn, space_id, thanker_id, int(found.id))


def _thanks_by_client(conn: Connection, space_id: int, thanker_id: int, client_id: str) -> Any:
    return conn.execute(
        text(
            "SELECT id, credited_id, slip_id, amount_cents, currency FROM chapter_thanks "
            "WHERE space_id = :s AND thanker_id = :t AND client_id = :c"
        ),
        {"s": space_id, "t": thanker_id, "c": client_id},
    ).one_or_none()


_GIVEN = """
    SELECT t.id, t.client_id, t.slip_id, t.amount_cents, t.currency, t.created_at,
           t.credited_id, a.name AS credited_name, w.starts_on
    FROM chapter_thanks t JOIN account a ON a.id = t.credited_id
    JOIN chapter_week w ON w.id = t.week_id
    WHERE t.space_id = :s AND t.thanker_id = :a
"""


def _given(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "client_id": row.client_id,
        "to": {"id": row.credited_id, "name": row.credited_name},
        "slip": row.slip_id,
        "amount": str(from_cents(row.amount_cents)),
        "currency": row.currency,
        "week": row.starts_on.isoformat(),
        "created_at": row.created_at.isoformat(),
    }


def _thanks_given(
    conn: Connection, space_id: int, thanker_id: int, thanks_id: int
) -> dict[str, Any]:
    row = conn.execute(
        text(_GIVEN + " AND t.id = :i"), {"s": space_id, "a": thanker_id, "i": thanks_id}
    ).one()
    return _given(row)


def thanks(conn: Connection, space_id: int, account_id: int) -> dict[str, Any]:
    """The thanks I gave (in full), and what I was thanked: totals per closed week and
    currency, each of at least two thanks (chapter_held.py), and how many are held."""
    given = conn.execute(
        text(_GIVEN + " ORDER BY t.created_at DESC, t.id DESC LIMIT 500"),
        {"s": space_id, "a": account_id},
    ).all()
    return {
        "given": [_given(r) for r in given],
        **chapter_held.received(conn, space_id, account_id),
    }
