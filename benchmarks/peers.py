"""The questions whoknows answers, answered again by peers and by a reference (benchmarks only).

The question of `whoknows path`: the K strongest simple paths of at most H hops from me to any
of a set of targets, with distinct first hops (distinct advocates); a path's strength is the
product of its tie strengths, and it ends at the first target it reaches. Since no strength
exceeds 1, the best path through advocate ``a`` has strength ``tie(me, a)`` times the best
strength from ``a`` to a target within H - 1 hops, never passing through me. Each answerer
below computes exactly that on the same CSR arrays as whoknows:

- `reference`: exhaustive hop-layered relaxation (Bellman-Ford) over every tie, H - 1 rounds,
  no pruning, no frontier, in plain NumPy: slow and obviously right.
- `scipy_top`: what a scipy user writes: the same rounds as sparse max-product steps
  (``A.multiply(best).max(axis=1)``) on a `csr_matrix` over the same arrays.
- `nx_top`: what a NetworkX user writes (NetworkX has no hop-limited strongest-path search):
  the same rounds from the targets outwards, over ``G.adj``, one frontier at a time.
- `enumerate_top` (small networks only): every simple path of at most H hops, by depth-first
  search, to check the reference itself.

The advocate ranking's formula (core/advocates.py) is computed again with scipy sparse
products and with NetworkX loops over peers of peers (`scipy_advocates`, `nx_advocates`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import numpy.typing as npt
from scipy import sparse

from whoknows.core import advocates as adv
from whoknows.core.graph import Graph

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Answer:
    """Top paths as node lists, strongest first, with their strengths."""

    paths: list[tuple[int, ...]]
    strengths: list[float]


def _top_first_hops(known: Ints, score: Floats, k: int) -> Ints:
    keep = np.flatnonzero(score > 0)
    return keep[np.argsort(-score[keep], kind="stable")][:k]


# --- the reference --------------------------------------------------------------------


def reference_scores(g: Graph, me: int, targets: Ints, max_hops: int) -> tuple[Ints, Floats]:
    """Per first hop (my neighbours, in CSR order): the best path strength through it."""
    n = g.num_nodes
    strength = g.strength.astype(np.float64)
    busy = np.flatnonzero(g.degree > 0)
    best = np.zeros(n)
    best[targets] = 1.0
    best[me] = 0.0
    for _ in range(max_hops - 1):
        step = np.zeros(n)
        step[busy] = np.maximum.reduceat(strength * best[g.indices], g.indptr[:-1][busy])
        best = np.maximum(best, step)
        best[me] = 0.0  # never through me
    known = g.indices[g.indptr[me] : g.indptr[me + 1]].astype(np.int64)
    tie = strength[g.indptr[me] : g.indptr[me + 1]]
    return known, tie * best[known]


def enumerate_top(g: Graph, me: int, targets: Ints, max_hops: int, k: int) -> list[float]:
    """Every simple path of at most MAX_HOPS hops from me, ending at its first target: the
    best strength per first hop, top K (feasible on small networks only)."""
    is_target = np.zeros(g.num_nodes, dtype=bool)
    is_target[targets] = True
    is_target[me] = False
    best: dict[int, float] = {}

    def walk(node: int, first: int, strength: float, seen: set[int], hops: int) -> None:
        if is_target[node]:
            best[first] = max(best.get(first, 0.0), strength)
            return
        if hops == max_hops:
            return
        row = slice(g.indptr[node], g.indptr[node + 1])
        for peer, s in zip(g.indices[row].tolist(), g.strength[row].tolist(), strict=True):
            if peer not in seen:
                seen.add(peer)
                walk(peer, first, strength * s, seen, hops + 1)
                seen.remove(peer)

    row = slice(g.indptr[me], g.indptr[me + 1])
    for first, s in zip(g.indices[row].tolist(), g.strength[row].tolist(), strict=True):
        walk(first, first, float(s), {me, first}, 1)
    return sorted(best.values(), reverse=True)[:k]


# --- scipy ------------------------------------------------------------------------------


def csr_matrix(g: Graph) -> sparse.csr_matrix:
    """The same arrays as a scipy matrix (no copy of the ties)."""
    return sparse.csr_matrix((g.strength, g.indices, g.indptr), shape=(g.num_nodes,) * 2)


def scipy_top(a: sparse.csr_matrix, me: int, targets: Ints, max_hops: int, k: int) -> Answer:
    n = a.shape[0]
    best = np.zeros(n)
    best[targets] = 1.0
    best[me] = 0.0
    rounds = [best]
    for _ in range(max_hops - 1):
        step = np.asarray(a.multiply(best).max(axis=1).todense()).ravel()
        best = np.maximum(best, step)
        best[me] = 0.0
        rounds.append(best)
    row = slice(a.indptr[me], a.indptr[me + 1])
    known = a.indices[row].astype(np.int64)
    score = a.data[row].astype(np.float64) * best[known]
    paths, strengths = [], []
    for i in _top_first_hops(known, score, k):
        path, budget = [me, int(known[i])], max_hops - 1
        while rounds[0][path[-1]] < 1.0:  # not at a target yet: the best next step
            at = slice(a.indptr[path[-1]], a.indptr[path[-1] + 1])
            peers = a.indices[at]
            gain = a.data[at] * rounds[budget - 1][peers]
            path.append(int(peers[int(np.argmax(gain))]))
            budget -= 1
        paths.append(tuple(path))
        strengths.append(float(score[i]))
    return Answer(paths, strengths)


def scipy_advocates(
    a: sparse.csr_matrix, me: int, icp: npt.NDArray[np.bool_], trust: Floats, top: int
) -> list[tuple[int, float]]:
    """The advocate score of core/advocates.py (reach, tie, trust, connected; no sphere,
    give/get or brief) as sparse products: (node, score), best first."""
    row = slice(a.indptr[me], a.indptr[me + 1])
    known = a.indices[row].astype(np.int64)
    tie = a.data[row].astype(np.float64)
    mine = a[known].tocsr()
    mine_ones = mine.copy()
    mine_ones.data = np.ones_like(mine_ones.data, dtype=np.float64)
    client = icp.astype(np.float64)
    client[me] = 0.0
    not_me = np.ones(a.shape[0])
    not_me[me] = 0.0
    direct = mine @ client
    indirect = mine @ ((a @ client) * not_me)
    outside = np.ones(a.shape[0])
    outside[known] = 0.0
    outside[me] = 0.0
    beyond = mine_ones @ outside
    degree = np.diff(a.indptr)[known].astype(np.float64)
    brokerage = np.divide(beyond, degree, out=np.zeros(len(known)), where=degree > 0)
    return _advocate_order(known, tie, direct, indirect, degree, brokerage, trust, top)


def _advocate_order(
    known: Ints,
    tie: Floats,
    direct: Floats,
    indirect: Floats,
    degree: Floats,
    brokerage: Floats,
    trust: Floats,
    top: int,
) -> list[tuple[int, float]]:
    def saturate(x: Floats, half: float) -> Floats:
        return x / (x + half)

    mine_trust = trust[known]
    parts = {
        "reach": (1 - adv.INDIRECT_DISCOUNT) * saturate(direct, adv.REACH_HALF)
        + adv.INDIRECT_DISCOUNT * saturate(indirect, adv.INDIRECT_HALF),
        "tie": tie,
        "trust": np.where(np.isnan(mine_trust), adv.UNKNOWN_TRUST, mine_trust),
        "connected": 0.5 * saturate(np.log1p(degree), adv.DEGREE_HALF) + 0.5 * brokerage,
    }
    score = sum(adv.WEIGHTS[name] * values for name, values in parts.items())
    order = np.lexsort((known, -score))[:top]
    return [(int(known[i]), float(score[i])) for i in order]


# --- NetworkX ---------------------------------------------------------------------------


def nx_graph(g: Graph) -> nx.Graph:
    """The same ties as a NetworkX graph (strength on each edge)."""
    rows = np.repeat(np.arange(g.num_nodes), np.diff(g.indptr))
    upper = rows < g.indices
    graph = nx.Graph()
    graph.add_nodes_from(range(g.num_nodes))
    graph.add_weighted_edges_from(
        zip(
            rows[upper].tolist(),
            g.indices[upper].tolist(),
            g.strength[upper].astype(np.float64).tolist(),
            strict=True,
        ),
        weight="strength",
    )
    return graph


def nx_top(graph: nx.Graph, me: int, targets: Sequence[int], max_hops: int, k: int) -> Answer:
    best = {t: 1.0 for t in targets if t != me}
    rounds: list[dict[int, tuple[float, int]]] = [{t: (1.0, t) for t in best}]
    front = set(best)
    for _ in range(max_hops - 1):
        changed: dict[int, tuple[float, int]] = {}
        for node in front:
            value = rounds_value(rounds, node)
            for peer, data in graph.adj[node].items():
                if peer == me:
                    continue
                candidate = value * data["strength"]
                if candidate > best.get(peer, 0.0) and candidate > changed.get(peer, (0.0,))[0]:
                    changed[peer] = (candidate, node)
        for peer, (value, _) in changed.items():
            best[peer] = value
        rounds.append(changed)
        front = set(changed)
    scored = sorted(
        ((graph.adj[me][a]["strength"] * best[a], a) for a in graph.adj[me] if a in best),
        key=lambda x: -x[0],
    )[:k]
    paths = []
    for _, first in scored:
        path, at = [me, first], len(rounds) - 1
        while True:
            at = max(r for r in range(at + 1) if path[-1] in rounds[r])
            if at == 0:
                break
            path.append(rounds[at][path[-1]][1])
            at -= 1
        paths.append(tuple(path))
    return Answer(paths, [s for s, _ in scored])


def rounds_value(rounds: list[dict[int, tuple[float, int]]], node: int) -> float:
    """NODE's best strength to a target after the rounds so far."""
    for r in reversed(rounds):
        if node in r:
            return r[node][0]
    return 0.0


def nx_advocates(
    graph: nx.Graph, me: int, icp: set[int], trust: Floats, top: int
) -> list[tuple[int, float]]:
    """The same score with loops over each contact's peers and their peers (memoized)."""
    reach_of: dict[int, float] = {}

    def client_reach(peer: int) -> float:
        if peer not in reach_of:
            reach_of[peer] = sum(
                d["strength"] for q, d in graph.adj[peer].items() if q in icp and q != me
            )
        return reach_of[peer]

    known = np.array(sorted(graph.adj[me]), dtype=np.int64)
    mine = {*known.tolist(), me}
    rows = []
    for contact in known.tolist():
        direct = indirect = 0.0
        beyond = 0
        for peer, data in graph.adj[contact].items():
            if peer == me:
                continue
            s = data["strength"]
            if peer in icp:
                direct += s
            indirect += s * client_reach(peer)
            beyond += peer not in mine
        degree = graph.degree[contact]
        rows.append((graph.adj[me][contact]["strength"], direct, indirect, degree, beyond))
    tie, direct_, indirect_, degree_, beyond_ = (
        np.array(c, dtype=np.float64) for c in zip(*rows, strict=True)
    )
    brokerage = np.divide(beyond_, degree_, out=np.zeros(len(known)), where=degree_ > 0)
    return _advocate_order(known, tie, direct_, indirect_, degree_, brokerage, trust, top)


# --- checking an answer -----------------------------------------------------------------


def check(
    g: Graph,
    me: int,
    targets: Ints,
    max_hops: int,
    k: int,
    answer: Answer,
    expected: list[float],
) -> str | None:
    """Why ANSWER is wrong (None when right): the strengths must be the reference's top K, and
    each path a simple chain of ties from me, ending at its first target, as strong as said,
    and the best through its advocate."""
    if len(answer.strengths) != len(expected) or not all(
        math.isclose(a, b, rel_tol=1e-6) for a, b in zip(answer.strengths, expected, strict=True)
    ):
        return f"strengths {answer.strengths} != reference {expected}"
    is_target = np.zeros(g.num_nodes, dtype=bool)
    is_target[targets] = True
    is_target[me] = False
    firsts = [p[1] for p in answer.paths]
    if len(set(firsts)) != len(firsts):
        return "first hops repeat"
    for path, said in zip(answer.paths, answer.strengths, strict=True):
        if path[0] != me or len(set(path)) != len(path) or not 1 <= len(path) - 1 <= max_hops:
            return f"path {path} is not a simple path of 1..{max_hops} hops from me"
        if not is_target[path[-1]] or is_target[list(path[1:-1])].any():
            return f"path {path} does not end at its first target"
        strength = 1.0
        for u, v in itertools.pairwise(path):
            strength *= g.strength_of(u, v)
        if not math.isclose(strength, said, rel_tol=1e-6):
            return f"path {path} has strength {strength}, said {said}"
    return None


def check_advocates(
    got: list[tuple[int, float]], expected: list[tuple[int, float]], tolerance: float = 5e-4
) -> str | None:
    """Same scores, top first (whoknows rounds each part to 4 decimals: hence the tolerance);
    where scores are within the tolerance of each other the order may differ."""
    if len(got) != len(expected):
        return f"{len(got)} advocates, expected {len(expected)}"
    for (node, score), (want_node, want) in zip(got, expected, strict=True):
        if abs(score - want) > tolerance:
            return f"score {score} (#{node}) != {want} (#{want_node})"
    far = {n for n, s in expected if all(abs(s - t) > tolerance for m, t in expected if m != n)}
    if any(n not in {m for m, _ in got} for n in far):
        return "a clearly ranked advocate is missing"
    return None
