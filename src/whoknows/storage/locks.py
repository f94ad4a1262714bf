"""Locks held across transactions: one import at a time per database and owner.

An import commits in many short transactions (other writers get their turn between
them), so two imports must not interleave: the second waits for the first. SQLite uses
an flock on a file beside the database (released by the kernel if the process dies);
PostgreSQL a session advisory lock on a connection of its own.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

_PG_IMPORT_LOCK = 7_200_418  # an arbitrary, fixed advisory lock class


@contextmanager
def import_lock(
    engine: Engine, owner_id: int, waiting: Callable[[], None] | None = None
) -> Iterator[None]:
    """Hold the import lock of ENGINE's database for OWNER_ID; WAITING hears if it must wait."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            got = connection.execute(
                text("SELECT pg_try_advisory_lock(:a, :b)"), {"a": _PG_IMPORT_LOCK, "b": owner_id}
            ).scalar()
            if not got:
                if waiting is not None:
                    waiting()
                connection.execute(
                    text("SELECT pg_advisory_lock(:a, :b)"), {"a": _PG_IMPORT_LOCK, "b": owner_id}
                )
            connection.commit()
            try:
                yield
            finally:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:a, :b)"), {"a": _PG_IMPORT_LOCK, "b": owner_id}
                )
                connection.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    path = Path(f"{database}.import-lock")
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


# SQLite has no queue for writers: one that waits polls (SQLite's busy handler), and a
# writer that commits and begins again at once, as an import does a chunk at a time, can
# keep winning the race for minutes. So writers say they are waiting (a shared flock on a
# file beside the database), and the import, between its transactions, lets them go first.


def _writers_file(engine: Engine) -> Path | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(f"{database}.writers")


@contextmanager
def writer_turn(engine: Engine) -> Iterator[None]:
    """Held by every writer of a SQLite database while it waits for and holds the lock."""
    path = _writers_file(engine)
    if path is None:
        yield
        return
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:  # a read-only folder: no queue, SQLite's own waiting still works
        yield
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH)
        yield
    finally:
        os.close(descriptor)


def let_writers_in(engine: Engine) -> None:
    """Between two transactions of a long job: wait until the writers waiting now are done."""
    path = _writers_file(engine)
    if path is None:
        return
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fcntl.flock(descriptor, fcntl.LOCK_EX)  # they hold it shared until they commit
    finally:
        os.close(descriptor)
