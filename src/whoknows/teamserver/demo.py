"""The team demo: a firm whose members pooled their networks, and a chapter of a networking group.

`make team-demo` runs this module on a fresh database (`python -m whoknows.teamserver.demo
--db URL`): it upgrades the schema as `team init` does, then writes a firm of 200 members
whose pooled projection holds a million people and ten million ties (``--size large``; the
sizes below say what the smaller ones hold) and a 25-member chapter of kind group with two
years of weekly history (teamserver/demo_chapter.py), and prints the URL and the logins.

The world is made of arrays (teamserver/demo_world.py). Rows go in with COPY: the ties as
binary rows built straight from the arrays, then one INSERT … SELECT joins them to the
people, with the secondary indexes built once afterwards.
"""

from __future__ import annotations

import argparse
import secrets
import struct
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Engine, create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from whoknows.core.identity import org_key
from whoknows.core.sharing import KeyKind, contact_key
from whoknows.errors import UserError
from whoknows.teamserver import accounts, db, demo_chapter
from whoknows.teamserver.demo_world import (
    CHAPTER_SLUG,
    FIRM_DOMAIN,
    FIRM_SLUG,
    PASSWORD,
    SIZES,
    People,
    Space,
    World,
    member_email,
    world,
)
from whoknows.teamserver.snapshot import BANDS


def binary_copy(columns: list[tuple[npt.NDArray[np.generic], str]]) -> Iterator[bytes]:
    """PostgreSQL's binary COPY format for integer columns (no nulls), in blocks.

    Each column is (values, struct code: "q" bigint, "i" integer, "h" smallint); the rows are
    built as one numpy record array per block, without a Python object per row.
    """
    fields: list[tuple[str, str]] = [("n", ">i2")]
    kinds = {"q": (">i8", 8), "i": (">i4", 4), "h": (">i2", 2)}
    for number, (_, code) in enumerate(columns):
        fields += [(f"l{number}", ">i4"), (f"v{number}", kinds[code][0])]
    dtype = np.dtype(fields)
    sizes = {code: size for code, (_, size) in kinds.items()}
    yield b"PGCOPY\n\xff\r\n\0" + struct.pack(">ii", 0, 0)
    count = len(columns[0][0]) if columns else 0
    step = 1 << 18
    for start in range(0, count, step):
        block = np.empty(min(step, count - start), dtype=dtype)
        block["n"] = len(columns)
        for number, (values, code) in enumerate(columns):
            block[f"l{number}"] = sizes[code]
            block[f"v{number}"] = values[start : start + step]
        yield block.tobytes()
    yield struct.pack(">h", -1)


def main(argv: list[str] | None = None, *, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(prog="python -m whoknows.teamserver.demo")
    parser.add_argument("--db", required=True)
    parser.add_argument("--size", choices=sorted(SIZES), default="large")
    parser.add_argument("--url", default="http://127.0.0.1:8800")
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="drop and create the database first (only an empty one or an earlier demo)",
    )
    args = parser.parse_args(argv)
    engine = None
    try:
        if args.fresh:
            fresh_database(db.server_url(args.db))
        engine = db.connect(args.db, as_app=False)
        db.upgrade(engine)
        started = time.perf_counter()
        the_world = world(SIZES[args.size])
        took = time.perf_counter() - started
        out(f"world of {len(the_world.people):,} people made in {took:.1f} s")
        logins = write(engine, the_world, out)
    except UserError as exc:
        print(f"error: {exc.message}" + (f" ({exc.hint})" if exc.hint else ""), file=sys.stderr)
        return 1
    except DBAPIError as exc:
        first = (str(exc.orig or exc).strip().splitlines() or ["?"])[0]
        print(f"error: the team demo could not be written: {first}", file=sys.stderr)
        return 1
    finally:
        if engine is not None:
            engine.dispose()
    out(f"team demo ({args.size}) ready in {time.perf_counter() - started:.1f} s")
    out(f"serve it: whoknows team serve --db {args.db} --workers 4, then open {args.url}")
    out(f"logins (password {PASSWORD}):")
    for what, email in logins:
        out(f"  {email:<45} {what}")
    return 0


REBUILD_INDEXES_FROM = 200_000  # ties in one space


def fresh_database(url: str) -> None:
    """Drop and create URL's database, unless it holds anything but an earlier team demo."""
    target = make_url(url)
    name = target.database
    if not name or name in {"postgres", "template0", "template1"}:
        raise UserError(f"the team demo needs a database of its own, not {name!r}")
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).first()
        if exists:
            _check_only_demo(url, name)
            with server.connect() as conn:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        with server.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except DBAPIError as exc:
        raise UserError(
            f"could not create the database {name!r}: {str(exc.orig).strip().splitlines()[0]}",
            hint="is PostgreSQL running, and may this user create databases?",
        ) from exc
    finally:
        server.dispose()


def _check_only_demo(url: str, name: str) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = conn.execute(
                text(
                    "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN "
                    "('pg_catalog', 'information_schema')"
                )
            ).scalar_one()
            demo = conn.execute(text("SELECT to_regclass('space') IS NOT NULL")).scalar_one()
            others = (
                conn.execute(
                    text("SELECT count(*) FROM space WHERE slug NOT IN (:f, :c)"),
                    {"f": FIRM_SLUG, "c": CHAPTER_SLUG},
                ).scalar_one()
                if demo
                else 0
            )
    finally:
        engine.dispose()
    if (tables and not demo) or others:
        raise UserError(
            f"the database {name!r} holds other data; the team demo does not drop it",
            hint="choose another database: make team-demo TEAM_DEMO_DB=postgresql+psycopg://…",
        )


def write(engine: Engine, the_world: World, out: Callable[[str], None]) -> list[tuple[str, str]]:
    """Write the world in one transaction (nothing half-written); the logins to print."""
    people = the_world.people
    password_hash = accounts.HASHER.hash(PASSWORD)
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL statement_timeout = 0"))  # a large demo takes minutes
        conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
        conn.execute(text("SET LOCAL work_mem = '256MB'"))
        _without_triggers(conn)
        if conn.execute(text("SELECT 1 FROM space WHERE slug = :s"), {"s": FIRM_SLUG}).first():
            raise UserError(
                "this database holds the team demo already",
                hint="make team-demo drops and recreates it; or use another database",
            )
        admin = accounts.create(
            conn, f"admin@{FIRM_DOMAIN}", PASSWORD, name="Demo Admin", is_admin=True
        )
        everyone = np.unique(np.concatenate([the_world.firm.members, the_world.chapter.members]))
        raw = conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cur:
            with cur.copy("COPY account (email, name, password_hash) FROM STDIN") as copy:
                for i in everyone:
                    copy.write_row(
                        (member_email(people, int(i)), people.name(int(i)), password_hash)
                    )
        ids = {
            row.email: row.id
            for row in conn.execute(
                text("SELECT email, id FROM account WHERE id <> :a"), {"a": admin.id}
            )
        }
        account_of = {int(i): int(ids[member_email(people, int(i))]) for i in everyone}
        logins = [("admin of both spaces", admin.email)]
        for space in (the_world.firm, the_world.chapter):
            started = time.perf_counter()
            email = _write_space(conn, raw, people, space, account_of, admin.id)
            logins.append((f"a member of {space.name}", email))
            out(
                f"{space.name}: {len(space.members)} members, "
                f"{len(space.tie_person):,} ties written in {time.perf_counter() - started:.1f} s"
            )
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    return logins


def _without_triggers(conn: Connection) -> None:
    """Skip the per-row foreign-key triggers when the user may (a superuser): the demo's rows
    are consistent by construction, and ten million trigger calls take minutes."""
    try:
        with conn.begin_nested():
            conn.execute(text("SET LOCAL session_replication_role = replica"))
    except DBAPIError:
        pass  # not a superuser: the triggers run, the demo is slower


def _write_space(
    conn: Connection,
    raw: Any,
    people: People,
    space: Space,
    account_of: dict[int, int],
    admin_id: int,
) -> str:
    salt = secrets.token_hex(32)
    space_id = conn.execute(
        text(
            "INSERT INTO space (slug, name, kind, key_salt) VALUES (:slug, :name, :kind, :salt) "
            "RETURNING id"
        ),
        {"slug": space.slug, "name": space.name, "kind": space.kind, "salt": salt},
    ).scalar_one()
    member_accounts = np.array([account_of[int(i)] for i in space.members], dtype=np.int64)
    with raw.cursor() as cur:
        with cur.copy(
            "COPY membership (space_id, account_id, role, sharing_level) FROM STDIN"
        ) as copy:
            copy.write_row((space_id, admin_id, "owner", "nothing"))
            for number, account in enumerate(member_accounts):
                role = "leader" if number == 1 else "admin" if number == 2 else "member"
                copy.write_row((space_id, int(account), role, space.levels[number]))
        # The people this space's members know, with their keys under this space's salt.
        known = np.unique(space.tie_person)
        cur.execute(
            "CREATE TEMP TABLE demo_person (idx integer PRIMARY KEY, key text, name text, "
            "role text, org text, org_key text) ON COMMIT DROP"
        )
        org_keys = [org_key(o) for o in people.orgs]
        firm_members = set(space.members.tolist())
        with cur.copy("COPY demo_person FROM STDIN") as copy:
            for i in known.tolist():
                email = member_email(people, i) if i in firm_members else people.email(i)
                org = space.name if i in firm_members else people.orgs[people.org_code[i]]
                copy.write_row(
                    (
                        i,
                        contact_key(salt, KeyKind.EMAIL, email),
                        people.name(i),
                        people.roles[people.role_code[i]],
                        org,
                        org_key(org) if i in firm_members else org_keys[people.org_code[i]],
                    )
                )
        cur.execute(
            "CREATE TEMP TABLE demo_tie (account_id bigint, idx integer, band smallint) "
            "ON COMMIT DROP"
        )
        with cur.copy("COPY demo_tie FROM STDIN (FORMAT binary)") as copy:
            columns: list[tuple[npt.NDArray[np.generic], str]] = [
                (member_accounts[space.tie_member], "q"),
                (space.tie_person.astype(np.int32), "i"),
                (space.tie_band.astype(np.int16), "h"),
            ]
            for block in binary_copy(columns):
                copy.write(block)
        cur.execute("ANALYZE demo_person; ANALYZE demo_tie")
    bands = "ARRAY[" + ", ".join(f"'{b}'" for b in BANDS) + "]"
    # Millions of rows go in faster with the secondary indexes built once afterwards (not
    # worth it for a few thousand: rebuilding them would read every space's rows).
    indexes = (
        []
        if len(space.tie_person) < REBUILD_INDEXES_FROM
        else conn.execute(
            text(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = 'shared_contact'::regclass AND NOT x.indisprimary"
            )
        ).all()
    )
    for index_name, _ in indexes:
        conn.execute(text(f'DROP INDEX "{index_name}"'))
    conn.execute(
        text(
            f"""
            INSERT INTO shared_contact (space_id, account_id, key, name, role, org, org_key, band)
            SELECT :s, t.account_id, p.key,
                   CASE WHEN m.sharing_level = 'name' THEN p.name END,
                   p.role, p.org, p.org_key, ({bands})[t.band]
            FROM demo_tie t
            JOIN demo_person p ON p.idx = t.idx
            JOIN membership m ON m.space_id = :s AND m.account_id = t.account_id
            WHERE m.sharing_level <> 'nothing'
            ORDER BY t.account_id, p.key
            """
        ),
        {"s": space_id},
    )
    for _, definition in indexes:
        conn.execute(text(definition))
    conn.execute(
        text(
            f"""
            INSERT INTO org_reach (space_id, org_key, org, account_id, best_band, n_contacts)
            SELECT space_id, org_key, min(org), account_id,
                   ({bands})[max(array_position({bands}, band))], count(*)
            FROM shared_contact WHERE space_id = :s AND org_key IS NOT NULL
            GROUP BY space_id, org_key, account_id
            """
        ),
        {"s": space_id},
    )
    conn.execute(
        text(
            """
            INSERT INTO member_push (space_id, account_id, version, n_contacts)
            SELECT :s, account_id, 1, count(*) FROM shared_contact WHERE space_id = :s
            GROUP BY account_id
            """
        ),
        {"s": space_id},
    )
    conn.execute(
        text("INSERT INTO graph_version (space_id, version) VALUES (:s, 1)"), {"s": space_id}
    )
    conn.execute(text("DROP TABLE demo_person; DROP TABLE demo_tie"))
    if space.kind == "group":  # the chapter's two years of weeks (teamserver/demo_chapter.py)
        everyone = [admin_id, *member_accounts.tolist()]
        demo_chapter.history(conn, space_id, everyone, leader_id=int(member_accounts[1]))
    first = int(space.members[0])
    return member_email(people, first)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
