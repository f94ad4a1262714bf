"""The graph's change log: which people, ties and organizations changed since a data version.

Triggers (migrations 0006 and 0007) write a row into ``graph_changes`` for every update or
delete of a column the graph snapshot reads (a tie's dates too: its strength ages), stamped
with the data version of the writing transaction.
New rows are not logged: they are the rows with an id above what the snapshot has seen. The
log keeps the last ``KEEP`` versions; a snapshot older than that is built again in full.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, delete, func, select

from whoknows.storage import schema as s

KEEP = 1024  # versions of changes kept
EVERY = 64  # prune when the version is a multiple of this (one cheap delete now and then)


def prune(connection: Connection, owner: int, version: int) -> None:
    """Drop what no snapshot can still need; called by each write transaction."""
    if version % EVERY == 0 and version > KEEP:
        connection.execute(
            delete(s.GraphChange).where(
                s.GraphChange.owner_id == owner, s.GraphChange.seq <= version - KEEP
            )
        )


def complete_since(version: int, since: int) -> bool:
    """Whether the log, read at VERSION, still holds every change made after SINCE."""
    pruned_upto = (version // EVERY) * EVERY - KEEP
    return since <= version and since >= pruned_upto


@dataclass
class Changes:
    """What changed after a version: people, ties (as pairs) and organizations, by id."""

    people: set[int] = field(default_factory=set)
    ties: set[tuple[int, int]] = field(default_factory=set)
    tie_ids: set[int] = field(default_factory=set)
    organizations: set[int] = field(default_factory=set)

    def __len__(self) -> int:
        return len(self.people) + len(self.ties) + len(self.organizations)


def count_since(connection: Connection, owner: int, since: int) -> int:
    return int(
        connection.scalar(
            select(func.count())
            .select_from(s.GraphChange)
            .where(s.GraphChange.owner_id == owner, s.GraphChange.seq > since)
        )
        or 0
    )


def since(connection: Connection, owner: int, version: int) -> Changes:
    """Every logged change with a version above VERSION (check `complete_since` first)."""
    found = Changes()
    rows = connection.execute(
        select(s.GraphChange.kind, s.GraphChange.row_id, s.GraphChange.a, s.GraphChange.b).where(
            s.GraphChange.owner_id == owner, s.GraphChange.seq > version
        )
    )
    for kind, row_id, a, b in rows:
        if kind == "tie":
            found.tie_ids.add(row_id)
            if a is not None and b is not None:
                found.ties.add((a, b))
        elif kind == "person":
            found.people.add(row_id)
        else:
            found.organizations.add(row_id)
    return found
