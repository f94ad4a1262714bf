"""Create-or-get without races: INSERT … ON CONFLICT DO NOTHING on PostgreSQL and SQLite alike.

Reading first and inserting when nothing was found races under PostgreSQL's READ COMMITTED:
two transactions both find nothing, both insert, and the second fails on the unique index.
With ON CONFLICT DO NOTHING the second waits for the first to commit and then inserts nothing;
the row is then read back (a new statement sees the committed row).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from whoknows.storage.schema import Base


def insert_missing(
    session: Session, model: type[Base], rows: Sequence[dict[str, Any]], keys: Sequence[str]
) -> None:
    """Insert ROWS of MODEL whose KEYS (the columns of a unique index) are not stored yet."""
    if not rows:
        return
    # The dialect's own insert, imported here: the PostgreSQL dialect (and the drivers it
    # imports) would cost every SQLite command start-up time.
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        statement: Any = postgresql.insert(model)
    else:
        from sqlalchemy.dialects import sqlite

        statement = sqlite.insert(model)
    session.execute(statement.on_conflict_do_nothing(index_elements=list(keys)), list(rows))
