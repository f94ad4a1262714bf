"""The unit of work's session, as a service may name it: a service opens a transaction
(services/store.py), hands its session to the repositories here in storage/ and never queries
it itself. `Session`, `Connection` and `Select` (a repository's query a service pages)
are for type hints (under TYPE_CHECKING); loading this module loads no SQLAlchemy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from whoknows.storage import plain

if TYPE_CHECKING:
    from sqlalchemy import Connection as Connection
    from sqlalchemy import Select as Select
    from sqlalchemy.orm import Session as Session


def reader_of(session: Session) -> plain.Reader:
    """Plain SQL in SESSION's transaction, what it has not written yet written first."""
    session.flush()
    return plain.over(session.connection())
