"""The history of imports, and undo: every import is recorded, and can be taken back exactly.

Rows an import inserted carry its id; values it changed in existing rows are journaled in
import_changes. Undo deletes the one and restores the other, in one transaction. A person
the import created is kept when something was recorded about them since (a meeting, a
referral, an edit, another import's details): undo says so, and leaves them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from whoknows.errors import Hint, NotFound, UserError
from whoknows.services.store import Store
from whoknows.storage import import_rows as rows
from whoknows.storage.import_rows import UndoReport as UndoReport

if TYPE_CHECKING:
    from whoknows.storage.unit import Session

_IMPORTS = Hint(cli="see: whoknows import list", web="see the imports on the Import page")


@dataclass(frozen=True)
class ImportEntry:
    id: int
    kind: str
    file_name: str
    file_hash: str | None
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    undone_at: dt.datetime | None
    counts: dict[str, int]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def start(store: Store, kind: str, file_name: str, digest: str | None, size: int | None) -> int:
    with store.write() as session:
        return rows.add(
            session,
            store.owner_id,
            kind=kind,
            file_name=file_name,
            file_hash=digest,
            file_size=size,
            status="running",
            started_at=_now(),
        )


def finish(session: Session, import_id: int, counts: dict[str, int]) -> None:
    """Mark the import done, in its last transaction."""
    rows.finish(session, import_id, counts, _now())


def fail(store: Store, import_id: int) -> UndoReport:
    """Take back what a failed or interrupted import wrote, and mark it failed."""
    return _undo(store, import_id, status="failed", allowed={"running"})


def recover(store: Store) -> list[str]:
    """Roll back imports whose process died (the caller holds the import lock)."""
    with store.read() as session:
        running = rows.running(session, store.owner_id)
    notes = []
    for import_id in running:
        done = fail(store, import_id)
        notes.append(
            f"import #{import_id} of {done.file_name} was interrupted; what it wrote was taken back"
        )
    return notes


def entries(store: Store) -> list[ImportEntry]:
    with store.read() as session:
        return [
            ImportEntry(
                r.id,
                r.kind,
                r.file_name,
                r.file_hash,
                r.status,
                r.started_at,
                r.finished_at,
                r.undone_at,
                json.loads(r.counts) if r.counts else {},
            )
            for r in rows.newest_first(session, store.owner_id)
        ]


def undo(store: Store, import_id: int) -> UndoReport:
    return _undo(store, import_id, status="undone", allowed={"done"})


def _undo(store: Store, import_id: int, *, status: str, allowed: set[str]) -> UndoReport:
    owner = store.owner_id
    with store.write() as session:
        row = rows.get(session, owner, import_id)
        if row is None:
            raise NotFound(f"no import #{import_id}", hint=_IMPORTS)
        if row.status not in allowed:
            what = {"undone": "was undone already", "failed": "failed and was taken back"}
            raise UserError(
                f"import #{import_id} {what.get(row.status, 'is still running')}",
                hint=_IMPORTS,
            )
        report = UndoReport(import_id, row.file_name)
        rows.take_back(session, owner, import_id, report)
        row.status = status
        row.undone_at = _now()
        return report
