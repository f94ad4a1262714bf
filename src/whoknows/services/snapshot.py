"""The graph snapshot: built from the store once, then kept up to date by overlaying changes.

My own ties depend on the day and on what I log; they are scored again whenever the
data version or the day changes. The rest (people, their attributes, the ties between them)
is kept on disk (snapshot_files.py) and updated with just the rows the change log names
(storage/changes.py) and the rows added since. A full build, which streams the store into
arrays, happens for a new database, after a change to who I am, or when much has changed.
The ties between others age by the month (core/tiestrength.py): beside each strength the
snapshot keeps what ageing needs (the strength before ageing, the month last heard of), so
that a new month ages them from the arrays, as a build would, before the update.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from whoknows.core.graph import FORMAT_VERSION as GRAPH_FORMAT
from whoknows.core.graph import Graph, GraphBuilder
from whoknows.core.icp import Attributes
from whoknows.services import snapshot_files
from whoknows.services.store import Store
from whoknows.storage import plain
from whoknows.storage.plain import State

if TYPE_CHECKING:
    from whoknows.services import snapshot_rows as rows

Progress = Callable[[str], None]
# Past this many logged changes (plus a share of the ties), one full build beats the overlay.
_FULL_AFTER = 100_000
_FULL_SHARE = 0.1


@dataclass(frozen=True)
class Snapshot:
    """The network as arrays aligned with ``graph`` nodes, plus what explanations need."""

    graph: Graph
    me: int | None  # dense index of me, when I am set
    attributes: Attributes
    organization: npt.NDArray[np.int64]  # organization id per node, -1 for none
    trust: npt.NDArray[np.float64]  # my trust in [0, 1]; NaN when not recorded
    serves_nodes: npt.NDArray[np.int64]  # nodes with a "whom they serve" text …
    serves_texts: tuple[str, ...]  # … and those texts
    my_ties: dict[int, str]  # node → plain explanation of my tie to them
    data_version: str  # see Store.data_version: which database, and which state of it
    day: dt.date
    # Beside graph.strength, per entry: what ageing the ties between others needs (the
    # strength before ageing and the month last heard of; NaN for mine), so that a new month
    # ages them from the arrays instead of a build (snapshot_rows.Ageing).
    base: npt.NDArray[np.float32]
    heard: npt.NDArray[np.float32]


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
            made = _update(session, store.owner_id, old, stored.meta, state, day)
        else:
            made = None
        if made is None:
            if progress:
                progress("building the network snapshot")
            made = _build(session, store.owner_id, state, day)
    snapshot, meta = made
    written = snapshot_files.write(where, meta, _arrays(snapshot), stored)
    return _from_files(written) if written is not None else snapshot


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
    return _from_files(stored)


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
    columns = _Columns(
        everyone,
        tag_nodes=_nodes(graph, [pid for pid, _tag in everyone.tags]),
        tag_codes=_codes(tags, [tag for _pid, tag in everyone.tags]),
    )
    top = rows.top_tie_ids(session, owner)
    return _assemble(graph, rows.Ageing(base, heard), columns, vocabularies, mine, state, day, top)


# -- an update --------------------------------------------------------------------------


def _update(
    session: Any,
    owner: int,
    old: Snapshot,
    meta: dict[str, Any],
    state: State,
    day: dt.date,
) -> tuple[Snapshot, dict[str, Any]] | None:
    """The stored snapshot with what changed since it was made; None when a build is better."""
    from whoknows.services import snapshot_rows as rows
    from whoknows.storage import changes

    connection = session.connection()
    since = int(meta["counter"])
    if not changes.complete_since(state.counter, since):
        return None
    if changes.count_since(connection, owner, since) > _FULL_AFTER + _FULL_SHARE * (
        old.graph.num_ties
    ):
        return None
    log = changes.since(connection, owner, since)
    graph = old.graph
    if dt.date.fromisoformat(meta["day"]).replace(day=1) != day.replace(day=1):
        graph = _aged(graph, rows.Ageing(old.base, old.heard), day)  # a new month
    # New people have an id above every person that was there and is untouched since.
    untouched = next((int(pid) for pid in graph.node_ids[::-1] if int(pid) not in log.people), 0)
    vocabularies = _vocabularies(old.attributes)
    fresh = rows.people(
        connection,
        owner,
        vocabularies,
        above=untouched,
        ids=log.people,
        organizations=log.organizations,
    )
    gone = np.setdiff1d(np.fromiter(log.people, np.int64, len(log.people)), fresh.ids)
    node_ids = _nodes_now(graph, gone, fresh.ids)
    # New ties likewise have an id above the highest tie id that is untouched since.
    # (When every one of them was touched: all ties are read again if the list held them all,
    # else a full build is as cheap.)
    tops = [i for i in meta["top_tie_ids"] if i not in log.tie_ids]
    if not tops and len(meta["top_tie_ids"]) >= rows.TOP_TIES:
        return None
    put_a: list[npt.NDArray[Any]] = []
    put_b: list[npt.NDArray[Any]] = []
    put_s: list[npt.NDArray[Any]] = []
    put_base: list[npt.NDArray[np.float32]] = []
    put_heard: list[npt.NDArray[np.float32]] = []
    for a, b, ageing in rows.others_ties(
        connection, owner, state.me_id, above=tops[0] if tops else 0
    ):
        put_a.append(a)
        put_b.append(b)
        put_s.append(ageing.strengths(day))
        put_base.append(ageing.base)
        put_heard.append(ageing.heard)
    pairs = {p for p in log.ties if state.me_id not in p}
    now = rows.ties_between(session, owner, pairs)
    dropped = sorted(pairs - now.keys())
    # My ties: scored again in full (a few thousand), replacing the old ones.
    mine = rows.my_ties(session, owner, state.me_id, day)
    if old.me is not None and state.me_id is not None:
        before = graph.node_ids[graph.neighbors(old.me)[0]]
        dropped += [(state.me_id, int(x)) for x in np.setdiff1d(before, mine.others)]
        none = rows.Ageing.none(len(mine.others))
        put_a.append(np.full(len(mine.others), state.me_id))
        put_b.append(mine.others)
        put_s.append(mine.strengths)
        put_base.append(none.base)
        put_heard.append(none.heard)
    told = rows.Ageing(
        np.fromiter((base for base, _h in now.values()), np.float32, len(now)),
        np.fromiter((heard for _b, heard in now.values()), np.float32, len(now)),
    )
    put_a.append(np.fromiter((a for a, _b in now), np.int64, len(now)))
    put_b.append(np.fromiter((b for _a, b in now), np.int64, len(now)))
    put_s.append(told.strengths(day))
    put_base.append(told.base)
    put_heard.append(told.heard)
    ends = (np.concatenate(put_a), np.concatenate(put_b))
    patched, (base, heard) = graph.patched_columns(
        node_ids,
        drop=([a for a, _b in dropped], [b for _a, b in dropped]),
        put=(*ends, np.concatenate(put_s)),
        columns=(old.base, old.heard),
        put_columns=(np.concatenate(put_base), np.concatenate(put_heard)),
    )
    # Checked where the patch wrote (the rest was checked when it was first written).
    patched.check(rows=patched.index_of(np.concatenate(ends)))
    columns = _overlaid(old, patched, fresh, vocabularies)
    top = rows.top_tie_ids(session, owner)
    ageing = rows.Ageing(base, heard)
    return _assemble(patched, ageing, columns, vocabularies, mine, state, day, top)


_AGE_SLICE = 1 << 21  # entries aged at a time: a few arrays of this many floats at most


def _aged(graph: Graph, ageing: rows.Ageing, day: dt.date) -> Graph:
    """GRAPH with the ties between others aged as of DAY, from the arrays alone (a new month;
    what a build would give them). My ties keep their strengths: the update scores them."""
    from whoknows.services import snapshot_rows as rows

    strength = np.array(graph.strength)
    for start in range(0, len(strength), _AGE_SLICE):
        end = start + _AGE_SLICE
        heard = ageing.heard[start:end]
        ages = ~np.isnan(ageing.base[start:end])
        now = rows.aged_strengths(ageing.base[start:end], heard, day)
        strength[start:end] = np.where(ages, now, strength[start:end])
    return Graph(graph.indptr, graph.indices, strength, graph.node_ids)


@dataclass(frozen=True)
class _Columns:
    """What a snapshot knows of each person: PEOPLE aligned with the graph's nodes (its ids
    are the node ids) and the tags as (node, code) pairs."""

    people: rows.People
    tag_nodes: npt.NDArray[np.int64]
    tag_codes: npt.NDArray[np.int32]


def _overlaid(
    old: Snapshot, graph: Graph, fresh: rows.People, vocabularies: dict[str, dict[str, int]]
) -> _Columns:
    """The old columns moved to the new nodes, with the people read again written over them."""
    from whoknows.services import snapshot_rows as rows

    a = old.attributes
    old_ids = old.graph.node_ids
    if not len(fresh.ids) and np.may_share_memory(graph.node_ids, old_ids):
        kept = np.ones(len(old_ids), dtype=np.bool_)  # nothing to move: the arrays stay as they are
        return _Columns(
            rows.People(
                old_ids,
                a.industry,
                a.role,
                a.city,
                a.org_size,
                old.organization,
                old.trust,
                _serves(old, kept),
            ),
            a.tag_nodes,
            a.tag_codes,
        )
    same = np.may_share_memory(graph.node_ids, old_ids)
    kept = (
        np.ones(len(old_ids), dtype=np.bool_)
        if same
        else graph.index_of(old_ids, strict=False) >= 0
    )
    refreshed = old.graph.index_of(fresh.ids, strict=False)
    kept[refreshed[refreshed >= 0]] = False
    source = np.flatnonzero(kept)
    target = graph.index_of(old_ids[source])
    at = graph.index_of(fresh.ids)

    def column(before: npt.NDArray[Any], now: npt.NDArray[Any], empty: Any) -> npt.NDArray[Any]:
        out = np.full(graph.num_nodes, empty, dtype=before.dtype)
        out[target] = before[source]
        out[at] = now
        return out

    stays = kept[a.tag_nodes] if len(a.tag_nodes) else np.zeros(0, np.bool_)
    remap = np.full(len(old_ids), -1, dtype=np.int64)
    remap[source] = target
    tags = vocabularies.setdefault("tags", {})
    return _Columns(
        rows.People(
            graph.node_ids,
            industry=column(a.industry, fresh.industry, -1),
            role=column(a.role, fresh.role, -1),
            city=column(a.city, fresh.city, -1),
            org_size=column(a.org_size, fresh.org_size, -1),
            organization=column(old.organization, fresh.organization, -1),
            trust=column(old.trust, fresh.trust, np.nan),
            serves=_serves(old, kept) | fresh.serves,
        ),
        tag_nodes=np.concatenate(
            (remap[a.tag_nodes[stays]], _nodes(graph, [pid for pid, _t in fresh.tags]))
        ),
        tag_codes=np.concatenate(
            (a.tag_codes[stays], _codes(tags, [tag for _pid, tag in fresh.tags]))
        ).astype(np.int32),
    )


def _nodes_now(
    graph: Graph, gone: npt.NDArray[np.int64], fresh: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """The node ids after people left and came (the same array when nobody did)."""
    new = fresh[graph.index_of(fresh, strict=False) < 0]
    if not len(gone) and not len(new):
        return graph.node_ids
    stays = np.ones(graph.num_nodes, dtype=np.bool_)
    at = graph.index_of(gone, strict=False)
    stays[at[at >= 0]] = False
    ids = np.concatenate((graph.node_ids[stays], new))
    ids.sort()
    return ids


def _serves(old: Snapshot, kept: npt.NDArray[np.bool_]) -> dict[int, str]:
    """Whom each kept person serves, by person id."""
    ids = old.graph.node_ids
    return {
        int(ids[node]): text
        for node, text in zip(old.serves_nodes.tolist(), old.serves_texts, strict=True)
        if kept[node]
    }


# -- putting a snapshot together, and to and from files ---------------------------------


def _assemble(
    graph: Graph,
    ageing: rows.Ageing,
    columns: _Columns,
    vocabularies: dict[str, dict[str, int]],
    mine: rows.MyTies,
    state: State,
    day: dt.date,
    top_tie_ids: list[int],
) -> tuple[Snapshot, dict[str, Any]]:
    people = columns.people
    serves_ids = sorted(people.serves)
    me = int(graph.index_of([state.me_id])[0]) if state.me_id is not None else None
    explained = list(mine.explanations)  # one index_of for all (one call each was seconds)
    nodes = graph.index_of(np.asarray(explained, np.int64)).tolist() if explained else []
    my_ties = dict(zip(nodes, mine.explanations.values(), strict=True))
    snapshot = Snapshot(
        graph=graph,
        me=me,
        attributes=Attributes(
            industry=people.industry,
            industries=tuple(vocabularies.get("industry", {})),
            role=people.role,
            roles=tuple(vocabularies.get("role", {})),
            city=people.city,
            cities=tuple(vocabularies.get("city", {})),
            org_size=people.org_size,
            tag_nodes=columns.tag_nodes,
            tag_codes=columns.tag_codes,
            tags=tuple(vocabularies.get("tags", {})),
        ),
        organization=people.organization,
        trust=people.trust,
        serves_nodes=_nodes(graph, serves_ids),
        serves_texts=tuple(people.serves[pid] for pid in serves_ids),
        my_ties=my_ties,
        data_version=state.version,
        day=day,
        base=ageing.base,
        heard=ageing.heard,
    )
    meta = {
        "identity": state.identity,
        "counter": state.counter,
        "version": state.version,
        "me_id": state.me_id,
        "me": me,
        "day": day.isoformat(),
        "top_tie_ids": top_tie_ids,
        "industries": snapshot.attributes.industries,
        "roles": snapshot.attributes.roles,
        "cities": snapshot.attributes.cities,
        "tags": snapshot.attributes.tags,
        "serves_texts": snapshot.serves_texts,
        "my_ties": {str(node): text for node, text in my_ties.items()},
    }
    return snapshot, meta


def _arrays(snapshot: Snapshot) -> dict[str, npt.NDArray[Any]]:
    g, a = snapshot.graph, snapshot.attributes
    return {
        "node_ids": g.node_ids,
        "indptr": g.indptr,
        "indices": g.indices,
        "strength": g.strength,
        "max_strength": g.max_strength,
        "industry": a.industry,
        "role": a.role,
        "city": a.city,
        "org_size": a.org_size,
        "tag_nodes": a.tag_nodes,
        "tag_codes": a.tag_codes,
        "organization": snapshot.organization,
        "trust": snapshot.trust,
        "serves_nodes": snapshot.serves_nodes,
        "base": snapshot.base,
        "heard": snapshot.heard,
    }


def _from_files(stored: snapshot_files.Stored) -> Snapshot:
    """The snapshot in STORED's memory-mapped arrays (checked when they were written)."""
    meta, arrays = stored.meta, stored.arrays
    graph = Graph.from_arrays(
        {"format": np.array(GRAPH_FORMAT), **arrays},
        max_strength=arrays["max_strength"],
        check=False,
    )
    return Snapshot(
        graph=graph,
        me=meta["me"],
        attributes=Attributes(
            industry=arrays["industry"],
            industries=tuple(meta["industries"]),
            role=arrays["role"],
            roles=tuple(meta["roles"]),
            city=arrays["city"],
            cities=tuple(meta["cities"]),
            org_size=arrays["org_size"],
            tag_nodes=arrays["tag_nodes"],
            tag_codes=arrays["tag_codes"],
            tags=tuple(meta["tags"]),
        ),
        organization=arrays["organization"],
        trust=arrays["trust"],
        serves_nodes=arrays["serves_nodes"],
        serves_texts=tuple(meta["serves_texts"]),
        my_ties={int(node): text for node, text in meta["my_ties"].items()},
        data_version=meta["version"],
        day=dt.date.fromisoformat(meta["day"]),
        base=arrays["base"],
        heard=arrays["heard"],
    )


def _vocabularies(attributes: Attributes) -> dict[str, dict[str, int]]:
    return {
        name: {value: code for code, value in enumerate(values)}
        for name, values in (
            ("industry", attributes.industries),
            ("role", attributes.roles),
            ("city", attributes.cities),
            ("tags", attributes.tags),
        )
    }


def _nodes(graph: Graph, person_ids: list[int]) -> npt.NDArray[np.int64]:
    return graph.index_of(np.asarray(person_ids, dtype=np.int64))


def _codes(vocabulary: dict[str, int], values: list[str]) -> npt.NDArray[np.int32]:
    return np.fromiter(
        (vocabulary.setdefault(v, len(vocabulary)) for v in values), np.int32, len(values)
    )
