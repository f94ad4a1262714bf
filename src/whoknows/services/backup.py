"""Backup to and restore from one portable JSON file (SQLite ⇄ PostgreSQL alike), per owner."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    Numeric,
    Table,
    func,
    select,
    update,
)
from sqlalchemy.orm import Session

from whoknows import files
from whoknows.core.money import check_amount
from whoknows.errors import UserError
from whoknows.services.store import Store
from whoknows.storage import schema as s
from whoknows.storage.bulk import reset_id_sequences
from whoknows.storage.engine import current_revision

FORMAT = "whoknows-backup"
VERSION = 1
_BATCH = 5000
# Tables whose rows mean "this owner has a network here".
_CONTENT = ("people", "organizations", "events", "interactions", "ties")

Progress = Callable[[str, int], None]


def _tables() -> list[Table]:
    # Bookkeeping tables (the graph's change log) are rebuilt, not backed up.
    return [t for t in s.Base.metadata.sorted_tables if t.info.get("backup", True)]


def _owned(table: Table, owner: int) -> ColumnElement[bool]:
    """The rows of TABLE that belong to OWNER (every table but accounts has an owner)."""
    if table.name == s.Account.__tablename__:
        return table.c.id == owner
    return table.c.owner_id == owner


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
            "schema": current_revision(session.connection()),
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "owner": store.owner_id,
        }
        out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "tables": {')
        for number, table in enumerate(_tables()):
            names = [c.name for c in table.columns]
            out.write(("," if number else "") + f"\n{json.dumps(table.name)}: ")
            out.write(f'{{"columns": {json.dumps(names)}, "rows": [')
            count = 0
            order = list(table.primary_key.columns)
            query = select(*table.columns).where(_owned(table, store.owner_id)).order_by(*order)
            for row in session.execute(query):
                line = json.dumps([_out(v) for v in row], ensure_ascii=False)
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


def _out(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)  # money stays exact: a string, never a float
    return value


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
        revision = current_revision(session.connection())
        if document.get("schema") != revision:
            raise UserError(
                f"{path} was written by schema {document.get('schema')}, this database is at "
                f"{revision}",
                hint="restore with the whoknows version that wrote it, then upgrade",
            )
        _require_empty(session, owner)
        for table in reversed(_tables()):
            if table.name != s.Account.__tablename__:
                session.execute(table.delete().where(_owned(table, owner)))
        counts: dict[str, int] = {}
        for table in _tables():
            block = document["tables"].get(table.name)
            if block is None:
                continue
            rows = [_decode(table, block["columns"], r, path) for r in block["rows"]]
            if table.name == s.Account.__tablename__:
                _restore_account(session, owner, rows)
            else:
                for row in rows:
                    row["owner_id"] = owner
                for start in range(0, len(rows), _BATCH):
                    session.execute(table.insert(), rows[start : start + _BATCH])
            counts[table.name] = len(rows)
            if progress:
                progress(table.name, len(rows))
        reset_id_sequences(session.connection(), _tables())
        # A restored database is a new one: caches made for an earlier copy must not match it.
        session.execute(
            update(s.Account)
            .where(s.Account.id == owner)
            .values(created_at=dt.datetime.now(dt.UTC))
        )
    return counts


def _restore_account(session: Session, owner: int, rows: list[dict[str, Any]]) -> None:
    """The backup's account settings onto this owner's account (its id and counter stay)."""
    if not rows:
        return
    values = {k: v for k, v in rows[0].items() if k not in {"id", "data_version", "created_at"}}
    if values:
        session.execute(update(s.Account).where(s.Account.id == owner).values(**values))


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
            f"{shown} is not a whoknows backup", hint="make one with: whoknows backup FILE"
        )
    if document.get("version") != VERSION or not isinstance(document.get("tables"), dict):
        raise UserError(f"{shown}: backup format version {document.get('version')} is not known")
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
            elif isinstance(kind, s.Cents):  # money: an exact decimal string, bounds checked
                row[name] = check_amount(Decimal(value))
            elif isinstance(kind, Numeric):
                row[name] = Decimal(value)
            else:
                row[name] = value
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise UserError(f"{path}: {table.name}.{name} has a bad value {value!r}") from exc
    return row


def _require_empty(session: Session, owner: int) -> None:
    for table in _tables():
        if table.name not in _CONTENT:
            continue
        if session.scalar(select(func.count()).select_from(table).where(_owned(table, owner))):
            raise UserError(
                "restore only writes into an empty database, and this one has data",
                hint="restore into a new one: whoknows restore FILE --db NEW.db",
            )
