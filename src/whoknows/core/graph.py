"""The network snapshot: a symmetric CSR of tie strengths over dense indices, and its id mapping."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt

from whoknows.core import csr

FORMAT_VERSION = 1
"""Bumped whenever the meaning of the arrays in `Graph.to_arrays` changes."""


# "Derive it": a Graph built without its max_strength computes it.
_DERIVED = cast("npt.NDArray[np.float32]", None)

_Scalar = TypeVar("_Scalar", bound=np.generic)


@dataclass(frozen=True, eq=False, slots=True)
class Graph:
    """Undirected weighted network in compressed sparse row form over dense indices ``0..n-1``.

    Row ``i`` lists the neighbours of node ``i`` in ``indices[indptr[i]:indptr[i + 1]]``
    (sorted, no self-loop) with the tie strengths in (0, 1] beside them in ``strength``;
    every tie is stored in both rows. ``node_ids[i]`` is the person id of node ``i``; the
    ids are strictly increasing, so dense order is id order. ``max_strength`` (each node's
    strongest tie) is derived when not given; a trusted source (the snapshot's own files)
    passes it to spare a pass over every tie.
    """

    indptr: npt.NDArray[np.int64]
    indices: npt.NDArray[np.int32]
    strength: npt.NDArray[np.float32]
    node_ids: npt.NDArray[np.int64]
    max_strength: npt.NDArray[np.float32] = field(default=_DERIVED, repr=False)
    degree: npt.NDArray[np.int64] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        indptr = _frozen(self.indptr, np.int64)
        indices = _frozen(self.indices, np.int32)
        strength = _frozen(self.strength, np.float32)
        node_ids = _frozen(self.node_ids, np.int64)
        n = len(node_ids)
        if indptr.shape != (n + 1,) or indptr[0] != 0 or indptr[-1] != len(indices):
            raise ValueError(f"indptr must have {n + 1} entries from 0 to {len(indices)}")
        if strength.shape != indices.shape:
            raise ValueError("indices and strength must have the same length")
        for name, value in [
            ("indptr", indptr),
            ("indices", indices),
            ("strength", strength),
            ("node_ids", node_ids),
        ]:
            object.__setattr__(self, name, value)
        degree = np.diff(indptr)
        if np.any(degree < 0):
            raise ValueError("indptr must not decrease")
        object.__setattr__(self, "degree", _frozen(degree, np.int64))
        if self.max_strength is None:
            # Paths prune with "nothing beyond this node is stronger than its strongest tie".
            max_strength = np.zeros(n, dtype=np.float32)
            if len(indices):
                busy = degree > 0
                max_strength[busy] = np.maximum.reduceat(strength, indptr[:-1][busy])
        elif np.shape(self.max_strength) != (n,):
            raise ValueError(f"max_strength must have {n} entries")
        else:
            max_strength = self.max_strength
        object.__setattr__(self, "max_strength", _frozen(max_strength, np.float32))

    def __repr__(self) -> str:
        return f"Graph(nodes={self.num_nodes}, ties={self.num_ties})"

    @property
    def num_nodes(self) -> int:
        return len(self.node_ids)

    @property
    def num_ties(self) -> int:
        """Undirected ties: each is stored twice."""
        return len(self.indices) // 2

    @classmethod
    def from_edges(
        cls,
        a_ids: npt.ArrayLike,
        b_ids: npt.ArrayLike,
        strengths: npt.ArrayLike,
        node_ids: npt.ArrayLike | None = None,
    ) -> Graph:
        """Build from parallel arrays of person ids and strengths; see `GraphBuilder`."""
        builder = GraphBuilder(node_ids)
        builder.add(a_ids, b_ids, strengths)
        return builder.build()

    def to_arrays(self) -> dict[str, npt.NDArray[np.generic]]:
        """The arrays that define the graph, ready for ``np.savez``; derived arrays are left out."""
        return {
            "format": np.array(FORMAT_VERSION, dtype=np.int64),
            "indptr": self.indptr,
            "indices": self.indices,
            "strength": self.strength,
            "node_ids": self.node_ids,
        }

    @classmethod
    def from_arrays(
        cls,
        arrays: Mapping[str, npt.ArrayLike],
        *,
        max_strength: npt.ArrayLike | None = None,
        check: bool = True,
    ) -> Graph:
        """Rebuild from `to_arrays` output (or an ``np.load`` of it).

        With ``check`` (the default) the arrays are checked to be well formed, in passes
        linear in the number of ties; a source that checked them when it wrote them (the
        snapshot's files) skips that, and opening a memory-mapped graph then reads nothing.
        """
        version = int(np.asarray(arrays["format"]))
        if version != FORMAT_VERSION:
            raise ValueError(f"graph arrays are format {version}, not {FORMAT_VERSION}")
        graph = cls(
            np.asarray(arrays["indptr"]),
            np.asarray(arrays["indices"]),
            np.asarray(arrays["strength"]),
            np.asarray(arrays["node_ids"]),
            _DERIVED if max_strength is None else np.asarray(max_strength),
        )
        if check:
            graph.check()
        return graph

    def check(self, rows: npt.ArrayLike | None = None) -> None:
        """Raise ValueError unless the arrays are a well-formed graph (symmetry is trusted).

        With ROWS, only the entries of those rows are checked: what a patch wrote, the rest
        being as it was when checked before.
        """
        n = self.num_nodes
        if n > 1 and np.any(np.diff(self.node_ids) <= 0):
            raise ValueError("node_ids must be strictly increasing")
        if rows is None:
            cols, strengths = self.indices, self.strength
            # the first entry of each row but the first, as positions in cols[1:]
            breaks = self.indptr[1:-1][(self.indptr[1:-1] > 0) & (self.indptr[1:-1] < len(cols))]
        else:
            chosen = np.unique(np.asarray(rows, dtype=np.int64))
            owner, cols, strengths = self.edges_from(chosen)
            breaks = np.flatnonzero(owner[1:] != owner[:-1]) + 1
        if len(cols) and (cols.min() < 0 or cols.max() >= n):
            raise ValueError(f"indices must lie in 0..{n - 1}")
        if not csr.valid_strengths(strengths):
            raise ValueError("strengths must lie in (0, 1]")
        if len(cols) > 1:
            step = np.diff(cols)  # int32 is enough: 0 <= indices < 2**31
            inside = np.ones(len(step), dtype=np.bool_)
            inside[breaks - 1] = False
            if np.any(step[inside] <= 0):
                raise ValueError("each row's neighbours must be strictly increasing")

    def patched(
        self,
        node_ids: npt.ArrayLike,
        *,
        drop: tuple[npt.ArrayLike, npt.ArrayLike] = ((), ()),
        put: tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike] = ((), (), ()),
    ) -> Graph:
        """This graph after a few changes, without rebuilding it from every tie.

        The nodes become ``node_ids`` (a node that is not among them loses its ties); the ties
        between ``drop``'s pairs of person ids go, then ``put``'s ties are set (added, or given
        their new strength; the strongest of duplicates). Costs one pass over the arrays at
        most, and only a copy of ``strength`` when the same ties just change strength.
        """
        return self.patched_columns(node_ids, drop=drop, put=put)[0]

    def patched_columns(
        self,
        node_ids: npt.ArrayLike,
        *,
        drop: tuple[npt.ArrayLike, npt.ArrayLike] = ((), ()),
        put: tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike] = ((), (), ()),
        columns: tuple[npt.NDArray[np.float32], ...] = (),
        put_columns: tuple[npt.ArrayLike, ...] = (),
    ) -> tuple[Graph, list[npt.NDArray[np.float32]]]:
        """`patched`, carrying COLUMNS (arrays beside ``strength``, one value per entry) along:
        the ties put get their values from PUT_COLUMNS (one per tie put). A column whose values
        do not change stays the same array (a file of it need not be written again)."""
        if len(put_columns) != len(columns):
            raise ValueError("a value per column for the ties put")
        values = csr.tie_columns(put[0], put[1], put_columns)
        ids = csr.sorted_ids(node_ids)
        if np.array_equal(ids, self.node_ids):
            ids = self.node_ids  # the same nodes: the same array (a file need not be written)
        lookup = csr.IdLookup(ids)
        put_a, put_b, ps = csr.tie_arrays(*put)
        pa, pb = lookup(put_a), lookup(put_b)
        stays, moved, back = csr.remap(self.node_ids, ids)
        da = self.index_of(np.asarray(drop[0], dtype=np.int64).ravel(), strict=False)
        db = self.index_of(np.asarray(drop[1], dtype=np.int64).ravel(), strict=False)
        drop_at = self._entries(da, db)
        put_at = self._entries(back[pa], back[pb])
        if (
            stays.all()
            and len(ids) == self.num_nodes
            and np.isin(drop_at, put_at).all()
            and _same_pairs_found(self, back[pa], back[pb])
        ):
            # The same ties, some with a new strength (the daily case: my ties decay). An array
            # is copied only when the entries put change it (csr.set_highest_at).
            where, _ = csr.locate(self.indptr, self.indices, np.r_[pa, pb], np.r_[pb, pa])
            at, slot = np.unique(where, return_inverse=True)
            strength = csr.set_highest_at(self.strength, at, slot, np.r_[ps, ps], np.maximum, 0)
            kept = [
                csr.set_highest_at(c, at, slot, np.r_[v, v], np.fmax, np.nan)
                for c, v in zip(columns, values, strict=True)
            ]
            return Graph(self.indptr, self.indices, strength, ids), kept
        # Every entry that goes: dropped and re-put pairs, and all ties of the nodes that left.
        gone = np.flatnonzero(~stays)
        if len(gone):
            own, peer, _ = self.edges_from(gone)
            mirrored = self._entries(peer.astype(np.int64), gone[own])
            rows_gone = csr.row_entries(self.indptr, self.degree, gone)
            remove = np.unique(np.concatenate((drop_at, put_at, mirrored, rows_gone)))
        else:
            remove = np.union1d(drop_at, put_at)
        row_of = np.searchsorted(self.indptr, remove, side="right") - 1
        left = self.degree - np.bincount(row_of, minlength=self.num_nodes)
        counts = np.zeros(len(ids), dtype=np.int64)
        counts[moved[stays]] = left[stays]
        # np.delete copies through a mask of every entry even when nothing goes.
        cut = (lambda a: np.delete(a, remove)) if len(remove) else np.asarray
        indices, strength = cut(self.indices), cut(self.strength)
        moved_columns = [cut(c) for c in columns]
        if not np.array_equal(moved, np.arange(self.num_nodes)):
            indices = moved.astype(np.int32)[indices]
        indptr = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        if len(pa):
            # The ties put, in (row, column) order, each inserted before the first larger entry.
            builder = GraphBuilder(np.arange(len(ids)))
            builder.add(pa, pb, ps, tuple(values))
            extra, extra_columns = builder.build_columns()
            rows = np.repeat(np.arange(len(ids), dtype=np.int64), extra.degree)
            before, _ = csr.locate(indptr, indices, rows, extra.indices)
            indices = np.insert(indices, before, extra.indices)
            strength = np.insert(strength, before, extra.strength)
            moved_columns = [
                np.insert(c, before, e) for c, e in zip(moved_columns, extra_columns, strict=True)
            ]
            indptr[1:] += np.cumsum(extra.degree)
        return Graph(indptr, indices, strength, ids), moved_columns

    def _entries(self, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Positions of the stored entries of ties (a, b) between dense nodes, both directions."""
        known = (a >= 0) & (b >= 0)
        a, b = a[known], b[known]
        where, found = csr.locate(self.indptr, self.indices, np.r_[a, b], np.r_[b, a])
        return np.unique(where[found])

    def neighbors(self, idx: int) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]:
        """The neighbours of node ``idx`` and the strengths of those ties (read-only views)."""
        lo, hi = self.indptr[idx], self.indptr[idx + 1]
        return self.indices[lo:hi], self.strength[lo:hi]

    def edges_from(
        self, rows: npt.NDArray[np.integer]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32], npt.NDArray[np.float32]]:
        """Every tie of the given nodes, flattened: (position in ``rows``, neighbour, strength).

        The vectorised gather that searches are built on: one pass, no Python loop per node.
        """
        starts = self.indptr[rows]
        counts = self.indptr[np.asarray(rows) + 1] - starts
        owner = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
        pos = np.repeat(starts - (np.cumsum(counts) - counts), counts)
        pos += np.arange(len(pos), dtype=np.int64)
        return owner, self.indices[pos], self.strength[pos]

    def strength_of(self, u: int, v: int) -> float:
        """The strength of the tie between nodes ``u`` and ``v``, 0.0 when they have none."""
        nbrs, strengths = self.neighbors(u)
        at = int(np.searchsorted(nbrs, v))
        return float(strengths[at]) if at < len(nbrs) and nbrs[at] == v else 0.0

    def index_of(self, person_ids: npt.ArrayLike, *, strict: bool = True) -> npt.NDArray[np.int64]:
        """Dense indices of person ids; unknown ids raise KeyError, or give -1 when not strict."""
        ids = np.asarray(person_ids, dtype=np.int64)
        at = np.searchsorted(self.node_ids, ids)
        found = at < self.num_nodes
        found[found] = self.node_ids[at[found]] == ids[found]
        if np.all(found):
            return at.astype(np.int64)
        if strict:
            missing = ids[~found].ravel()[:5].tolist()
            raise KeyError(f"person ids not in the graph: {missing}")
        return np.where(found, at, -1).astype(np.int64)


class GraphBuilder:
    """Collects ties in chunks of arrays and builds one `Graph`, holding no Python object per tie.

    Ties are undirected: (a, b) and (b, a) are the same tie, duplicates keep the highest
    strength, and self-ties are dropped. Without ``node_ids`` the nodes are the ids that occur
    in a tie; with them, every given id becomes a node (people with no ties yet included) and a
    tie naming another id is an error. Given node ids also let each chunk shrink to 12 bytes a
    tie as it arrives (dense 32-bit ends and a 32-bit strength), which bounds the memory of a
    build from a large store.
    """

    def __init__(self, node_ids: npt.ArrayLike | None = None) -> None:
        self._node_ids = None if node_ids is None else csr.sorted_ids(node_ids)
        self._lookup = None if self._node_ids is None else csr.IdLookup(self._node_ids)
        self._a: list[npt.NDArray[np.int64] | npt.NDArray[np.int32]] = []
        self._b: list[npt.NDArray[np.int64] | npt.NDArray[np.int32]] = []
        self._s: list[npt.NDArray[np.float32]] = []
        self._columns: list[list[npt.NDArray[np.float32]]] = []

    def add(
        self,
        a_ids: npt.ArrayLike,
        b_ids: npt.ArrayLike,
        strengths: npt.ArrayLike,
        columns: tuple[npt.ArrayLike, ...] = (),
    ) -> None:
        """Add one chunk of ties as parallel arrays; COLUMNS: more values per tie (float32),
        the same number in every chunk, returned per entry by `build_columns`."""
        a, b, s = csr.tie_arrays(a_ids, b_ids, strengths)
        if self._lookup is not None:
            self._a.append(self._lookup(a))
            self._b.append(self._lookup(b))
        else:
            self._a.append(a)
            self._b.append(b)
        self._s.append(s)
        if columns or self._columns:
            if len(self._columns) != len(self._s) - 1 or (
                self._columns and len(self._columns[0]) != len(columns)
            ):
                raise ValueError("every chunk of ties needs the same columns")
            self._columns.append(csr.tie_columns(a_ids, b_ids, columns))

    def build(self) -> Graph:
        """The graph of every tie added so far (the builder is empty afterwards)."""
        return self.build_columns()[0]

    def build_columns(self) -> tuple[Graph, list[npt.NDArray[np.float32]]]:
        """The graph, and the columns given with the ties as arrays beside its ``strength``
        (each tie's values in both of its entries)."""
        chunks, self._columns = self._columns, []
        count = len(chunks[0]) if chunks else 0
        columns = [_joined([c[i] for c in chunks], np.float32) for i in range(count)]
        del chunks
        wide = self._lookup is None
        ends = [
            _joined(self._a, np.int64 if wide else np.int32),
            _joined(self._b, np.int64 if wide else np.int32),
        ]
        self._a, self._b = [], []
        strengths = _joined(self._s, np.float32)
        self._s = []
        if self._node_ids is None:
            ids = np.unique(np.concatenate(ends))
            ends = [csr.dense_ends(ids, ends[0]), csr.dense_ends(ids, ends[1])]
        else:
            ids = self._node_ids
        if len(ids) >= 2**31 or 2 * len(strengths) >= 2**31:
            raise ValueError("graph too large for 32-bit indices")
        values = [strengths, *columns]
        del strengths, columns  # rows_of lets each go once it has its sorted copy
        indptr, indices, strength, entries = csr.rows_of(len(ids), ends, values)
        return Graph(indptr, indices, strength, ids), [_frozen(e, np.float32) for e in entries]


def _joined(parts: list[Any], dtype: type[np.generic]) -> npt.NDArray[Any]:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def _frozen(array: npt.ArrayLike, dtype: type[_Scalar]) -> npt.NDArray[_Scalar]:
    # A read-only view: the snapshot is shared by every query, so nobody may write into it.
    view = np.ascontiguousarray(array, dtype=dtype).view()
    view.flags.writeable = False
    return view


def _same_pairs_found(graph: Graph, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> bool:
    """Whether every pair (a, b) of dense nodes already has a tie."""
    if np.any(a < 0) or np.any(b < 0):
        return False
    _, found = csr.locate(graph.indptr, graph.indices, a, b)
    return bool(found.all())
