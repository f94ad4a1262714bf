"""Array algorithms under the graph's CSR: building rows from tie pairs, finding entries.

Only `core/graph.py` uses this module; it knows nothing of people, just dense indices.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

_LOW32 = np.int64((1 << 32) - 1)
_SLICE = 1 << 20  # entries per step of the passes that place ties in their rows
# A lookup table over the id range is O(1) per tie instead of a binary search; allow it while
# the range is at most this many times the number of ids (person ids from a store are dense).
_DENSE_RANGE_FACTOR = 4
_FEW_ROWS = 64  # `Rows.gather` copies rows one by one up to this many rows


def tie_arrays(
    a_ids: npt.ArrayLike, b_ids: npt.ArrayLike, strengths: npt.ArrayLike
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Parallel arrays of ties, checked, without self-ties."""
    a = np.asarray(a_ids, dtype=np.int64).ravel()
    b = np.asarray(b_ids, dtype=np.int64).ravel()
    s = np.asarray(strengths, dtype=np.float32).ravel()
    if not len(a) == len(b) == len(s):
        raise ValueError(f"tie arrays differ in length: {len(a)}, {len(b)}, {len(s)}")
    if not valid_strengths(s):
        raise ValueError("tie strengths must lie in (0, 1]")
    keep = a != b
    return a[keep], b[keep], s[keep]


def tie_columns(
    a_ids: npt.ArrayLike, b_ids: npt.ArrayLike, columns: Sequence[npt.ArrayLike]
) -> list[npt.NDArray[np.float32]]:
    """More values per tie (float32), each the length of the ties, without the self-ties
    `tie_arrays` leaves out: they stay beside the ties that remain."""
    keep = np.asarray(a_ids, dtype=np.int64).ravel() != np.asarray(b_ids, dtype=np.int64).ravel()
    found = [np.asarray(c, dtype=np.float32).ravel() for c in columns]
    if any(len(c) != len(keep) for c in found):
        raise ValueError("a column's values differ in number from the ties")
    return [c[keep] for c in found]


def sorted_ids(node_ids: npt.ArrayLike) -> npt.NDArray[np.int64]:
    ids = np.asarray(node_ids, dtype=np.int64).ravel()
    if len(ids) > 1 and np.any(np.diff(ids) <= 0):
        ids = np.unique(ids)
    return ids


class IdLookup:
    """Person ids → dense indices of sorted ``ids``; an id outside them is an error."""

    def __init__(self, ids: npt.NDArray[np.int64]) -> None:
        self._ids = ids
        self._table: npt.NDArray[np.int32] | None = None
        self._lo = int(ids[0]) if len(ids) else 0
        span = int(ids[-1]) - self._lo + 1 if len(ids) else 0
        # A lookup table over the id range is O(1) per tie instead of a binary search; allow
        # it while the range is at most a few times the number of ids (store ids are dense).
        if len(ids) and span < _DENSE_RANGE_FACTOR * len(ids) + 1024:
            table = np.full(span, -1, dtype=np.int32)
            table[ids - self._lo] = np.arange(len(ids), dtype=np.int32)
            self._table = table

    def __call__(self, people: npt.NDArray[np.int64]) -> npt.NDArray[np.int32]:
        if not len(people):
            return np.zeros(0, np.int32)
        if self._table is not None:
            at = people - self._lo
            inside = (at >= 0) & (at < len(self._table))
            found = np.full(len(people), -1, dtype=np.int32)
            found[inside] = self._table[at[inside]]
            if np.any(found < 0):
                raise ValueError("ties name people that are not in node_ids")
            return found
        return dense_ends(self._ids, people)


def dense_ends(ids: npt.NDArray[np.int64], people: npt.NDArray[np.int64]) -> npt.NDArray[np.int32]:
    if not len(people):
        return np.zeros(0, np.int32)
    at = np.minimum(np.searchsorted(ids, people), max(len(ids) - 1, 0))
    if not len(ids) or not np.array_equal(ids[at], people):
        raise ValueError("ties name people that are not in node_ids")
    return at.astype(np.int32)


def rows_of(
    n: int,
    ends: list[npt.NDArray[np.integer]],
    values: list[npt.NDArray[np.float32]],
) -> tuple[
    npt.NDArray[np.int64],
    npt.NDArray[np.int32],
    npt.NDArray[np.float32],
    list[npt.NDArray[np.float32]],
]:
    """CSR arrays of undirected ties between dense nodes (a != b), the strongest duplicate kept.

    VALUES are the ties' strengths, then more columns of them (e.g. what ageing a tie needs),
    returned as entries beside the strengths; of duplicates, each column keeps its highest
    value.

    The ties are put in (low end, high end) order with one sort; each row then holds the ties
    where it is the high end (their low ends, in order) followed by those where it is the low
    end (their high ends, in order). The second group is already in place; the first takes one
    stable pass by high end. ENDS and VALUES are emptied as soon as they are read (the caller
    holds no copy of them while they are sorted), so that memory stays near four arrays the
    size of the ties.
    """
    b = ends.pop()
    a = ends.pop()
    s, *columns = values
    values.clear()
    key = np.minimum(a, b).astype(np.int64)
    key <<= 32
    key |= np.maximum(a, b)
    del a, b
    if len(key) > 1 and not np.all(key[1:] > key[:-1]):
        order = np.argsort(key)
        s = s[order]
        for i in range(len(columns)):
            columns[i] = columns[i][order]  # the unsorted one goes before the next is sorted
        del order
        key.sort()  # the same order in place (equal keys are interchangeable)
        first = np.ones(len(key), dtype=np.bool_)
        first[1:] = key[1:] != key[:-1]
        if not first.all():
            starts = np.flatnonzero(first)
            s = np.maximum.reduceat(s, starts)
            columns = [np.fmax.reduceat(c, starts) for c in columns]
            key = key[starts]
    low = (key >> 32).astype(np.int32)
    high = (key & _LOW32).astype(np.int32)
    del key
    m = len(low)
    as_low = np.bincount(low, minlength=n).astype(np.int64)
    as_high = np.bincount(high, minlength=n).astype(np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(as_low + as_high, out=indptr[1:])
    indices = np.empty(2 * m, dtype=np.int32)
    strength = np.empty(2 * m, dtype=np.float32)
    entries = [np.empty(2 * m, dtype=np.float32) for _ in columns]
    # Each tie in its high end's row: a stable pass by high end keeps the low ends in order.
    packed = high.astype(np.int64)
    packed <<= 32
    for start in range(0, m, _SLICE):
        packed[start : start + _SLICE] |= np.arange(start, min(m, start + _SLICE))
    packed.sort()
    np.bitwise_and(packed, _LOW32, out=packed)
    high_start = np.cumsum(as_high) - as_high
    low_start = np.cumsum(as_low) - as_low
    # In slices, so that the index arithmetic needs no array the size of the ties.
    for start in range(0, m, _SLICE):
        order = packed[start : start + _SLICE]
        rows = high[order]
        at = np.arange(start, start + len(order), dtype=np.int64)
        at += indptr[rows] - high_start[rows]
        indices[at] = low[order]
        strength[at] = s[order]
        for column, out in zip(columns, entries, strict=True):
            out[at] = column[order]
        # … then in its low end's row, after the ties where that row is the high end.
        rows = low[start : start + _SLICE]
        at = np.arange(start, start + len(rows), dtype=np.int64)
        at += indptr[rows] + as_high[rows] - low_start[rows]
        indices[at] = high[start : start + _SLICE]
        strength[at] = s[start : start + _SLICE]
        for column, out in zip(columns, entries, strict=True):
            out[at] = column[start : start + _SLICE]
    return indptr, indices, strength, entries


def valid_strengths(s: npt.NDArray[np.floating]) -> bool:
    # Written so that NaN fails too.
    return bool(np.all((s > 0) & (s <= 1)))


def locate(
    indptr: npt.NDArray[np.int64],
    indices: npt.NDArray[np.int32],
    rows: npt.NDArray[np.integer],
    cols: npt.NDArray[np.integer],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """For each (row, col): where col is, or would go, in that row, and whether it is there.

    A binary search in every row at once: a few vector steps, however many pairs.
    """
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    lo = indptr[rows].copy()
    end = indptr[rows + 1]
    hi = end.copy()
    last = max(len(indices) - 1, 0)
    while True:
        active = lo < hi
        if not active.any():
            break
        mid = (lo + hi) // 2
        right = active & (indices[np.minimum(mid, last)] < cols) if len(indices) else active
        left = active & ~right
        lo[right] = mid[right] + 1
        hi[left] = mid[left]
    found = lo < end
    found[found] = indices[lo[found]] == cols[found]
    return lo, found


def remap(
    old: npt.NDArray[np.int64], new: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Between two sorted id arrays: which old nodes stay, the new index of each old node (-1:
    gone) and the old index of each new node (-1: new)."""
    at_new = np.searchsorted(new, old)
    stays = at_new < len(new)
    stays[stays] = new[at_new[stays]] == old[stays]
    moved = np.where(stays, at_new, -1).astype(np.int64)
    back = np.full(len(new), -1, dtype=np.int64)
    back[moved[stays]] = np.flatnonzero(stays)
    return stays, moved, back


def row_entries(
    indptr: npt.NDArray[np.int64], degree: npt.NDArray[np.int64], rows: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """The positions of every stored entry of ROWS, row after row."""
    found = np.repeat(indptr[rows], degree[rows])
    found += np.arange(len(found)) - np.repeat(np.cumsum(degree[rows]) - degree[rows], degree[rows])
    return found


_LOW32 = np.int64((1 << 32) - 1)


def distinct(values: npt.NDArray[np.integer]) -> npt.NDArray[np.int64]:
    """Sorted distinct values; numpy's own unique hashes, which is slower for int arrays."""
    ordered = np.sort(values).astype(np.int64)
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def one_per_node(
    node: npt.NDArray[np.int64], via: npt.NDArray[np.int64], count: int | None = None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Sorted distinct nodes, each with the ``via`` of its first entry (all are equally good).

    With COUNT (the number of nodes), many entries are put in arrays of COUNT instead of
    sorted: a pass over a million bytes costs less than sorting a million entries."""
    if count is not None and len(node) * 16 > count:
        mark = np.zeros(count, dtype=bool)
        mark[node] = True
        chosen = np.empty(count, dtype=np.int64)
        chosen[node[::-1]] = via[::-1]  # the last write wins: each node's first entry
        nodes = np.flatnonzero(mark)
        return nodes, chosen[nodes]
    packed = (node << 32) | np.arange(len(node), dtype=np.int64)
    packed.sort()
    nodes = packed >> 32
    distinct = np.ones(len(nodes), dtype=bool)
    distinct[1:] = nodes[1:] != nodes[:-1]
    return nodes[distinct], via[packed[distinct] & _LOW32]


class Rows:
    """The stored entries of some rows, numbered row after row (what `Graph.edges_from`
    flattens), without building per-entry arrays until asked: a search may need only a few."""

    def __init__(self, indptr: npt.NDArray[np.int64], rows: npt.NDArray[np.integer]) -> None:
        self.indptr, self.rows = indptr, np.asarray(rows)
        self.starts = np.asarray(indptr[rows], dtype=np.int64)
        self.counts = np.asarray(indptr[np.asarray(rows) + 1], dtype=np.int64) - self.starts
        self.offsets = np.cumsum(self.counts) - self.counts

    def gather(self, values: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """VALUES at every entry, in order: whole rows copied while they are few and long."""
        if len(self.starts) > _FEW_ROWS:
            at = np.repeat(self.starts - self.offsets, self.counts)
            at += np.arange(len(at), dtype=np.int64)
            gathered: npt.NDArray[Any] = values[at]
            return gathered
        spans = zip(self.starts.tolist(), (self.starts + self.counts).tolist(), strict=True)
        found: npt.NDArray[Any] = np.concatenate([values[a:b] for a, b in spans] or [values[:0]])
        return found

    def where(
        self, indices: npt.NDArray[np.integer], mask: npt.NDArray[np.bool_]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """The entry numbers (sorted) whose column is set in MASK, and the row of each. A row
        given several times is read once: a hub's row may be asked for once per label."""
        once, inverse = np.unique(self.rows, return_inverse=True)
        if len(once) == len(self.rows):
            hit = np.flatnonzero(mask[self.gather(indices)])
            return hit, self.owner(hit)
        read = Rows(self.indptr, once)
        hit = np.flatnonzero(mask[read.gather(indices)])
        counts = np.bincount(read.owner(hit), minlength=len(once))
        each = counts[inverse]
        row = np.repeat(np.arange(len(self.rows), dtype=np.int64), each)
        at = np.repeat((np.cumsum(counts) - counts)[inverse] - (np.cumsum(each) - each), each)
        at += np.arange(len(at), dtype=np.int64)
        found = hit[at] - read.offsets[inverse[row]] + self.offsets[row]
        return found, row

    def owner(
        self, at: npt.NDArray[np.int64], among: npt.NDArray[np.int64] | None = None
    ) -> npt.NDArray[np.int64]:
        """The row (its place in ``rows``, or in AMONG) of each entry number AT (sorted)."""
        offsets = self.offsets if among is None else self.offsets[among]
        return np.searchsorted(offsets, at, side="right") - 1

    def positions(
        self, at: npt.NDArray[np.int64], owner: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.int64]:
        """Where entries AT (of rows OWNER) are stored."""
        found: npt.NDArray[np.int64] = self.starts[owner] + (at - self.offsets[owner])
        return found

    def of(self, some: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """The entry numbers of every entry of the rows SOME (places in ``rows``), in order."""
        counts = self.counts[some]
        found = np.repeat(self.offsets[some] - (np.cumsum(counts) - counts), counts)
        found += np.arange(len(found), dtype=np.int64)
        return found


def check_node(count: int, node: int) -> None:
    """IndexError unless NODE is a dense index of a graph of COUNT nodes."""
    if not 0 <= node < count:
        raise IndexError(f"node {node} is not in a graph of {count} nodes")


def set_highest_at(
    array: npt.NDArray[Any],
    at: npt.NDArray[np.int64],
    slot: npt.NDArray[np.int64],
    values: npt.NDArray[Any],
    highest: np.ufunc,
    empty: float,
) -> npt.NDArray[Any]:
    """ARRAY with the entries AT set to the highest of the VALUES given for each (VALUES[i]
    belongs to AT[SLOT[i]]): ARRAY itself when nothing changes, else a copy. The new values are
    worked out on the few entries put: ARRAY may be tens of millions of entries, memory-mapped
    from a snapshot's file, and a copy of it costs as much as reading it whole."""
    now = np.full(len(at), empty, dtype=array.dtype)
    highest.at(now, slot, values.astype(array.dtype, copy=False))
    if np.array_equal(now, array[at], equal_nan=True):
        return array
    changed = np.array(array)
    changed[at] = now
    return changed
