"""The buffered writer of one import transaction: new rows in bulk, changes journaled.

Every row it inserts carries the import's id, and every value it changes in an existing
row is written to import_changes first (old and new), so `import undo` can take the
import back exactly. Ids are handed out here: under SQLite's write lock the next free
one, on PostgreSQL from the table's sequence, so a concurrent writer never collides.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, text, tuple_, update
from sqlalchemy.orm import Session

from whoknows.storage import schema as s
from whoknows.storage.bulk import bulk_insert

# Tables in the order their rows must be written (foreign keys point backwards).
ORDER = (
    "people",
    "person_emails",
    "person_phones",
    "person_links",
    "person_tags",
    "person_extras",
    "person_keys",
    "interactions",
    "interaction_people",
    "ties",
)
TABLES: dict[str, Table] = {
    name: s.Base.metadata.tables[name] for name in (*ORDER, "merge_candidates", "organizations")
}
_RESERVE = 4096  # the most ids taken from a PostgreSQL sequence at a time


def encode(value: Any) -> str:
    """A column value as journal text (dates as ISO strings)."""
    if isinstance(value, dt.date | dt.datetime):
        return json.dumps(value.isoformat())
    return json.dumps(value)


def decode(table: str, column: str, raw: str | None) -> Any:
    """Journal text back to the column's value."""
    if raw is None:
        return None
    value = json.loads(raw)
    if value is None:
        return None
    python_type = TABLES[table].c[column].type.python_type if table in TABLES else None
    if python_type is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if python_type is dt.date:
        return dt.date.fromisoformat(value)
    return value


class Writer:
    """Collects one transaction's writes; `flush` sends them. DRY keeps them in memory."""

    def __init__(self, session: Session, owner_id: int, import_id: int | None) -> None:
        self.session = session
        self.owner_id = owner_id
        self.import_id = import_id
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.pairs: list[dict[str, Any]] = []
        # (table, row id) -> {column: [old, new]}: the first old value and the last new one
        self.changes: dict[tuple[str, int], dict[str, list[Any]]] = {}
        self._ids: dict[str, list[int]] = {}
        self._reserved: dict[str, int] = {}
        self._next: dict[str, int] = {}
        self.postgres = session.get_bind().dialect.name == "postgresql"

    # -- ids ---------------------------------------------------------------------------

    def next_id(self, table: str) -> int:
        if not self.postgres:
            if table not in self._next:
                self.session.flush()
                top = self.session.scalar(select(func.max(TABLES[table].c.id)))
                self._next[table] = max(int(top or 0), self._largest(table)) + 1
            found = self._next[table]
            self._next[table] = found + 1
            return found
        pool = self._ids.setdefault(table, [])
        if not pool:
            # twice as many as last time: few round trips, and few ids left unused
            wanted = min(_RESERVE, 2 * self._reserved.get(table, 8))
            self._reserved[table] = wanted
            pool.extend(
                self.session.scalars(
                    text(
                        f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                        "FROM generate_series(1, :n)"
                    ),
                    {"n": wanted},
                )
            )
            pool.reverse()
        return pool.pop()

    def _largest(self, table: str) -> int:
        return max((int(r["id"]) for r in self.rows.get(table, ()) if "id" in r), default=0)

    # -- collecting --------------------------------------------------------------------

    def add(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """A new row (owner and import filled in); returns it, still editable until flush."""
        row.setdefault("owner_id", self.owner_id)
        if table != "interaction_people":
            row.setdefault("import_id", self.import_id)
        self.rows[table].append(row)
        return row

    def change(self, table: str, row_id: int, column: str, old: Any, new: Any) -> None:
        """Set COLUMN of an existing row to NEW (its value was OLD), journaled."""
        entry = self.changes.setdefault((table, row_id), {})
        if column in entry:
            entry[column][1] = new
        else:
            entry[column] = [old, new]

    def pair(
        self,
        a: int,
        b: int,
        score: float,
        rule: str,
        reason: str,
        on: dt.date,
        *,
        status: str = "open",
    ) -> None:
        """Two people to review, or (status distinct) said to be two people; a pair already
        known is left as it is."""
        low, high = sorted((a, b))
        if low != high:
            self.pairs.append(
                {
                    "owner_id": self.owner_id,
                    "a_id": low,
                    "b_id": high,
                    "score": score,
                    "rule": rule[:30],
                    "reason": reason,
                    "status": status,
                    "import_id": self.import_id,
                    "created_on": on,
                }
            )

    # -- writing -----------------------------------------------------------------------

    def flush(self) -> dict[str, int]:
        """Write everything collected; returns how many rows went into each table."""
        written: dict[str, int] = {}
        self.session.flush()
        connection = self.session.connection()
        iso = not self.postgres  # bulk_insert takes SQLite dates as text
        for name in ORDER:
            rows = self.rows.pop(name, [])
            if not rows:
                continue
            columns = sorted(set().union(*rows))
            values: Iterable[tuple[Any, ...]] = _values(rows, columns)
            dated = [i for i, c in enumerate(columns) if c in _DATES.get(name, ())]
            if iso and dated:  # SQLite takes dates as ISO text here
                values = (_iso(row, dated) for row in values)
            bulk_insert(connection, TABLES[name], columns, values)
            written[name] = len(rows)
        written["changes"] = self._apply_changes()
        written["merge_candidates"] = self._insert_pairs()
        self.session.expire_all()
        return written

    def _apply_changes(self) -> int:
        if not self.changes:
            return 0
        journal: list[dict[str, Any]] = []
        grouped: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = defaultdict(list)
        for (table, row_id), columns in self.changes.items():
            for column, (old, new) in columns.items():
                journal.append(
                    {
                        "owner_id": self.owner_id,
                        "import_id": self.import_id,
                        "table_name": table,
                        "row_id": row_id,
                        "column_name": column,
                        "old_value": encode(old),
                        "new_value": encode(new),
                    }
                )
            # updated_at is journaled (undo puts it back) and set by the update itself
            names = tuple(sorted(c for c in columns if c != "updated_at"))
            if names:
                grouped[(table, names)].append(
                    {"_id": row_id, **{f"_{c}": columns[c][1] for c in names}}
                )
        for (table, names), params in grouped.items():
            target = TABLES[table]
            self.session.execute(
                update(target)
                .where(target.c.id == bindparam("_id"))
                .values({c: bindparam(f"_{c}") for c in names}),
                params,
            )
        if self.import_id is not None:
            self.session.execute(cast(Table, s.ImportChange.__table__).insert(), journal)
        self.changes = {}
        return len(journal)

    def _insert_pairs(self) -> int:
        if not self.pairs:
            return 0
        wanted: dict[tuple[int, int], dict[str, Any]] = {}
        for row in self.pairs:
            wanted.setdefault((row["a_id"], row["b_id"]), row)
        self.pairs = []
        table = TABLES["merge_candidates"]
        keys = list(wanted)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            for a, b in self.session.execute(
                select(table.c.a_id, table.c.b_id).where(
                    table.c.owner_id == self.owner_id, tuple_(table.c.a_id, table.c.b_id).in_(chunk)
                )
            ):
                wanted.pop((a, b), None)
        if wanted:
            self.session.execute(table.insert(), list(wanted.values()))
        return len(wanted)


_DATES = {
    name: {c.name for c in table.c if c.type.python_type in (dt.date, dt.datetime)}
    for name, table in TABLES.items()
}


def _iso(row: tuple[Any, ...], dated: list[int]) -> tuple[Any, ...]:
    found = list(row)
    for i in dated:
        if found[i] is not None:
            found[i] = found[i].isoformat()
    return tuple(found)


def _values(rows: list[dict[str, Any]], columns: list[str]) -> Iterator[tuple[Any, ...]]:
    """Each row's values in COLUMNS' order (None where a row has no such key)."""
    whole = operator.itemgetter(*columns)  # a row with as many keys as columns has them all
    for row in rows:
        if len(row) != len(columns):
            yield tuple(row.get(c) for c in columns)
        elif len(columns) == 1:
            yield (whole(row),)
        else:
            yield whole(row)
