"""The pooled projection of a space: members' shared contacts and the reach they give.

(Owned by the push work; spaces.leave calls drop_member when a member leaves or is removed.)
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, text

from whoknows.teamserver import schema


def drop_member(conn: Connection, space_id: int, account_id: int) -> None:
    """Take a member's ties out of the pooled graph, in the caller's transaction."""
    for table in (schema.shared_contact, schema.org_reach, schema.member_push):
        conn.execute(
            delete(table).where(table.c.space_id == space_id, table.c.account_id == account_id)
        )
    bump_version(conn, space_id)


def bump_version(conn: Connection, space_id: int) -> int:
    """The space's next graph version, announced to every worker when the transaction commits."""
    version = conn.execute(
        text(
            "INSERT INTO graph_version (space_id, version) VALUES (:s, 1) "
            "ON CONFLICT (space_id) DO UPDATE SET version = graph_version.version + 1 "
            "RETURNING version"
        ),
        {"s": space_id},
    ).scalar_one()
    conn.execute(
        text("SELECT pg_notify('whoknows_graph', :payload)"),
        {"payload": f"{space_id}:{version}"},
    )
    return int(version)
