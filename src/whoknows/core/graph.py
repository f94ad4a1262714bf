"""The network snapshot: a symmetric CSR of tie strengths over dense indices, and its id mapping."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import numpy.typing as npt

FORMAT_VERSION = 1
"""Bumped whenever the meaning of the arrays in `Graph.to_arrays` changes."""

_LOW32 = np.int64((1 << 32) - 1)
# A lookup table over the id range is O(ties) instead of a sort; allow it while the range is
# at most this many times the number of ids (person ids from a store are nearly dense).
_DENSE_RANGE_FACTOR = 4

Chunk = tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike]
_Scalar = TypeVar("_Scalar", bound=np.generic)


@dataclass(frozen=True, eq=False, slots=True)
class Graph:
    """Undirected weighted network in compressed sparse row form over dense indices ``0..n-1``.

    Row ``i`` lists the neighbours of node ``i`` in ``indices[indptr[i]:indptr[i + 1]]``
    (sorted, no self-loop) with the tie strengths in (0, 1] beside them in ``strength``;
    every tie is stored in both rows. ``node_ids[i]`` is the person id of node ``i``; the
    ids are strictly increasing, so dense order is id order.
    """

    indptr: npt.NDArray[np.int64]
    indices: npt.NDArray[np.int32]
    strength: npt.NDArray[np.float32]
    node_ids: npt.NDArray[np.int64]
    degree: npt.NDArray[np.int64] = field(init=False, repr=False)
    max_strength: npt.NDArray[np.float32] = field(init=False, repr=False)

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
        # Paths prune with "nothing beyond this node is stronger than its strongest tie".
        max_strength = np.zeros(n, dtype=np.float32)
        if len(indices):
            busy = degree > 0
            max_strength[busy] = np.maximum.reduceat(strength, indptr[:-1][busy])
        object.__setattr__(self, "degree", _frozen(degree, np.int64))
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
        builder = GraphBuilder()
        builder.add(a_ids, b_ids, strengths)
        return builder.build(node_ids)

    @classmethod
    def from_chunks(cls, chunks: Iterable[Chunk], node_ids: npt.ArrayLike | None = None) -> Graph:
        """Build from an iterable of ``(a_ids, b_ids, strengths)`` array triples."""
        builder = GraphBuilder()
        for a_ids, b_ids, strengths in chunks:
            builder.add(a_ids, b_ids, strengths)
        return builder.build(node_ids)

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
    def from_arrays(cls, arrays: Mapping[str, npt.ArrayLike]) -> Graph:
        """Rebuild from `to_arrays` output (or an ``np.load`` of it), checking it is well formed.

        The checks are linear in the number of ties; symmetry is trusted, not re-derived.
        """
        version = int(np.asarray(arrays["format"]))
        if version != FORMAT_VERSION:
            raise ValueError(f"graph arrays are format {version}, not {FORMAT_VERSION}")
        graph = cls(
            np.asarray(arrays["indptr"]),
            np.asarray(arrays["indices"]),
            np.asarray(arrays["strength"]),
            np.asarray(arrays["node_ids"]),
        )
        n = graph.num_nodes
        if len(graph.indices) and (graph.indices.min() < 0 or graph.indices.max() >= n):
            raise ValueError(f"indices must lie in 0..{n - 1}")
        if not _valid_strengths(graph.strength):
            raise ValueError("strengths must lie in (0, 1]")
        if n > 1 and np.any(np.diff(graph.node_ids) <= 0):
            raise ValueError("node_ids must be strictly increasing")
        return graph

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
    tie naming another id is an error.
    """

    def __init__(self) -> None:
        self._a: list[npt.NDArray[np.int64]] = []
        self._b: list[npt.NDArray[np.int64]] = []
        self._s: list[npt.NDArray[np.float32]] = []

    def add(self, a_ids: npt.ArrayLike, b_ids: npt.ArrayLike, strengths: npt.ArrayLike) -> None:
        """Add one chunk of ties as parallel arrays."""
        a = np.asarray(a_ids, dtype=np.int64).ravel()
        b = np.asarray(b_ids, dtype=np.int64).ravel()
        s = np.asarray(strengths, dtype=np.float32).ravel()
        if not len(a) == len(b) == len(s):
            raise ValueError(f"tie arrays differ in length: {len(a)}, {len(b)}, {len(s)}")
        if not _valid_strengths(s):
            raise ValueError("tie strengths must lie in (0, 1]")
        keep = a != b
        self._a.append(a[keep])
        self._b.append(b[keep])
        self._s.append(s[keep])

    def build(self, node_ids: npt.ArrayLike | None = None) -> Graph:
        """The graph of every tie added so far."""
        a = np.concatenate(self._a) if self._a else np.zeros(0, np.int64)
        b = np.concatenate(self._b) if self._b else np.zeros(0, np.int64)
        s = np.concatenate(self._s) if self._s else np.zeros(0, np.float32)
        given = None if node_ids is None else np.asarray(node_ids, dtype=np.int64).ravel()
        ids, ia, ib = _dense(a, b, given)
        n = len(ids)
        if n >= 2**31 or 2 * len(a) >= 2**32:
            raise ValueError("graph too large for 32-bit indices")
        rows, cols, both = _sorted_entries(
            np.concatenate((ia, ib)), np.concatenate((ib, ia)), np.concatenate((s, s))
        )
        first = np.ones(len(rows), dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        starts = np.flatnonzero(first)
        strength = np.maximum.reduceat(both, starts) if len(starts) else both
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows[starts], minlength=n), out=indptr[1:])
        return Graph(indptr, cols[starts], strength, ids)


def _frozen(array: npt.ArrayLike, dtype: type[_Scalar]) -> npt.NDArray[_Scalar]:
    # A read-only view: the snapshot is shared by every query, so nobody may write into it.
    view = np.ascontiguousarray(array, dtype=dtype).view()
    view.flags.writeable = False
    return view


def _valid_strengths(s: npt.NDArray[np.floating]) -> bool:
    # Written so that NaN fails too.
    return bool(np.all((s > 0) & (s <= 1)))


def _dense(
    a: npt.NDArray[np.int64], b: npt.NDArray[np.int64], given: npt.NDArray[np.int64] | None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """Sorted unique node ids and the dense index of every tie end."""
    pool = (a, b) if given is None else (given,)
    count = sum(len(p) for p in pool)
    if count == 0:
        if len(a):
            raise ValueError("ties name people that are not in node_ids")
        empty = np.zeros(0, np.int32)
        return np.zeros(0, np.int64), empty, empty
    lo = min(int(p.min()) for p in pool if len(p))
    hi = max(int(p.max()) for p in pool if len(p))
    if (
        given is not None
        and len(a)
        and (min(int(a.min()), int(b.min())) < lo or max(int(a.max()), int(b.max())) > hi)
    ):
        raise ValueError("ties name people that are not in node_ids")
    if hi - lo < _DENSE_RANGE_FACTOR * count + 1024:
        present = np.zeros(hi - lo + 1, dtype=bool)
        for p in pool:
            present[p - lo] = True
        if given is not None and not (present[a - lo].all() and present[b - lo].all()):
            raise ValueError("ties name people that are not in node_ids")
        lookup = (np.cumsum(present, dtype=np.int64) - 1).astype(np.int32)
        return np.flatnonzero(present) + lo, lookup[a - lo], lookup[b - lo]
    ids = np.unique(np.concatenate(pool))
    ends = []
    for p in (a, b):
        at = np.minimum(np.searchsorted(ids, p), len(ids) - 1)
        if not np.array_equal(ids[at], p):
            raise ValueError("ties name people that are not in node_ids")
        ends.append(at.astype(np.int32))
    return ids, ends[0], ends[1]


def _sorted_entries(
    rows: npt.NDArray[np.int32], cols: npt.NDArray[np.int32], values: npt.NDArray[np.float32]
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.float32]]:
    """The entries sorted by (row, col), duplicates kept.

    Two stable passes (by col, then by row), each a plain sort of ``key << 32 | position``:
    numpy sorts int64 an order of magnitude faster than it argsorts, and the keys come back
    out of the packed words without a gather.
    """
    position = np.arange(len(rows), dtype=np.int64)
    packed = (cols.astype(np.int64) << 32) | position
    packed.sort()
    by_col = packed & _LOW32
    cols = (packed >> 32).astype(np.int32)
    values = values[by_col]
    packed = (rows[by_col].astype(np.int64) << 32) | position
    del by_col
    packed.sort()
    order = packed & _LOW32
    return (packed >> 32).astype(np.int32), cols[order], values[order]
