"""Backup to and restore from one portable JSON file (SQLite ⇄ PostgreSQL alike)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Boolean, Date, DateTime, Numeric, Table, func, select, text, update
from sqlalchemy.orm import Session

from whoknows.errors import UserError
from whoknows.services.store import Store
from whoknows.storage import schema as s
from whoknows.storage.engine import current_revision

FORMAT = "whoknows-backup"
VERSION = 1
_BATCH = 5000
# Tables whose rows mean "this database holds somebody's network".
_CONTENT = ("people", "organizations", "events", "interactions", "ties")

Progress = Callable[[str, int], None]


def _tables() -> list[Table]:
    return list(s.Base.metadata.sorted_tables)


def backup(store: Store, path: Path, progress: Progress | None = None) -> dict[str, int]:
    """Write every table to PATH (JSON, gzip when it ends in .gz); atomic: all or nothing."""
    counts: dict[str, int] = {}
    with store.read() as session, _atomic_file(path) as out:
        revision = current_revision(session.connection())
        head = {
            "format": FORMAT,
            "version": VERSION,
            "schema": revision,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "tables": {')
        for number, table in enumerate(_tables()):
            names = [c.name for c in table.columns]
            out.write(("," if number else "") + f"\n{json.dumps(table.name)}: ")
            out.write(f'{{"columns": {json.dumps(names)}, "rows": [')
            count = 0
            order = list(table.primary_key.columns)
            for row in session.execute(select(*table.columns).order_by(*order)):
                out.write(
                    ("," if count else "")
                    + "\n"
                    + json.dumps([_out(v) for v in row], ensure_ascii=False)
                )
                count += 1
            out.write("]}")
            counts[table.name] = count
            if progress:
                progress(table.name, count)
        out.write("\n}}\n")
    return counts


def _out(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)  # money stays exact: a string, never a float
    return value


@contextmanager
def _atomic_file(path: Path) -> Iterator[IO[str]]:
    """A file that appears at PATH complete, or not at all."""
    path = path.expanduser()
    if path.is_dir():
        raise UserError(f"{path} is a folder", hint="give a file name, e.g. whoknows-backup.json")
    if not path.parent.is_dir():
        raise UserError(f"folder {path.parent} does not exist", hint="create it first")
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(tmp, "wt", encoding="utf-8") as out:
            yield out
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def restore(store: Store, path: Path, progress: Progress | None = None) -> dict[str, int]:
    """Load a backup into an empty database, ids and all, in one transaction."""
    document = _read(path)
    tables = {t.name: t for t in _tables()}
    with store.write() as session:
        revision = current_revision(session.connection())
        if document.get("schema") != revision:
            raise UserError(
                f"{path} was written by schema {document.get('schema')}, this database is at "
                f"{revision}",
                hint="restore with the whoknows version that wrote it, then upgrade",
            )
        _require_empty(session, tables)
        for table in reversed(_tables()):
            session.execute(table.delete())
        counts: dict[str, int] = {}
        for table in _tables():
            block = document["tables"].get(table.name)
            if block is None:
                continue
            rows = [_decode(table, block["columns"], r, path) for r in block["rows"]]
            for start in range(0, len(rows), _BATCH):
                session.execute(table.insert(), rows[start : start + _BATCH])
            counts[table.name] = len(rows)
            if progress:
                progress(table.name, len(rows))
        if session.get_bind().dialect.name == "postgresql":
            _reset_sequences(session, tables.values())
        # A restored database is a new one: caches made for an earlier copy must not match it.
        session.execute(update(s.Account).values(created_at=dt.datetime.now(dt.UTC)))
    return counts


def _read(path: Path) -> dict[str, Any]:
    path = path.expanduser()
    if not path.is_file():
        raise UserError(f"{path} does not exist", hint="give the path of a whoknows backup")
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as source:
            document = json.load(source)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, EOFError) as exc:
        raise UserError(f"{path} is not a readable backup ({exc})", hint="is it complete?") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise UserError(
            f"{path} is not a whoknows backup", hint="make one with: whoknows backup FILE"
        )
    if document.get("version") != VERSION or not isinstance(document.get("tables"), dict):
        raise UserError(f"{path}: backup format version {document.get('version')} is not known")
    return document


def _decode(table: Table, columns: list[str], values: list[Any], path: Path) -> dict[str, Any]:
    if len(columns) != len(values):
        raise UserError(
            f"{path}: a row of {table.name} has {len(values)} values, not {len(columns)}"
        )
    row: dict[str, Any] = {}
    for name, value in zip(columns, values, strict=True):
        if name not in table.columns:
            raise UserError(f"{path}: column {table.name}.{name} is not known")
        kind = table.columns[name].type
        try:
            if value is None:
                row[name] = None
            elif isinstance(kind, DateTime):
                row[name] = dt.datetime.fromisoformat(value)
            elif isinstance(kind, Date):
                row[name] = dt.date.fromisoformat(value)
            elif isinstance(kind, Boolean):
                row[name] = bool(value)
            elif isinstance(kind, Numeric):
                row[name] = Decimal(value)
            else:
                row[name] = value
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise UserError(f"{path}: {table.name}.{name} has a bad value {value!r}") from exc
    return row


def _require_empty(session: Session, tables: dict[str, Table]) -> None:
    for name in _CONTENT:
        if session.scalar(select(func.count()).select_from(tables[name])):
            raise UserError(
                "restore only writes into an empty database, and this one has data",
                hint="restore into a new one: whoknows restore FILE --db NEW.db",
            )


def _reset_sequences(session: Session, tables: Any) -> None:
    for table in tables:
        if "id" in table.columns and table.columns["id"].autoincrement is not False:
            if not table.columns["id"].primary_key:
                continue
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )
