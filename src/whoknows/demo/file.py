"""The demo into a SQLite file, atomically: built in a temporary file, moved into place whole.

A demo is several transactions (the network, then each feature's data). Built in place, a
kill half-way left people without referrals, and running it again refused: "not empty".
Built beside the target and renamed over it only when complete, the target is either the
whole demo or what it was before (a temporary file left by a kill is removed next time).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sqlite3
from pathlib import Path

from whoknows import files
from whoknows.config import load_settings
from whoknows.demo.build import DemoSummary, Progress, build_demo, refuse_unless_empty
from whoknows.demo.tour import Tour, tour
from whoknows.services.store import Store

_SIDE_FILES = ("-wal", "-shm", "-journal")


def build_demo_file(
    path: Path,
    size: str,
    seed: int,
    progress: Progress | None = None,
    *,
    today: dt.date | None = None,
    replace: bool = False,
) -> tuple[DemoSummary, Tour]:
    """Build the demo into the SQLite file PATH, whole or not at all.

    An existing PATH must hold no network (a database just made by `init` is fine), unless
    REPLACE (the demo's own file, made again each time): then it is replaced only once the
    new demo is complete.
    """
    path = path.expanduser().resolve()
    files.private_folder(path.parent)
    if path.exists() and not replace:
        with Store(load_settings(str(path))) as existing:
            refuse_unless_empty(existing)
    with files.built_beside(path) as temp:
        with Store(load_settings(str(temp))) as store:
            summary = build_demo(store, size, seed, progress, today=today)
            shown = tour(store, today=today)
        _settle(temp)
        for suffix in _SIDE_FILES:  # the old file's journal must never meet the new file
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    where = str(path)
    return dataclasses.replace(summary, database=where), dataclasses.replace(shown, database=where)


def _settle(path: Path) -> None:
    """Fold the write-ahead log into the file: one self-contained file to move."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode = DELETE")
    finally:
        connection.close()
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
