"""Fast bulk inserts: executemany in large batches on SQLite, COPY on PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Table, text

BATCH = 100_000


def bulk_insert(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert rows (tuples in the order of columns) into table; return how many.

    Runs inside the caller's transaction. Bypasses the ORM and SQLAlchemy's parameter
    handling, so values must already be in the form the driver stores: ISO dates as text,
    booleans, numbers, str or None. `progress` hears the number of rows written so far.
    """
    raw = connection.connection.driver_connection
    preparer = connection.dialect.identifier_preparer
    names = ", ".join(preparer.quote(c) for c in columns)
    target = preparer.format_table(table)
    done = 0
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor:  # type: ignore[union-attr]
            with cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
                for chunk in _batches(rows, batch):
                    for row in chunk:
                        copy.write_row(row)
                    done += len(chunk)
                    if progress:
                        progress(done)
        return done
    marks = ", ".join("?" for _ in columns)
    cursor = raw.cursor()  # type: ignore[union-attr]
    try:
        for chunk in _batches(rows, batch):
            cursor.executemany(f"INSERT INTO {target} ({names}) VALUES ({marks})", chunk)
            done += len(chunk)
            if progress:
                progress(done)
    finally:
        cursor.close()
    return done


def _batches(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def finish_bulk_load(connection: Connection, tables: Iterable[Table]) -> None:
    """After inserting explicit ids: let PostgreSQL's id sequences continue past them, and
    give its planner statistics (autovacuum would only catch up minutes later)."""
    if connection.dialect.name != "postgresql":
        return  # SQLite takes max(rowid) + 1 by itself
    tables = list(tables)
    reset_id_sequences(connection, tables)
    preparer = connection.dialect.identifier_preparer
    for table in tables:
        connection.exec_driver_sql(f"ANALYZE {preparer.format_table(table)}")


def reset_id_sequences(connection: Connection, tables: Iterable[Table]) -> None:
    """After inserting explicit ids (a bulk load, a restore): PostgreSQL's id sequences go on
    past the highest id, so the next ordinary insert does not collide. SQLite needs nothing."""
    if connection.dialect.name != "postgresql":
        return
    preparer = connection.dialect.identifier_preparer
    for table in tables:
        column = table.c.get("id")
        if column is None or not column.primary_key or column.autoincrement is False:
            continue
        name = preparer.format_table(table)
        connection.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
            ),
            {"table": name},
        )


@contextmanager
def deferred_indexes(connection: Connection, table: Table) -> Iterator[None]:
    """Drop a table's plain (non-unique) indexes for a bulk load, then build them again; on
    PostgreSQL its foreign keys too, then add them back (checked in one pass over the table).

    Building an index once from all the rows is much faster than updating it row by row in
    random order, and PostgreSQL checks a foreign key row by row with a trigger. Unique
    indexes stay, so duplicates still fail at once. DDL is transactional in both databases:
    a failed load rolls the drops back too.
    """
    preparer = connection.dialect.identifier_preparer
    name = preparer.format_table(table)
    if connection.dialect.name == "sqlite":
        query = (
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :table "
            "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'"
        )
        indexes = _pairs(connection, query, table.name)
        keys: list[tuple[str, str]] = []
    elif connection.dialect.name == "postgresql":
        query = (
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = :table AND indexdef NOT LIKE 'CREATE UNIQUE%'"
        )
        indexes = _pairs(connection, query, table.name)
        query = (
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = CAST(:table AS regclass) AND contype = 'f'"
        )
        keys = _pairs(connection, query, name)
    else:
        yield
        return
    for key, _definition in keys:
        connection.exec_driver_sql(f"ALTER TABLE {name} DROP CONSTRAINT {preparer.quote(key)}")
    for index, _sql in indexes:
        connection.exec_driver_sql(f"DROP INDEX {preparer.quote(index)}")
    yield
    for _index, sql in indexes:
        connection.exec_driver_sql(sql)
    for key, definition in keys:
        connection.exec_driver_sql(
            f"ALTER TABLE {name} ADD CONSTRAINT {preparer.quote(key)} {definition}"
        )


def _pairs(connection: Connection, query: str, table: str) -> list[tuple[str, str]]:
    return [(str(a), str(b)) for a, b in connection.execute(text(query), {"table": table})]
