"""A graph snapshot put together: the `Snapshot` arrays and what their files hold beside
them, from a build's or an update's columns, and to and from the files (snapshot_files.py).
services/snapshot.py loads, builds and updates snapshots; this is their shape."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from whoknows.core.graph import FORMAT_VERSION as GRAPH_FORMAT
from whoknows.core.graph import Graph
from whoknows.core.icp import Attributes
from whoknows.services import snapshot_files
from whoknows.storage.plain import State

if TYPE_CHECKING:
    from whoknows.services import snapshot_rows as rows


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


@dataclass(frozen=True)
class Columns:
    """What a snapshot knows of each person: PEOPLE aligned with the graph's nodes (its ids
    are the node ids) and the tags as (node, code) pairs."""

    people: rows.People
    tag_nodes: npt.NDArray[np.int64]
    tag_codes: npt.NDArray[np.int32]


def assemble(
    graph: Graph,
    ageing: rows.Ageing,
    columns: Columns,
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
    explained_at = graph.index_of(np.asarray(explained, np.int64)).tolist() if explained else []
    my_ties = dict(zip(explained_at, mine.explanations.values(), strict=True))
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
        serves_nodes=nodes(graph, serves_ids),
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


def arrays_of(snapshot: Snapshot) -> dict[str, npt.NDArray[Any]]:
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


def from_files(stored: snapshot_files.Stored) -> Snapshot:
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


def vocabularies_of(attributes: Attributes) -> dict[str, dict[str, int]]:
    return {
        name: {value: code for code, value in enumerate(values)}
        for name, values in (
            ("industry", attributes.industries),
            ("role", attributes.roles),
            ("city", attributes.cities),
            ("tags", attributes.tags),
        )
    }


def nodes(graph: Graph, person_ids: list[int]) -> npt.NDArray[np.int64]:
    return graph.index_of(np.asarray(person_ids, dtype=np.int64))


def codes(vocabulary: dict[str, int], values: list[str]) -> npt.NDArray[np.int32]:
    return np.fromiter(
        (vocabulary.setdefault(v, len(vocabulary)) for v in values), np.int32, len(values)
    )
