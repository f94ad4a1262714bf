"""Backup to and restore from one portable JSON file (SQLite ⇄ PostgreSQL alike), per owner."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from whoknows import files
from whoknows.errors import Hint, UserError
from whoknows.services.store import Store
from whoknows.storage import dump

FORMAT = "whoknows-backup"
VERSION = 1
# Tables whose rows mean "this owner has a network here".
_CONTENT = ("people", "organizations", "events", "interactions", "ties")

Progress = Callable[[str, int], None]


def backup(store: Store, path: Path, progress: Progress | None = None) -> dict[str, int]:
    """Write the owner's rows of every table to PATH (JSON, gzip when it ends in .gz).

    One consistent read (REPEATABLE READ on PostgreSQL, one SQLite read transaction), so rows
    written meanwhile never leave the file pointing at rows it lacks. The file appears whole
    or not at all, synced to disk, and is read back and checked before it replaces PATH.
    """
    counts: dict[str, int] = {}
    digest = hashlib.sha256()
    compress = path.suffix == ".gz"

    def verify(written: Path) -> None:
        _verify(written, compress=compress, counts=counts, sha256=digest.hexdigest(), shown=path)

    with (
        store.read(consistent=True) as session,
        files.atomic_write(path, compress=compress, verify=verify) as out,
    ):
        head = {
            "format": FORMAT,
            "version": VERSION,
            "schema": dump.revision(session),
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "owner": store.owner_id,
        }
        out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "tables": {')
        for number, table in enumerate(dump.tables()):
            names = [c.name for c in table.columns]
            out.write(("," if number else "") + f"\n{json.dumps(table.name)}: ")
            out.write(f'{{"columns": {json.dumps(names)}, "rows": [')
            count = 0
            for row in dump.rows(session, table, store.owner_id):
                line = json.dumps(row, ensure_ascii=False)
                digest.update(f"{table.name}\t{line}\n".encode())
                out.write(("," if count else "") + "\n" + line)
                count += 1
            out.write("]}")
            counts[table.name] = count
            if progress:
                progress(table.name, count)
        check = {"rows": counts, "sha256": digest.hexdigest()}
        out.write(f'\n}}, "check": {json.dumps(check)}}}\n')
    return counts


def _verify(
    path: Path, *, compress: bool, counts: dict[str, int], sha256: str, shown: Path
) -> None:
    """Read the written file back: the same rows with the same content, or it is not kept."""
    document = _load(path, compress=compress, shown=shown)
    digest = hashlib.sha256()
    found: dict[str, int] = {}
    for name, block in document["tables"].items():
        for row in block["rows"]:
            digest.update(f"{name}\t{json.dumps(row, ensure_ascii=False)}\n".encode())
        found[name] = len(block["rows"])
    if found != counts or digest.hexdigest() != sha256:
        raise UserError(
            f"the backup read back from {shown} differs from what was written",
            hint="the previous file was kept; check the disk and try again",
        )


def restore(store: Store, path: Path, progress: Progress | None = None) -> dict[str, int]:
    """Load a backup into this owner's empty network, ids and all, in one transaction.

    Only this owner's rows are written: other owners in the same database are left alone.
    """
    document = _read(path)
    owner = store.owner_id
    with store.write() as session:
        revision = dump.revision(session)
        if document.get("schema") != revision:
            raise UserError(
                f"{path} was written by schema {document.get('schema')}, this database is at "
                f"{revision}",
                hint="restore with the whoknows version that wrote it, then upgrade",
            )
        if dump.has_rows(session, owner, _CONTENT):
            raise UserError(
                "restore only writes into an empty database, and this one has data",
                hint=Hint(
                    cli="restore into a new one: whoknows restore FILE --db NEW.db",
                    web="restore into a new, empty database",
                ),
            )
        dump.clear(session, owner)
        counts: dict[str, int] = {}
        for table in dump.tables():
            block = document["tables"].get(table.name)
            if block is None:
                continue
            rows = [dump.decode(table, block["columns"], r, path) for r in block["rows"]]
            dump.insert(session, owner, table, rows)
            counts[table.name] = len(rows)
            if progress:
                progress(table.name, len(rows))
        dump.finish(session, owner)
    return counts


def _read(path: Path) -> dict[str, Any]:
    path = path.expanduser()
    if not path.is_file():
        raise UserError(f"{path} does not exist", hint="give the path of a whoknows backup")
    document = _load(path, compress=path.suffix == ".gz", shown=path)
    check = document.get("check")
    if isinstance(check, dict) and isinstance(check.get("rows"), dict):
        found = {name: len(block.get("rows", [])) for name, block in document["tables"].items()}
        if found != check["rows"]:
            raise UserError(
                f"{path} is damaged: its row counts do not match", hint="use another backup"
            )
    return document


def _load(path: Path, *, compress: bool, shown: Path) -> dict[str, Any]:
    try:
        opener = gzip.open if compress else open
        with opener(path, "rt", encoding="utf-8") as source:
            document = json.load(source)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, EOFError) as exc:
        raise UserError(
            f"{shown} is not a readable backup ({type(exc).__name__})", hint="is it complete?"
        ) from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise UserError(
            f"{shown} is not a whoknows backup",
            hint=Hint(cli="make one with: whoknows backup FILE", web="make a backup first"),
        )
    if document.get("version") != VERSION or not isinstance(document.get("tables"), dict):
        raise UserError(f"{shown}: backup format version {document.get('version')} is not known")
    return document
