"""A graph snapshot brought up to date: the stored one, with just what the change log
(storage/changes.py) names read again and overlaid, and a new month's ageing of the ties
between others done from the arrays (services/snapshot.py decides when; a full build is
snapshot.py's `_build`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from whoknows.core.graph import Graph
from whoknows.services.snapshot_assembly import (
    Columns,
    Snapshot,
    assemble,
    codes,
    nodes,
    vocabularies_of,
)
from whoknows.storage.plain import State

if TYPE_CHECKING:
    from whoknows.services import snapshot_rows as rows

# Past this many logged changes (plus a share of the ties), one full build beats the overlay.
_FULL_AFTER = 100_000
_FULL_SHARE = 0.1


def update(
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
        graph = aged(graph, rows.Ageing(old.base, old.heard), day)  # a new month
    # New people have an id above every person that was there and is untouched since.
    untouched = next((int(pid) for pid in graph.node_ids[::-1] if int(pid) not in log.people), 0)
    vocabularies = vocabularies_of(old.attributes)
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
    return assemble(patched, ageing, columns, vocabularies, mine, state, day, top)


_AGE_SLICE = 1 << 21  # entries aged at a time: a few arrays of this many floats at most


def aged(graph: Graph, ageing: rows.Ageing, day: dt.date) -> Graph:
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


def _overlaid(
    old: Snapshot, graph: Graph, fresh: rows.People, vocabularies: dict[str, dict[str, int]]
) -> Columns:
    """The old columns moved to the new nodes, with the people read again written over them."""
    from whoknows.services import snapshot_rows as rows

    a = old.attributes
    old_ids = old.graph.node_ids
    if not len(fresh.ids) and np.may_share_memory(graph.node_ids, old_ids):
        kept = np.ones(len(old_ids), dtype=np.bool_)  # nothing to move: the arrays stay as they are
        return Columns(
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
    return Columns(
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
            (remap[a.tag_nodes[stays]], nodes(graph, [pid for pid, _t in fresh.tags]))
        ),
        tag_codes=np.concatenate(
            (a.tag_codes[stays], codes(tags, [tag for _pid, tag in fresh.tags]))
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
