"""Each worker's snapshots of the pooled graph: kept per space at its graph_version.

Every question reads the space's graph_version row in its own transaction; a worker whose
snapshot is older loads the newer one from the cache folder when another worker built it, and
otherwise builds it under a PostgreSQL advisory lock (one builder per space at a time). A build
patches the last snapshot it has (held, or the newest in the cache folder) when at most
PATCH_AT_MOST members changed since (member_push versions, memberships): it streams only the
ties that touch them. Otherwise it streams every tie. Either way the rows come in binary COPY
straight into arrays (teamserver/snapshot.py builds and saves them). The version row is the
signal; the NOTIFY that pool.bump_version sends is not needed by a worker that checks the row
per question.
"""

from __future__ import annotations

import logging
import struct
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from sqlalchemy import Connection, Engine, make_url, text

from whoknows.core.sharing import KeyKind, contact_key
from whoknows.teamserver import db, reach, schema, snapshot

BUILD_TIMEOUT_MS = 300_000
PATCH_AT_MOST = 20  # members changed since the snapshot this worker holds: patch, not rebuild
_SNAPSHOT_LOCK = 0x736E6170  # "snap": with the space id, one builder per space at a time
CHANNEL = "whoknows_graph"  # pool.bump_version's NOTIFY: '<space id>:<version>'
log = logging.getLogger("whoknows.teamserver")


@dataclass
class Snapshots:
    """This worker's snapshots, one per space, kept at the space's graph_version.

    With LISTEN_URL (the server under `team serve`), a thread of this worker listens on
    CHANNEL: a push's NOTIFY tells the worker the space's new version at once, and the worker
    refreshes its snapshot in the background (loaded when another worker saved it, else
    patched or built under the space's advisory lock). Questions then read no version row
    and wait for no refresh: they are answered from the snapshot held meanwhile (for the
    moment a refresh takes; reach.answer_paths leaves out members who no longer count). While
    the listener is not connected, every question reads the row as without LISTEN_URL.
    """

    engine: Engine
    cache_dir: Path
    listen_url: str | None = None

    def __post_init__(self) -> None:
        self._held: dict[int, snapshot.Pooled] = {}
        self._lock = threading.Lock()
        self._known: dict[int, int] = {}  # space → newest version heard while listening
        self._refreshing: set[int] = set()
        self._refreshing_lock = threading.Lock()  # never held through a build
        self._listening = threading.Event()
        self._stop = threading.Event()
        self._listener: threading.Thread | None = None
        if self.listen_url is not None:
            self._listener = threading.Thread(
                target=self._listen, name="whoknows-graph-listener", daemon=True
            )
            self._listener.start()

    def close(self) -> None:
        """Stop listening (the worker shuts down)."""
        self._stop.set()
        if self._listener is not None:
            self._listener.join(timeout=5)

    def version(self, conn: Connection, space_id: int) -> int:
        """The space's graph version: as last heard when listening, else read on CONN."""
        if self._listening.is_set() and space_id in self._known:
            return self._known[space_id]
        found = conn.execute(
            text("SELECT version FROM graph_version WHERE space_id = :s"), {"s": space_id}
        ).scalar()
        version = int(found or 0)
        if self._listening.is_set():  # read after LISTEN: every later bump will be heard
            self._heard(space_id, version)
        return version

    def current(self, space_id: int, version: int) -> snapshot.Pooled:
        """The space's snapshot at VERSION or newer (loaded or built when it moved on); when
        listening, the one held while a refresh to VERSION runs in the background."""
        held = self._held.get(space_id)
        if held is not None and held.version >= version:
            return held
        if held is not None and self._listening.is_set():
            self._refresh_soon(space_id)
            return held
        with self._lock:  # one thread of this worker loads or builds; the others wait
            return self._refreshed(space_id, version)

    def _refreshed(self, space_id: int, version: int) -> snapshot.Pooled:
        held = self._held.get(space_id)
        if held is not None and held.version >= version:
            return held
        pooled = snapshot.load(self.cache_dir, space_id, version) or self.build(space_id, None)
        self._held[space_id] = pooled
        return pooled

    def _heard(self, space_id: int, version: int) -> None:
        if version > self._known.get(space_id, -1):
            self._known[space_id] = version
        held = self._held.get(space_id)
        if held is not None and held.version < version:
            self._refresh_soon(space_id)

    def _refresh_soon(self, space_id: int) -> None:
        """Bring the held snapshot to the newest version heard, in a thread (one per space)."""
        with self._refreshing_lock:
            if space_id in self._refreshing:
                return
            self._refreshing.add(space_id)
        threading.Thread(target=self._refresh, args=(space_id,), daemon=True).start()

    def _refresh(self, space_id: int) -> None:
        try:
            while True:  # again if a newer version was heard meanwhile
                wanted = self._known.get(space_id, 0)
                with self._lock:
                    pooled = self._refreshed(space_id, wanted)
                if pooled.version < wanted or pooled.version >= self._known.get(space_id, 0):
                    return
        except Exception:  # the next question or notification tries again
            log.exception("refreshing the snapshot of space %s failed", space_id)
        finally:
            with self._refreshing_lock:
                self._refreshing.discard(space_id)

    def _listen(self) -> None:
        """LISTEN on CHANNEL until closed, reconnecting after a lost connection (versions heard
        before are forgotten then: questions read the row until LISTEN holds again)."""
        assert self.listen_url is not None
        url = make_url(self.listen_url).set(drivername="postgresql")
        conninfo = url.render_as_string(hide_password=False)
        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    conninfo, autocommit=True, application_name=f"{db.APPLICATION_NAME}-listen"
                ) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=1.0):
                            space, _, version = note.payload.partition(":")
                            if space.isdigit() and version.isdigit():
                                self._heard(int(space), int(version))
            except psycopg.Error as exc:
                log.warning("listening for graph versions: %s; again in 1 s", exc)
            finally:
                self._listening.clear()
                self._known.clear()
            self._stop.wait(1.0)

    def build(self, space_id: int, account_id: int | None = None) -> snapshot.Pooled:
        """Build the newest version under the space's advisory lock (or load it when another
        worker built it while this one waited), and save it to the cache folder."""
        try:
            return self._build(space_id, account_id)
        finally:
            self.engine.dispose()  # builds are rare: no connection stays open between them

    def _build(self, space_id: int, account_id: int | None) -> snapshot.Pooled:
        with (
            self.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn,
            conn.begin(),
        ):
            # Streaming ten million ties may take longer than a request may.
            conn.execute(text(f"SET LOCAL statement_timeout = {BUILD_TIMEOUT_MS}"))
            conn.execute(
                text("SELECT pg_advisory_xact_lock(:a, :b)"),
                {"a": _SNAPSHOT_LOCK, "b": space_id},
            )
            # One snapshot of the database shows the version and the ties together.
            db.set_tenant(conn, space_id=space_id, account_id=account_id)
            version = self.version(conn, space_id)
            pooled = snapshot.load(self.cache_dir, space_id, version)
            if pooled is not None:
                return pooled
            members = _members(conn, space_id)
            pushes = _pushes(conn, space_id)
            previous = self._held.get(space_id) or snapshot.latest(
                self.cache_dir, space_id, version
            )
            changed = (
                _changed(previous, members, pushes)
                if previous is not None and previous.pushes is not None
                else None
            )
            if previous is not None and changed is not None and len(changed) <= PATCH_AT_MOST:
                keys = list(_keys(conn, space_id, changed).values())
                ties = _ties(conn, changed, keys)
                pooled = snapshot.patched(previous, version, members, pushes, changed, ties)
            else:
                pooled = snapshot.build(space_id, version, members, _ties(conn), pushes)
            snapshot.save(pooled, self.cache_dir)
            return pooled


def _members(conn: Connection, space_id: int) -> tuple[list[int], list[int]]:
    """The counted members: (account ids, key ids of their emails)."""
    keys = _keys(conn, space_id, None)
    return list(keys), [snapshot.key_id(k) for k in keys.values()]


def _keys(conn: Connection, space_id: int, accounts: list[int] | None) -> dict[int, str]:
    """Account → key of their email in the space: the counted members, or ACCOUNTS."""
    salt = conn.execute(
        text("SELECT key_salt FROM space WHERE id = :s"), {"s": space_id}
    ).scalar_one()
    if accounts is None:
        query = f"""
            SELECT m.account_id AS id, a.email FROM membership m
            JOIN account a ON a.id = m.account_id WHERE m.space_id = :s AND {reach.COUNTED}
            """
    else:
        query = "SELECT id, email FROM account WHERE id = ANY(CAST(:accounts AS bigint[]))"
    rows = conn.execute(text(query), {"s": space_id, "accounts": accounts or []}).all()
    return {row.id: contact_key(salt, KeyKind.EMAIL, row.email) for row in rows}


def _pushes(conn: Connection, space_id: int) -> dict[int, int]:
    rows = conn.execute(
        text("SELECT account_id, version FROM member_push WHERE space_id = :s"), {"s": space_id}
    ).all()
    return {row.account_id: row.version for row in rows}


def _changed(
    previous: snapshot.Pooled, members: tuple[list[int], list[int]], pushes: dict[int, int]
) -> list[int]:
    """The members whose ties may differ from PREVIOUS: pushed since, joined, left, stopped
    sharing, hid themselves, or whose key is another."""
    assert previous.pushes is not None
    before = {
        int(a): (int(previous.graph.node_ids[n]), int(v))
        for a, n, v in zip(previous.accounts, previous.account_nodes, previous.pushes, strict=True)
    }
    now = {a: (k, pushes.get(a, 0)) for a, k in zip(*members, strict=True)}
    return sorted(a for a in before.keys() | now.keys() if before.get(a) != now.get(a))


_ROW = np.dtype(
    [
        ("n", ">i2"),
        ("l0", ">i4"),
        ("account", ">i8"),
        ("l1", ">i4"),
        ("key", ">i8"),
        ("l2", ">i4"),
        ("band", ">i2"),
    ]
)
_HEADER = 19  # "PGCOPY\n\377\r\n\0", flags, header extension length


def _ties(
    conn: Connection, accounts: list[int] | None = None, keys: list[str] | None = None
) -> tuple[Any, Any, Any]:
    """The counted ties of the tenant's space as three arrays, streamed in binary: all of
    them, or those of ACCOUNTS' rows and of the rows whose contact is one of KEYS."""
    select = f"""
          SELECT sc.account_id, {snapshot.key_id_sql("sc.key")},
                 {reach.BAND_RANK.format("sc.band")}::smallint
          FROM shared_contact sc
          JOIN membership m ON m.space_id = sc.space_id AND m.account_id = sc.account_id
          WHERE sc.space_id = nullif(current_setting('{schema.SPACE_SETTING}', true), '')::bigint
            AND {reach.COUNTED}"""
    params: tuple[object, ...] = ()
    if accounts is not None:
        select = (
            f"{select} AND sc.account_id = ANY(%s::bigint[])"
            f" UNION ALL {select} AND sc.key = ANY(%s::text[])"
        )
        params = (accounts, keys or [])
    raw = conn.connection.driver_connection
    assert raw is not None
    data = bytearray()
    with (
        raw.cursor() as cur,
        cur.copy(f"COPY ({select}) TO STDOUT (FORMAT binary)", params) as copy,
    ):
        for block in copy:
            data += block
    return _parse_ties(data)


def _parse_ties(data: bytes | bytearray) -> tuple[Any, Any, Any]:
    """Binary COPY rows of (bigint, bigint, smallint) as arrays, checked."""
    if len(data) < _HEADER + 2 or not data.startswith(b"PGCOPY\n\xff\r\n\0"):
        raise ValueError("not a binary COPY stream")
    (extension,) = struct.unpack_from(">i", data, 15)
    body = memoryview(data)[_HEADER + extension : len(data) - 2]
    if len(body) % _ROW.itemsize:
        raise ValueError("binary COPY rows are not (bigint, bigint, smallint)")
    rows = np.frombuffer(body, dtype=_ROW)
    if len(rows) and not (
        np.all(rows["n"] == 3)
        and np.all(rows["l0"] == 8)
        and np.all(rows["l1"] == 8)
        and np.all(rows["l2"] == 2)
    ):
        raise ValueError("binary COPY rows are not (bigint, bigint, smallint) without nulls")
    return (
        rows["account"].astype(np.int64),
        rows["key"].astype(np.int64),
        rows["band"].astype(np.int64),
    )
