"""Plain SQL reads over the driver's own connection: what a command that only reads needs,
without SQLAlchemy.

SQLAlchemy and the mapped schema take about 0.3 s to import, most of a command's start-up
(docs/benchmarks.md). A command answered from the graph snapshot reads a few rows: the data
version, a few names. It reads them here, through sqlite3 (or, on PostgreSQL, the driver
connection of SQLAlchemy's engine), in SQL that both databases accept. Queries are written
with ``?`` placeholders; on PostgreSQL they become ``%s``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoknows import files

# The newest migration. Opening an up-to-date database compares with this constant instead of
# loading Alembic (a tenth of a second on every command); a test checks it is the real head.
HEAD = "0009"
# How long a writer waits for another writer before giving up (storage/engine.py's), and a
# reader for a checkpoint.
BUSY_TIMEOUT_MS = 30_000


_IN = 5_000  # ids per IN (…) list: well under every backend's limit on parameters


def chunks(ids: Collection[int]) -> Iterator[tuple[str, tuple[int, ...]]]:
    ordered = sorted(set(ids))
    for at in range(0, len(ordered), _IN):
        chunk = tuple(ordered[at : at + _IN])
        yield ", ".join("?" for _ in chunk), chunk


def sqlite_path(url: str) -> Path | None:
    """The file a plain ``sqlite:///PATH`` URL names, or None for anything else (options,
    memory, another database): those go through SQLAlchemy's URL parsing."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url or "#" in url:
        return None
    path = url[len(prefix) :]
    return Path(path) if path and path != ":memory:" else None


def private_database_file(path: Path) -> None:
    """The database file readable by its user only, whatever the umask: made 0600 (SQLite gives
    its -wal and -shm files the database file's mode) in a folder made 0700; an existing
    file that others could read is closed to them."""
    files.private_folder(path.parent)
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, files.PRIVATE_FILE)
    except FileExistsError:
        for found in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            with contextlib.suppress(OSError):  # not ours, or gone: SQLite will say
                if found.stat().st_mode & 0o077 and found.stat().st_uid == os.getuid():
                    os.chmod(found, files.PRIVATE_FILE)
        return
    except OSError:
        return  # a read-only folder, say: opening the database will say what is wrong
    os.close(handle)


def connect_sqlite(path: Path) -> sqlite3.Connection:
    """A connection to an existing SQLite database for reading, with the engine's pragmas."""
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    connection.isolation_level = None  # transactions begin when Reader says so
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return connection


@dataclass(frozen=True)
class Reader:
    """Rows of plain SQL from a DB-API connection, inside the caller's transaction."""

    connection: Any  # sqlite3.Connection, or psycopg's
    postgres: bool = False

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql.replace("?", "%s") if self.postgres else sql, tuple(params))
            return [tuple(row) for row in cursor.fetchall()]
        finally:
            cursor.close()

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        found = self.one(sql, params)
        return None if found is None else found[0]


def stamped(reader: Reader) -> str | None:
    """The schema revision recorded in the database (None when there is none)."""
    try:
        found = reader.scalar("SELECT version_num FROM alembic_version")
    except sqlite3.DatabaseError:
        return None
    return str(found) if found is not None else None


@contextlib.contextmanager
def read(connection: sqlite3.Connection) -> Iterator[Reader]:
    """One read transaction on a SQLite connection: every query sees one state."""
    connection.execute("BEGIN")
    try:
        yield Reader(connection)
    finally:
        connection.execute("ROLLBACK")


@dataclass(frozen=True)
class State:
    """Which database, which version of it, and who I am, read in one transaction."""

    identity: str  # the owner's creation time: a database made again is another database
    counter: int
    me_id: int | None

    @property
    def version(self) -> str:
        return f"{self.identity}#{self.counter}"


def _moment(value: Any) -> str:
    """A timestamp read raw (a datetime on PostgreSQL, ISO text on SQLite) in ISO form."""
    if value is None:
        return "?"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return dt.datetime.fromisoformat(str(value)).isoformat()


def as_date(value: Any) -> dt.date | None:
    """A date read raw: a date on PostgreSQL, ISO text on SQLite."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def day(reader: Reader, value: dt.date) -> Any:
    """A date as a query parameter: itself for PostgreSQL, ISO text as SQLite stores it."""
    return value if reader.postgres else value.isoformat()


def data_version(reader: Reader, owner: int) -> str:
    """The owner's creation time and change counter (see Store.data_version)."""
    row = reader.one("SELECT created_at, data_version FROM accounts WHERE id = ?", (owner,))
    return "none" if row is None else f"{_moment(row[0])}#{row[1]}"


def state(reader: Reader, owner: int) -> State:
    """The data version and who I am, in the reader's transaction."""
    row = reader.one("SELECT created_at, data_version FROM accounts WHERE id = ?", (owner,))
    # "is_me = 1" as the partial index ix_people_one_me is written: SQLite uses it only then.
    me = "is_me" if reader.postgres else "is_me = 1"
    me_id = reader.scalar(f"SELECT id FROM people WHERE owner_id = ? AND {me}", (owner,))
    if row is None:
        return State("none", 0, me_id)
    return State(_moment(row[0]), int(row[1]), me_id)


def over(connection: Any) -> Reader:
    """A Reader inside a SQLAlchemy connection's transaction (its driver's connection)."""
    postgres = connection.dialect.name == "postgresql"
    return Reader(connection.connection.driver_connection, postgres=postgres)
