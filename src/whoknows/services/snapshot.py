"""The graph snapshot: built from the store once, then kept up to date by overlaying changes.

My own ties depend on the day and on what I log; they are scored again whenever the
data version or the day changes. The rest (people, their attributes, the ties between them)
is kept on disk (snapshot_files.py) and updated with just the rows the change log names
(storage/changes.py) and the rows added since. A full build, which streams the store into
arrays, happens for a new database, after a change to who I am, or when much has changed.
The ties between others age by the month (core/tiestrength.py): beside each strength the
snapshot keeps what ageing needs (the strength before ageing, the month last heard of), so
that a new month ages them from the arrays, as a build would, before the update.

Here: when to load, update or build. The update is snapshot_update.py's; the snapshot's
shape, and its files' arrays, are snapshot_assembly.py's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np

from whoknows.core.graph import GraphBuilder
from whoknows.services import snapshot_files, snapshot_update
from whoknows.services.snapshot_assembly import (
    Columns,
    Snapshot,
    arrays_of,
    assemble,
    codes,
    from_files,
    nodes,
)
from whoknows.services.store import Store
from whoknows.storage import plain
from whoknows.storage.plain import State

__all__ = ["Progress", "Snapshot", "build_snapshot", "data_version", "load_snapshot"]
Progress = Callable[[str], None]


def data_version(store: Store) -> str:
    """Which database, in which state (see Store.data_version)."""
    return store.data_version()


def load_snapshot(
    store: Store, *, today: dt.date | None = None, progress: Progress | None = None
) -> Snapshot:
    """The current snapshot: from the store's cache, else the disk, updated or built as needed.

    Single-flight: concurrent callers after a write wait for one update (services/cache.py).
    """
    day = today or dt.date.today()
    return store.cache.get(
        "snapshot", day, store.data_version(), lambda: _current(store, day, progress)
    )


def build_snapshot(store: Store, *, day: dt.date) -> Snapshot:
    """A snapshot built from every row of the store (what an update must always agree with)."""
    with store.read(consistent=True) as session:
        state = plain.state(plain.over(session.connection()), store.owner_id)
        return _build(session, store.owner_id, state, day)[0]


def _current(store: Store, day: dt.date, progress: Progress | None) -> Snapshot:
    where = snapshot_files.folder(
        store.settings.data_dir, store.settings.database_url, store.owner_id
    )
    stored = snapshot_files.read(where)
    if stored is not None:
        # The stored snapshot may be the current one: a plain read tells (without SQLAlchemy).
        with store.plain() as reader:
            state = plain.state(reader, store.owner_id)
        old = _usable(stored, state)
        if old is not None and _current_as_stored(stored.meta, state, day):
            return old
    with store.read(consistent=True) as session:
        state = plain.state(plain.over(session.connection()), store.owner_id)
        old = _usable(stored, state)
        if old is not None and stored is not None:
            if _current_as_stored(stored.meta, state, day):
                return old
            made = snapshot_update.update(session, store.owner_id, old, stored.meta, state, day)
        else:
            made = None
        if made is None:
            if progress:
                progress("building the network snapshot")
            made = _build(session, store.owner_id, state, day)
    snapshot, meta = made
    written = snapshot_files.write(where, meta, arrays_of(snapshot), stored)
    return from_files(written) if written is not None else snapshot


def _current_as_stored(meta: dict[str, Any], state: State, day: dt.date) -> bool:
    return bool(meta["counter"] == state.counter and meta["day"] == day.isoformat())


def _usable(stored: snapshot_files.Stored | None, state: State) -> Snapshot | None:
    """The stored snapshot, when it is of this database and me, at this version or before."""
    if stored is None:
        return None
    meta = stored.meta
    if (meta.get("identity"), meta.get("me_id")) != (state.identity, state.me_id):
        return None
    if not isinstance(meta.get("counter"), int) or meta["counter"] > state.counter:
        return None
    return from_files(stored)


# -- a full build -----------------------------------------------------------------------


def _build(session: Any, owner: int, state: State, day: dt.date) -> tuple[Snapshot, dict[str, Any]]:
    """Stream every person and tie into arrays (12 bytes a tie while reading)."""
    from whoknows.services import snapshot_rows as rows

    connection = session.connection()
    vocabularies: dict[str, dict[str, int]] = {}
    everyone = rows.people(connection, owner, vocabularies)
    builder = GraphBuilder(everyone.ids)
    for a, b, ageing in rows.others_ties(connection, owner, state.me_id):
        builder.add(a, b, ageing.strengths(day), (ageing.base, ageing.heard))
    mine = rows.my_ties(session, owner, state.me_id, day)
    # Always added, even empty (nobody is me yet): the chunk says which columns the ties carry.
    none = rows.Ageing.none(len(mine.others))
    me = np.full(len(mine.others), state.me_id or 0, dtype=np.int64)
    builder.add(me, mine.others, mine.strengths, (none.base, none.heard))
    graph, (base, heard) = builder.build_columns()
    graph.check()  # checked once, here, so that reading the files need not
    tags = vocabularies.setdefault("tags", {})
    columns = Columns(
        everyone,
        tag_nodes=nodes(graph, [pid for pid, _tag in everyone.tags]),
        tag_codes=codes(tags, [tag for _pid, tag in everyone.tags]),
    )
    top = rows.top_tie_ids(session, owner)
    return assemble(graph, rows.Ageing(base, heard), columns, vocabularies, mine, state, day, top)
