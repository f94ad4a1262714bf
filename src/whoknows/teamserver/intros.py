"""Introduction requests between colleagues: double opt-in.

A member asks a colleague to introduce them to someone the colleague shares (named by key).
The request holds what the asker could see when asking (the colleague's level decides: a
name, or "a VP Sales at Acme"), and nothing more is revealed until the colleague accepts:
then the asker learns the colleague's email to arrange it, and the name when the colleague
shares names. Either member's `whoknows team pull` reads `listing` into their local ledger.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from whoknows.core.sharing import seen_as
from whoknows.errors import Conflict, NotFound, UserError
from whoknows.teamserver import reach
from whoknows.teamserver.audit import audit

WHY_MAX = 2000
STATUSES_OPEN = ("asked",)


def create(
    conn: Connection,
    space_id: int,
    account_id: int,
    colleague_id: int,
    about: str,
    why: str,
    client_id: str | None = None,
) -> dict[str, Any]:
    """Ask COLLEAGUE to introduce the asker to ABOUT (a contact key the colleague shares)."""
    kind, key = reach.target(about)
    if kind != "key":
        raise UserError(
            "ask about one person, by key", hint="whoknows team ask turns a name into it"
        )
    why = " ".join((why or "").split())
    if not why:
        raise UserError("say why you ask", hint="--why 'we sell them …'")
    if len(why) > WHY_MAX:
        raise UserError(f"the reason is longer than {WHY_MAX} characters", hint="shorten --why")
    if colleague_id == account_id:
        raise UserError("you cannot ask yourself for an introduction")
    reach.ask(conn, space_id, account_id, "intro.ask", f"account:{colleague_id}")
    row = conn.execute(
        text(
            f"""
            SELECT sc.name, sc.role, sc.org, m.sharing_level FROM shared_contact sc
            JOIN membership m ON m.space_id = sc.space_id AND m.account_id = sc.account_id
            WHERE sc.space_id = :s AND sc.account_id = :c AND sc.key = :k AND {reach.COUNTED}
            """
        ),
        {"s": space_id, "c": colleague_id, "k": key},
    ).one_or_none()
    if row is None:
        raise NotFound("that colleague shares nobody with that key in this space")
    shown = row.name if row.sharing_level == "name" else None
    description = seen_as(shown, row.role, row.org)
    intro_id = conn.execute(
        text(
            """
            INSERT INTO intro_request
              (space_id, requester_id, colleague_id, target_key, target_description, why,
               client_id)
            VALUES (:s, :r, :c, :k, :d, :w, :cid) RETURNING id
            """
        ),
        {
            "s": space_id,
            "r": account_id,
            "c": colleague_id,
            "k": key,
            "d": description,
            "w": why,
            "cid": client_id,
        },
    ).scalar_one()
    return one(conn, space_id, account_id, int(intro_id))


def decide(
    conn: Connection, space_id: int, account_id: int, intro_id: int, status: str
) -> dict[str, Any]:
    """The colleague accepts or declines; the asker withdraws. Only an open request moves."""
    if status not in ("accepted", "declined", "withdrawn"):
        raise UserError(f"unknown decision {status!r}")
    party = "requester_id" if status == "withdrawn" else "colleague_id"
    found = conn.execute(
        text(
            f"SELECT status FROM intro_request WHERE space_id = :s AND id = :i AND {party} = :a "
            "FOR UPDATE"
        ),
        {"s": space_id, "i": intro_id, "a": account_id},
    ).scalar()
    if found is None:
        raise NotFound(f"no introduction request {intro_id} for you to answer")
    if found == status:
        return one(conn, space_id, account_id, intro_id)  # the same answer again: no change
    if found not in STATUSES_OPEN:
        raise Conflict(f"introduction request {intro_id} is {found} already")
    conn.execute(
        text(
            "UPDATE intro_request SET status = :st, decided_at = now() "
            "WHERE space_id = :s AND id = :i"
        ),
        {"st": status, "s": space_id, "i": intro_id},
    )
    audit(conn, f"intro.{status}", f"intro:{intro_id}")
    return one(conn, space_id, account_id, intro_id)


def listing(conn: Connection, space_id: int, account_id: int) -> dict[str, Any]:
    """Every request the member made or was asked, newest first."""
    rows = _rows(conn, space_id, account_id, None)
    return {"intros": [_shown(row, account_id) for row in rows]}


def one(conn: Connection, space_id: int, account_id: int, intro_id: int) -> dict[str, Any]:
    rows = _rows(conn, space_id, account_id, intro_id)
    if not rows:
        raise NotFound(f"no introduction request {intro_id}")
    return _shown(rows[0], account_id)


def _rows(conn: Connection, space_id: int, account_id: int, intro_id: int | None) -> list[Any]:
    return list(
        conn.execute(
            text(
                """
                SELECT i.*, r.name AS r_name, r.email AS r_email,
                       c.name AS c_name, c.email AS c_email,
                       sc.name AS t_name, sc.role AS t_role, sc.org AS t_org
                FROM intro_request i
                JOIN account r ON r.id = i.requester_id
                JOIN account c ON c.id = i.colleague_id
                LEFT JOIN shared_contact sc ON sc.space_id = i.space_id
                     AND sc.account_id = i.colleague_id AND sc.key = i.target_key
                WHERE i.space_id = :s AND (i.requester_id = :a OR i.colleague_id = :a)
                  AND (CAST(:i AS bigint) IS NULL OR i.id = :i)
                ORDER BY i.created_at DESC, i.id DESC
                LIMIT 500
                """
            ),
            {"s": space_id, "a": account_id, "i": intro_id},
        ).all()
    )


def _shown(row: Any, account_id: int) -> dict[str, Any]:
    """The request as this member may see it (the JSON of GET …/intros)."""
    mine = row.colleague_id == account_id  # asked of me: my own contact, all I shared of it
    accepted = row.status == "accepted"
    about: dict[str, Any] = {"key": row.target_key, "description": row.target_description}
    if (mine or accepted) and row.t_name:
        about["name"] = row.t_name
        about["description"] = seen_as(row.t_name, row.t_role, row.t_org)
    colleague: dict[str, Any] = {"id": row.colleague_id, "name": row.c_name}
    if mine or accepted:
        colleague["email"] = row.c_email
    return {
        "id": row.id,
        "role": "colleague" if mine else "requester",
        "status": row.status,
        "requester": {"id": row.requester_id, "name": row.r_name, "email": row.r_email},
        "colleague": colleague,
        "about": about,
        "why": row.why,
        "client_id": row.client_id,
        "created_at": row.created_at.isoformat(),
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
    }
