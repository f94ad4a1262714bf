"""The pooled projection of a space: members' shared contacts and the reach they give.

A member's push (docs/team-design.md, "Push") lands here in the request's one transaction:
the member's rows of shared_contact change as the push says, org_reach is derived again for
the organizations it touched, member_push takes the new version, and the space's
graph_version moves on (NOTIFY) when anything changed. spaces.leave calls drop_member when a
member leaves or is removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, delete, text

from whoknows.core.sharing import Level
from whoknows.errors import Conflict, UserError
from whoknows.teamserver import schema
from whoknows.teamserver.audit import audit


@dataclass(frozen=True)
class Contact:
    """One shared contact as a push sends it (core.sharing.Shared.payload)."""

    key: str
    band: str
    name: str | None = None
    role: str | None = None
    org: str | None = None
    org_key: str | None = None


@dataclass(frozen=True)
class Pushed:
    version: int
    added: int
    changed: int
    removed: int
    total: int

    def as_json(self) -> dict[str, int]:
        return {
            "version": self.version,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "total": self.total,
        }


def push(
    conn: Connection,
    space_id: int,
    account_id: int,
    *,
    base: int | None,
    level: Level,
    upsert: Sequence[Contact],
    remove: Sequence[str],
    complete: bool,
) -> Pushed:
    """Apply one member's push, in the caller's transaction (tenant set to SPACE_ID).

    BASE is the version the member last saw; an incremental push on another base is refused
    (Conflict: the client sends everything instead). COMPLETE: UPSERT is all the member
    shares, and what is not in it goes. Level nothing deletes the member's rows.
    """
    _check(upsert, remove)
    current = _lock(conn, space_id, account_id)
    if not complete and (base or 0) != current:
        raise Conflict(
            f"your last push here is version {current}, not {base}",
            hint="send everything: a complete push",
        )
    where = {"s": space_id, "a": account_id}
    touched: set[str] = set()
    if level is Level.NOTHING:
        removed = _delete(conn, "", where)
        added = changed = 0
    else:
        if level is Level.WHO:  # the member's machine leaves names out; so does the server
            upsert = [Contact(c.key, c.band, None, c.role, c.org, c.org_key) for c in upsert]
        if not complete:
            touched = _org_keys_of(conn, where, [c.key for c in upsert])
        if complete:
            removed = _delete(
                conn,
                "AND NOT (key = ANY(CAST(:keep AS text[])))",
                where,
                keep=[c.key for c in upsert],
            )
        else:
            gone = conn.execute(
                text(
                    "DELETE FROM shared_contact WHERE space_id = :s AND account_id = :a "
                    "AND key = ANY(CAST(:keys AS text[])) RETURNING org_key"
                ),
                {**where, "keys": list(remove)},
            ).all()
            removed = len(gone)
            touched |= {row.org_key for row in gone if row.org_key is not None}
        added, changed = _upsert(conn, where, upsert)
        touched |= {c.org_key for c in upsert if c.org_key is not None}
    level_changed = _set_level(conn, where, level)
    if level is Level.NOTHING or complete:
        _reach(conn, where, None)
    elif touched:
        _reach(conn, where, sorted(touched))
    total = int(
        conn.execute(
            text("SELECT count(*) FROM shared_contact WHERE space_id = :s AND account_id = :a"),
            where,
        ).scalar_one()
    )
    version = current
    if added or changed or removed or level_changed or current == 0:
        version = current + 1
        conn.execute(
            text(
                "UPDATE member_push SET version = :v, pushed_at = now(), n_contacts = :n "
                "WHERE space_id = :s AND account_id = :a"
            ),
            {**where, "v": version, "n": total},
        )
        bump_version(conn, space_id)
    result = Pushed(version, added, changed, removed, total)
    audit(conn, "push", f"account:{account_id}", {"level": level.value, **result.as_json()})
    return result


def sharing(conn: Connection, space_id: int, account_id: int) -> dict[str, object]:
    """What a member's machine needs to push here: the key salt, its level and version."""
    row = conn.execute(
        text(
            "SELECT s.key_salt, m.sharing_level, p.version, p.n_contacts, p.pushed_at "
            "FROM space s JOIN membership m ON m.space_id = s.id AND m.account_id = :a "
            "LEFT JOIN member_push p ON p.space_id = s.id AND p.account_id = :a "
            "WHERE s.id = :s"
        ),
        {"s": space_id, "a": account_id},
    ).one()
    return {
        "key_salt": row.key_salt,
        "level": row.sharing_level,
        "version": row.version,
        "contacts": row.n_contacts or 0,
        "pushed_at": row.pushed_at,
    }


def _check(upsert: Sequence[Contact], remove: Sequence[str]) -> None:
    keys = [c.key for c in upsert]
    if len(set(keys)) != len(keys):
        raise UserError("a push names one contact key twice", hint="send each key once")
    both = set(keys) & set(remove)
    if both:
        raise UserError(
            "a push both sends and removes one contact key", hint="send it or remove it"
        )


def _lock(conn: Connection, space_id: int, account_id: int) -> int:
    """The member's push version, their member_push row locked until the transaction ends
    (two pushes of one member take turns)."""
    conn.execute(
        text(
            "INSERT INTO member_push (space_id, account_id, version, n_contacts) "
            "VALUES (:s, :a, 0, 0) ON CONFLICT (space_id, account_id) DO NOTHING"
        ),
        {"s": space_id, "a": account_id},
    )
    return int(
        conn.execute(
            text(
                "SELECT version FROM member_push WHERE space_id = :s AND account_id = :a FOR UPDATE"
            ),
            {"s": space_id, "a": account_id},
        ).scalar_one()
    )


def _delete(conn: Connection, condition: str, where: dict[str, int], **params: object) -> int:
    # An anti-join with the kept keys (a hash of them), not a scan per key.
    gone = conn.execute(
        text("DELETE FROM shared_contact WHERE space_id = :s AND account_id = :a " + condition),
        {**where, **params},
    )
    return int(gone.rowcount or 0)


def _org_keys_of(conn: Connection, where: dict[str, int], keys: list[str]) -> set[str]:
    """The organizations these contacts were at before this push (a change may move them)."""
    if not keys:
        return set()
    rows = conn.execute(
        text(
            "SELECT DISTINCT org_key FROM shared_contact WHERE space_id = :s AND account_id = :a "
            "AND key = ANY(CAST(:keys AS text[])) AND org_key IS NOT NULL"
        ),
        {**where, "keys": keys},
    )
    return {row.org_key for row in rows}


_COLUMNS = ("key", "name", "role", "org", "org_key", "band")


def _upsert(conn: Connection, where: dict[str, int], upsert: Sequence[Contact]) -> tuple[int, int]:
    """Insert new contacts and update those that differ; (added, changed). One statement over
    arrays: 50,000 contacts are one round trip."""
    if not upsert:
        return 0, 0
    arrays = {name: [getattr(c, name) for c in upsert] for name in _COLUMNS}
    differs = " OR ".join(f"c.{n} IS DISTINCT FROM excluded.{n}" for n in _COLUMNS[1:])
    rows = conn.execute(
        text(
            "INSERT INTO shared_contact AS c "
            "(space_id, account_id, key, name, role, org, org_key, band) "
            "SELECT :s, :a, u.key, u.name, u.role, u.org, u.org_key, u.band FROM unnest("
            + ", ".join(f"CAST(:{n} AS text[])" for n in _COLUMNS)
            + ") AS u(key, name, role, org, org_key, band) "
            "ON CONFLICT (space_id, account_id, key) DO UPDATE SET "
            + ", ".join(f"{n} = excluded.{n}" for n in _COLUMNS[1:])
            + ", updated_at = now() WHERE "
            + differs
            + " RETURNING (xmax = 0) AS inserted"
        ),
        {**where, **arrays},
    ).all()
    added = sum(1 for row in rows if row.inserted)
    return added, len(rows) - added


def _reach(conn: Connection, where: dict[str, int], org_keys: list[str] | None) -> None:
    """Derive the member's org_reach again from their shared contacts: for ORG_KEYS, or all."""
    only = "" if org_keys is None else " AND org_key = ANY(CAST(:orgs AS text[]))"
    params: dict[str, object] = {**where, "orgs": org_keys or []}
    conn.execute(
        text("DELETE FROM org_reach WHERE space_id = :s AND account_id = :a" + only), params
    )
    conn.execute(
        text(
            "INSERT INTO org_reach (space_id, org_key, org, account_id, best_band, n_contacts) "
            "SELECT :s, org_key, coalesce(mode() WITHIN GROUP (ORDER BY org), org_key), :a, "
            "(ARRAY['weak', 'good', 'strong'])[max(CASE band WHEN 'strong' THEN 3 "
            "WHEN 'good' THEN 2 ELSE 1 END)], count(*) "
            "FROM shared_contact WHERE space_id = :s AND account_id = :a "
            "AND org_key IS NOT NULL" + only + " GROUP BY org_key"
        ),
        params,
    )


def _set_level(conn: Connection, where: dict[str, int], level: Level) -> bool:
    """The member's sharing level in this space, as their last push said; whether it moved."""
    moved = conn.execute(
        text(
            "UPDATE membership SET sharing_level = :level WHERE space_id = :s "
            "AND account_id = :a AND sharing_level <> :level"
        ),
        {**where, "level": level.value},
    )
    return bool(moved.rowcount)


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
