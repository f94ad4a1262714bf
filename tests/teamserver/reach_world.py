"""Helpers of the firm-wide question tests: what members shared, pushed as a member's machine
pushes it (pool.push), and names put behind the server's back."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from whoknows.core.identity import org_key
from whoknows.core.sharing import KeyKind, Level, contact_key
from whoknows.teamserver import db, pool
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
    """MEMBER pushes KNOWN (everything they share) at LEVEL; the space's new graph version."""
    salt = salt_of(engine, space)
    contacts = [
        pool.Contact(
            contact_key(salt, KeyKind.EMAIL, k.email), k.band, k.name, k.role, k.org, org_key(k.org)
        )
        for k in known
    ]
    with db.tenant(engine, space_id=space.id, account_id=member.id) as conn:
        pool.push(
            conn,
            space.id,
            member.id,
            base=None,
            level=Level(level),
            upsert=contacts,
            remove=[],
            complete=True,
        )
        return version_of(conn, space)


def version_of(conn: Connection, space: Space) -> int:
    return int(
        conn.execute(
            text("SELECT version FROM graph_version WHERE space_id = :s"), {"s": space.id}
        ).scalar_one()
    )


def names_behind_the_level(engine: Engine, space: Space, member: Account, name: str) -> None:
    """Put a name in each of MEMBER's rows, as if a level-who push had carried one: the
    server must still not show it."""
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE shared_contact SET name = :n WHERE space_id = :s AND account_id = :a"),
            {"n": name, "s": space.id, "a": member.id},
        )
