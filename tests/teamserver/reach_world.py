"""Helpers of the firm-wide question tests: what members shared, written behind the app's back
(as a push leaves it: shared_contact, org_reach, member_push and a new graph version)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, text

from whoknows.core.identity import org_key
from whoknows.core.sharing import KeyKind, contact_key
from whoknows.teamserver import pool
from whoknows.teamserver.accounts import Account
from whoknows.teamserver.spaces import Space


@dataclass(frozen=True)
class Known:
    """A contact as one member shares it: an email (its key), and what the level pushes."""

    email: str
    band: str = "good"
    name: str | None = None
    role: str | None = None
    org: str | None = None


def salt_of(engine: Engine, space: Space) -> str:
    with engine.begin() as conn:
        return str(
            conn.execute(
                text("SELECT key_salt FROM space WHERE id = :s"), {"s": space.id}
            ).scalar_one()
        )


def key_of(engine: Engine, space: Space, email: str) -> str:
    return contact_key(salt_of(engine, space), KeyKind.EMAIL, email)


def share(
    engine: Engine, space: Space, member: Account, known: list[Known], level: str = "who"
) -> int:
    """Replace MEMBER's pooled contacts with KNOWN at LEVEL; the space's new graph version."""
    salt = salt_of(engine, space)
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE membership SET sharing_level = :l WHERE space_id = :s AND account_id = :a"
            ),
            {"l": level, "s": space.id, "a": member.id},
        )
        for table in ("shared_contact", "org_reach"):
            conn.execute(
                text(f"DELETE FROM {table} WHERE space_id = :s AND account_id = :a"),
                {"s": space.id, "a": member.id},
            )
        for k in known:
            conn.execute(
                text(
                    "INSERT INTO shared_contact "
                    "(space_id, account_id, key, name, role, org, org_key, band) "
                    "VALUES (:s, :a, :k, :n, :r, :o, :ok, :b)"
                ),
                {
                    "s": space.id,
                    "a": member.id,
                    "k": contact_key(salt, KeyKind.EMAIL, k.email),
                    "n": k.name,
                    "r": k.role,
                    "o": k.org,
                    "ok": org_key(k.org),
                    "b": k.band,
                },
            )
        conn.execute(
            text(
                """
                INSERT INTO org_reach (space_id, org_key, org, account_id, best_band, n_contacts)
                SELECT space_id, org_key, min(org), account_id,
                       (ARRAY['weak', 'good', 'strong'])[
                         max(array_position(ARRAY['weak', 'good', 'strong'], band))],
                       count(*)
                FROM shared_contact WHERE space_id = :s AND account_id = :a
                  AND org_key IS NOT NULL
                GROUP BY space_id, org_key, account_id
                """
            ),
            {"s": space.id, "a": member.id},
        )
        return pool.bump_version(conn, space.id)
