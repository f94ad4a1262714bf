"""A whole owner's rows, table by table, as a backup writes and a restore reads them: in a
portable form (dates as ISO text, money as exact decimal strings), in the caller's
transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
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

from whoknows.core.money import check_amount
from whoknows.errors import UserError
from whoknows.storage import schema as s
from whoknows.storage.bulk import reset_id_sequences
from whoknows.storage.engine import current_revision

_BATCH = 5000
ACCOUNTS = s.Account.__tablename__


def tables() -> list[Table]:
    """Every table a backup holds, parents first (the graph's change log is rebuilt, not kept)."""
    return [t for t in s.Base.metadata.sorted_tables if t.info.get("backup", True)]


def _owned(table: Table, owner: int) -> ColumnElement[bool]:
    """The rows of TABLE that belong to OWNER (every table but accounts has an owner)."""
    if table.name == ACCOUNTS:
        return table.c.id == owner
    return table.c.owner_id == owner


def revision(session: Session) -> str | None:
    """The schema revision of the database."""
    return current_revision(session.connection())


def rows(session: Session, table: Table, owner: int) -> Iterator[list[Any]]:
    """OWNER's rows of TABLE by primary key, each value portable: JSON writes it as it is."""
    order = list(table.primary_key.columns)
    query = select(*table.columns).where(_owned(table, owner)).order_by(*order)
    for row in session.execute(query):
        yield [_out(v) for v in row]


def _out(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)  # money stays exact: a string, never a float
    return value


def has_rows(session: Session, owner: int, names: Sequence[str]) -> bool:
    """Whether OWNER has any row in the tables NAMES."""
    for table in tables():
        if table.name in names and session.scalar(
            select(func.count()).select_from(table).where(_owned(table, owner))
        ):
            return True
    return False


def clear(session: Session, owner: int) -> None:
    """Delete OWNER's rows of every table but the account itself, children first."""
    for table in reversed(tables()):
        if table.name != ACCOUNTS:
            session.execute(table.delete().where(_owned(table, owner)))


def insert(session: Session, owner: int, table: Table, found: list[dict[str, Any]]) -> None:
    """FOUND (decoded rows) into TABLE as OWNER's, ids and all; the account's settings onto
    OWNER's account (its id and counter stay)."""
    if table.name == ACCOUNTS:
        kept = {"id", "data_version", "created_at"}
        values = {k: v for k, v in found[0].items() if k not in kept} if found else {}
        if values:
            session.execute(update(s.Account).where(s.Account.id == owner).values(**values))
        return
    for row in found:
        row["owner_id"] = owner
    for start in range(0, len(found), _BATCH):
        session.execute(table.insert(), found[start : start + _BATCH])


def finish(session: Session, owner: int) -> None:
    """After a restore: the id sequences past the restored ids (PostgreSQL), and the account
    made anew, so caches made for an earlier copy never match it."""
    reset_id_sequences(session.connection(), tables())
    session.execute(
        update(s.Account).where(s.Account.id == owner).values(created_at=dt.datetime.now(dt.UTC))
    )


def decode(table: Table, columns: list[str], values: list[Any], path: Path) -> dict[str, Any]:
    """A row of TABLE as the backup at PATH gives it (COLUMNS, VALUES), each value of its
    column's type; a clear error for a value that is not."""
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
