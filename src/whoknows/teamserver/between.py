"""What joins each pair of members in the pooled graph, so a path question becomes lookups.

In a space's pooled graph every tie has a member at one end: a member's shared contact (a
contact's own ties are nobody's to share). So a path of at most four hops from a person to
the asker, through members, is one hop to a member who knows the person and then at most
three hops between members: a direct tie, a two-hop join through one node both know, or a
direct tie and a two-hop join. The two-hop joins of every pair of members are counted once
per snapshot, per pair of bands (`Between.counts`); a question then reads a row of that
table, takes out the few joins that would revisit a node of its own path, and finds the
strongest way back without walking anyone's tens of thousands of ties.

Band strengths multiply, so a join through a node known at bands (s, t) has one of six
strengths (`LEVELS`); a count per level says whether a join of that strength is left once
the nodes a path may not revisit are taken out. The answers are exact: the strongest simple
path through each member, as a brute force over every path finds it
(tests/teamserver/test_reach_paths.py) and core.paths' search on hub-shaped graphs
(tests/core/test_pathsearch_hubs.py); the nodes of each path are found afterwards, in the
rows of the two members a join is between.
"""

from __future__ import annotations

import functools
import heapq
import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from whoknows.core import csr
from whoknows.core.graph import Graph
from whoknows.core.paths import Path

Ints = npt.NDArray[np.int64]

BAND_VALUES = np.array([0.35, 0.62, 0.88], dtype=np.float32)
"""The strengths of the bands weak, good and strong in the snapshot (snapshot.BAND_STRENGTH)."""
_PAIRS = [(s, t) for s in range(3) for t in range(s, 3)]
_ORDER = np.argsort([float(BAND_VALUES[s]) * float(BAND_VALUES[t]) for s, t in _PAIRS])
LEVELS = np.array([float(BAND_VALUES[s]) * float(BAND_VALUES[t]) for s, t in _PAIRS])[_ORDER]
"""The six strengths a two-hop join can have, weakest first."""
LEVEL_OF = np.zeros((3, 3), dtype=np.int64)
"""LEVEL_OF[s, t]: the level of a join through a node known at bands s and t."""
for _rank, _at in enumerate(_ORDER):
    _s, _t = _PAIRS[_at]
    LEVEL_OF[_s, _t] = LEVEL_OF[_t, _s] = _rank
MEMBERS_IN_TABLE = 1000
"""The most members a table holds: its counts take members² x 24 bytes (24 MB at 1,000) and a
question reads members² entries; a bigger space's paths take core's search."""
_SLICE = 4096  # entries of a row searched at a time for a join's middle
_PACK = 1 << 20  # counts per band packed in one int64 product: each < 2**20 (a member's ties)


def band_codes(strength: npt.ArrayLike) -> Ints:
    """0, 1, 2 for the weak, good and strong strengths of the snapshot's ties."""
    found = np.asarray(strength)
    return (found > 0.485).astype(np.int64) + (found > 0.75)


@dataclass(frozen=True, eq=False)
class Between:
    """The joins between members: ``members`` are their nodes (increasing), ``direct[i, j]``
    the strength of a tie between members i and j (0 without one), ``counts[i, j, level]``
    how many nodes both know at a pair of bands of that level (0 when i == j)."""

    members: Ints
    direct: npt.NDArray[np.float32]
    counts: npt.NDArray[np.int32]

    @classmethod
    def of(cls, graph: Graph, members: npt.ArrayLike) -> Between:
        """Count every pair's joins: a sparse product per band, of the members' rows of the
        graph (members x nodes) and every row's entries that are members (nodes x members)."""
        nodes = np.asarray(members, dtype=np.int64).ravel()
        m = len(nodes)
        counts = np.zeros((m, m, len(LEVELS)), dtype=np.int32)
        if m and graph.num_ties:
            n = graph.num_nodes
            member_of = np.full(n, -1, dtype=np.int64)
            member_of[nodes] = np.arange(m)
            at = member_of[graph.indices]
            inside = at >= 0
            before = np.zeros(len(inside) + 1, dtype=np.int64)
            np.cumsum(inside, dtype=np.int64, out=before[1:])
            right = sparse.csr_matrix(
                (
                    np.left_shift(np.int64(1), 20 * band_codes(graph.strength[inside])),
                    at[inside],
                    before[graph.indptr],
                ),
                shape=(n, m),
            )
            rows = sparse.csr_matrix((graph.strength, graph.indices, graph.indptr), shape=(n, n))[
                nodes
            ]
            codes = band_codes(rows.data)
            for s in range(3):
                left = sparse.csr_matrix(
                    ((codes == s).astype(np.int64), rows.indices.copy(), rows.indptr.copy()),
                    shape=(m, n),
                )
                left.eliminate_zeros()  # in place: hence the copies
                packed = (left @ right).toarray()
                for t in range(3):
                    found = (packed >> (20 * t)) & (_PACK - 1)
                    counts[:, :, LEVEL_OF[s, t]] += found.astype(np.int32)
            np.einsum("iil->il", counts)[:] = 0
        return cls(nodes, _direct(graph, nodes), counts)

    def patched(
        self, before: Graph, graph: Graph, members: npt.ArrayLike, changed: npt.ArrayLike
    ) -> Between:
        """This table (of graph BEFORE) for GRAPH, whose member nodes are MEMBERS, when only
        ties that touch the CHANGED nodes differ (node ids, not indices: the two graphs number
        their nodes apart). A pair of members neither of whom changed keeps its counts, but for
        the joins through a changed node; a changed or new member's row is counted again."""
        nodes = np.asarray(members, dtype=np.int64).ravel()
        m = len(nodes)
        changed_ids = csr.distinct(np.asarray(changed, dtype=np.int64).ravel())
        ids, old_ids = graph.node_ids[nodes], before.node_ids[self.members]
        old_at = np.minimum(np.searchsorted(old_ids, ids), max(len(old_ids) - 1, 0))
        kept = (old_ids[old_at] == ids) if len(old_ids) else np.zeros(m, dtype=bool)
        kept &= ~np.isin(ids, changed_ids)
        k = np.flatnonzero(kept)
        counts = np.zeros((m, m, len(LEVELS)), dtype=np.int32)
        counts[np.ix_(k, k)] = self.counts[np.ix_(old_at[k], old_at[k])]
        renumber = np.full(len(self.members), -1, dtype=np.int64)  # old index -> new, kept
        renumber[old_at[k]] = k
        same = np.where(kept, np.arange(m), -1)
        for node_id in changed_ids:  # joins between kept members through a changed node
            _through(counts, before, self.members, renumber, int(node_id), -1)
            _through(counts, graph, nodes, same, int(node_id), 1)
        for i in np.flatnonzero(~kept):
            row = _row(graph, nodes, int(i))
            counts[i], counts[:, i] = row, row
        return Between(nodes, _direct(graph, nodes), counts)

    def index(self, node: int) -> int | None:
        """The member index of a node, None for a node that is not a member."""
        at = int(np.searchsorted(self.members, node))
        return at if at < len(self.members) and int(self.members[at]) == node else None

    def strengths(self, levels: Ints) -> npt.NDArray[np.float64]:
        """The strength of each level (0 where a pair has no join: level -1)."""
        return np.where(levels >= 0, LEVELS[np.maximum(levels, 0)], 0.0)

    @functools.cached_property
    def best(self) -> npt.NDArray[np.float64]:
        """The strongest two-hop join of each pair, any node in the middle."""
        return self.strengths(_top_level(self.counts))

    @functools.cached_property
    def direct64(self) -> npt.NDArray[np.float64]:
        return self.direct.astype(np.float64)


def _member_index(members: Ints, nodes: npt.NDArray[np.integer]) -> Ints:
    """The member index of each node, -1 for a node that is not a member."""
    if not len(members):
        return np.full(len(nodes), -1, dtype=np.int64)
    at = np.minimum(np.searchsorted(members, nodes), len(members) - 1)
    return np.where(members[at] == nodes, at, -1).astype(np.int64)


def _direct(graph: Graph, members: Ints) -> npt.NDArray[np.float32]:
    """The strengths of the ties between members (a member x member matrix, 0: none)."""
    m = len(members)
    rows, cols = np.repeat(members, m), np.tile(members, m)
    where, found = csr.locate(graph.indptr, graph.indices, rows, cols)
    direct = np.zeros(m * m, dtype=np.float32)
    direct[found] = graph.strength[where[found]]
    return direct.reshape(m, m)


def _top_level(counts: npt.NDArray[np.integer]) -> Ints:
    """The highest level with a join left, per pair (last axis: levels); -1 where none."""
    present = counts > 0
    top = len(LEVELS) - 1 - np.argmax(present[..., ::-1], axis=-1)
    return np.where(present.any(axis=-1), top, -1)


def _through(
    counts: npt.NDArray[np.int32], graph: Graph, members: Ints, index: Ints, node_id: int, sign: int
) -> None:
    """Add SIGN x the joins through node NODE_ID of GRAPH between members (of MEMBERS, counted
    as INDEX maps them; -1: not counted)."""
    at = int(np.searchsorted(graph.node_ids, node_id))
    if at >= graph.num_nodes or graph.node_ids[at] != node_id:
        return
    neighbours, strengths = graph.neighbors(at)
    mine = _member_index(members, neighbours)
    keep = mine >= 0
    who, codes = index[mine[keep]], band_codes(strengths[keep])
    keep = who >= 0
    who, codes = who[keep], codes[keep]
    a, b = np.repeat(who, len(who)), np.tile(who, len(who))
    level = LEVEL_OF[np.repeat(codes, len(codes)), np.tile(codes, len(codes))]
    apart = a != b
    np.add.at(counts, (a[apart], b[apart], level[apart]), sign)


def _row(graph: Graph, members: Ints, i: int) -> npt.NDArray[np.int32]:
    """Member I's counts of joins with every member, from its ties and their ties."""
    m = len(members)
    neighbours, strengths = graph.neighbors(int(members[i]))
    owner, second, far = graph.edges_from(neighbours)
    other = _member_index(members, second)
    keep = (other >= 0) & (other != i)
    level = LEVEL_OF[band_codes(strengths)[owner[keep]], band_codes(far[keep])]
    found = np.bincount(other[keep] * len(LEVELS) + level, minlength=m * len(LEVELS))
    return found.reshape(m, len(LEVELS)).astype(np.int32)


class Back:
    """The strongest ways from members back to one member, the asker, on one graph."""

    def __init__(self, graph: Graph, between: Between, asker: int) -> None:
        found = between.index(asker)
        if found is None:
            raise ValueError("the asker is not a member")
        self.graph, self.between, self.asker, self.asker_node = graph, between, found, asker
        a, direct, two = found, between.direct64, between.best
        # An upper bound of each member's way back in at most three hops (nothing banned).
        self.bound = np.maximum.reduce(
            [
                direct[:, a],
                two[:, a],
                (direct * two[:, a][None, :]).max(axis=1),
                (two * direct[:, a][None, :]).max(axis=1),
            ]
        )
        self.bound[a] = 1.0  # the asker's own tie: no way back to walk

    def way(self, member: int, banned: list[int]) -> tuple[float, list[int], list[float]]:
        """The strongest simple way of at most three hops from MEMBER (an index) back to the
        asker that passes through none of the BANNED nodes: (strength, nodes from the member's
        node to the asker's, with -1 for a join's middle, and the strength each join needs);
        strength 0 when there is none. `fill` finds the joins' middles."""
        b, a = self.between, self.asker
        here = int(b.members[member])
        if member == a:
            return 1.0, [here], []
        not_again = [a, member, *(i for i in map(b.index, banned) if i is not None)]
        direct = b.direct64
        ways: list[tuple[float, list[int], list[float]]] = []
        if direct[member, a] > 0:
            ways.append((float(direct[member, a]), [here, self.asker_node], []))
        from_me = b.strengths(self._levels(member, [*banned, self.asker_node]))
        if from_me[a] > 0:
            ways.append((float(from_me[a]), [here, -1, self.asker_node], [float(from_me[a])]))
        # member – x – (join) – asker: x a member they know.
        to_asker = b.strengths(self._levels(a, [*banned, here]))
        through = direct[member] * to_asker
        through[not_again] = 0
        x = int(np.argmax(through))
        if through[x] > 0:
            join = [float(to_asker[x])]
            ways.append((float(through[x]), [here, int(b.members[x]), -1, self.asker_node], join))
        # member – (join) – y – asker: y a member who knows the asker.
        last = from_me * direct[:, a]
        last[not_again] = 0
        y = int(np.argmax(last))
        if last[y] > 0:
            join = [float(from_me[y])]
            ways.append((float(last[y]), [here, -1, int(b.members[y]), self.asker_node], join))
        return max(ways, key=lambda w: w[0]) if ways else (0.0, [], [])

    def fill(self, nodes: list[int], joins: list[float], banned: list[int]) -> list[int]:
        """NODES with each join's middle (-1) found: a node both ends know at the strength the
        join needs, neither BANNED nor already on the way."""
        filled, needs = list(nodes), iter(joins)
        avoid = {*banned, *(n for n in nodes if n >= 0)}
        for at, node in enumerate(nodes):
            if node == -1:
                filled[at] = self._middle(nodes[at - 1], nodes[at + 1], avoid, next(needs))
        return filled

    def _levels(self, member: int, banned: list[int]) -> Ints:
        """The strongest join level from MEMBER to each member with the BANNED nodes not in
        the middle (-1: no join left)."""
        b = self.between
        counts = b.counts[member].astype(np.int64)
        mine = int(b.members[member])
        for node in set(banned):
            held = self.graph.strength_of(mine, node)
            if held <= 0:
                continue
            neighbours, strengths = self.graph.neighbors(node)
            others = _member_index(b.members, neighbours)
            inside = others >= 0
            level = LEVEL_OF[int(band_codes(held)), band_codes(strengths[inside])]
            np.subtract.at(counts, (others[inside], level), 1)
        found = _top_level(counts)
        found[member] = -1
        return found

    def _middle(self, left: int, right: int, avoid: set[int], need: float) -> int:
        """A node tied to both LEFT and RIGHT at the strength NEED, not in AVOID."""
        ln, ls = self.graph.neighbors(left)
        rn, rs = self.graph.neighbors(right)
        if len(ln) > len(rn):
            ln, ls, rn, rs = rn, rs, ln, ls
        # In slices of the shorter row: joins are usually many, so the first slice has one
        # and the rest of the row is never read.
        for start in range(0, len(ln), _SLICE):
            some, near = ln[start : start + _SLICE], ls[start : start + _SLICE]
            at = np.minimum(np.searchsorted(rn, some), len(rn) - 1)
            both = rn[at] == some
            product = near[both].astype(np.float64) * rs[at[both]].astype(np.float64)
            fits = np.flatnonzero(np.isclose(product, need) & ~np.isin(some[both], list(avoid)))
            if len(fits):
                return int(some[both][fits[0]])
        raise ValueError("no node joins these two at that strength")


def top_to(
    graph: Graph, between: Between, asker: int, ends: list[tuple[int, int, float]], k: int
) -> list[Path]:
    """The K strongest paths from the ASKER (a member's node) to the ENDS, one per member
    who is the last step: each end is (member index, target node, their tie's strength), and
    its path is that member's strongest way back to the asker not through the target, then
    the tie. Strongest first; paths of equal strength in no particular order."""
    back = Back(graph, between, asker)
    targets: dict[int, list[tuple[int, float]]] = {}
    for member, target, tie in ends:
        targets.setdefault(member, []).append((target, tie))
    heap = [
        (-max(t for _, t in each) * float(back.bound[member]), member)
        for member, each in targets.items()
    ]
    heapq.heapify(heap)
    found: list[tuple[float, list[int], list[float], int]] = []
    while heap and -heap[0][0] > 0 and (len(found) < k or -heap[0][0] > found[-1][0]):
        _, member = heapq.heappop(heap)
        best: tuple[float, list[int], list[float], int] | None = None
        for target, tie in sorted(targets[member], key=lambda e: -e[1]):
            if best is not None and tie * float(back.bound[member]) <= best[0]:
                break
            strength, nodes, joins = back.way(member, [target])
            if strength > 0 and (best is None or tie * strength > best[0]):
                best = (tie * strength, nodes, joins, target)
        if best is not None:
            found = sorted([*found, best], key=lambda f: -f[0])[:k]
    paths = []
    for _, nodes, joins, target in found:
        chain = tuple(reversed([target, *back.fill(nodes, joins, [target])]))
        paths.append(Path(chain, _product(graph, chain)))
    return paths


def _product(graph: Graph, nodes: tuple[int, ...]) -> float:
    strength = 1.0
    for a, b in itertools.pairwise(nodes):
        strength *= graph.strength_of(a, b)
    return strength
