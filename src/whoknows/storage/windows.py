"""A window of an ordered query's rows (LIMIT after OFFSET) and how many rows it has in all:
the one count-and-page query every paged listing runs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


def window(session: Session, query: Select[Any], limit: int, offset: int) -> tuple[list[Any], int]:
    """QUERY's rows LIMIT after OFFSET, and how many rows the whole query has."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = session.scalars(query.limit(limit).offset(offset)).all()
    return list(rows), int(total or 0)
