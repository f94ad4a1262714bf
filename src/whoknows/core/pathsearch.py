"""The search under `core.paths.top_paths`: hop layers from both ends, labels per first hop."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from whoknows.core import csr
from whoknows.core.graph import Graph

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
AT_ONCE = 20_000  # ties: a frontier with at most this many takes `_forward_at_once`
Ties = tuple[Ints, Ints, Floats, Ints]  # per tie: label, neighbour, score, first hop


@dataclass(frozen=True, slots=True)
class Path:
    """A chain of ties from the source to a target, as dense node indices, and its strength.

    ``strength`` is the product of the tie strengths along the chain. ``nodes[1]`` is the
    advocate: the person the source asks first.
    """

    nodes: tuple[int, ...]
    strength: float

    @property
    def hops(self) -> int:
        return len(self.nodes) - 1

    @property
    def advocate(self) -> int:
        return self.nodes[1]


@dataclass(slots=True)
class _Layer:
    """Forward partial paths of one hop count, kept whole so records and parents stay valid:
    label i ends at ``node[i]``, started with first hop number ``first[i]`` and extends label
    ``parent[i]`` of the layer before. ``bound`` caps what a label can still become (0 once it
    is complete) and ``live`` lists the labels still worth extending."""

    node: Ints
    first: Ints
    score: Floats
    parent: Ints
    bound: Floats
    live: Ints


class Search:
    """Bidirectional hop-layered search with per-advocate labels and threshold pruning.

    Forward, labels grow from the source one hop at a time, each remembering its first hop;
    a node keeps at most k live labels, one per first hop. Backward, a dense array holds the
    best strength from each node to the target set within b hops (Bellman-Ford over
    frontiers), and each layer records which nodes improved and through whom, to rebuild the
    chain. Each step grows the side whose frontier has fewer ties to scan, until the two
    depths add up to the hop limit, and joins the new layer with the other side. Anything that
    cannot beat the current k-th best advocate is dropped: strengths never exceed 1, so a
    chain only gets weaker.
    """

    def __init__(self, graph: Graph, source: int, targets: Ints, max_hops: int, k: int) -> None:
        n = graph.num_nodes
        self.graph, self.source, self.max_hops, self.k = graph, source, max_hops, k
        self.is_target = np.zeros(n, dtype=bool)
        self.is_target[targets] = True
        first_nodes, first_strength = graph.neighbors(source)
        self.first_nodes = first_nodes.astype(np.int64)
        count = len(first_nodes)
        self.best = np.zeros(count)
        self.floor = np.zeros(count)
        # Per first hop: the layer and label of its best path, and the backward budget used.
        self.rec = np.full((count, 3), -1, dtype=np.int64)
        self.to_target = np.zeros(n)
        self.to_target[targets] = 1.0
        self.reached = self.is_target.copy()
        # Backward layer j: the nodes whose best improved at j hops (sorted), and their next hop.
        self.back_layers: list[tuple[Ints, Ints]] = []
        self._set_back_front(targets)
        score = first_strength.astype(np.float64)
        bound = score * self._hope(self.first_nodes)
        everyone = np.arange(count, dtype=np.int64)
        no_parent = np.full(count, -1, dtype=np.int64)
        self.layers = [_Layer(self.first_nodes, everyone, score, no_parent, bound, everyone)]

    def _set_back_front(self, front: Ints) -> None:
        self.back_front = front
        self.back_cost = self._cost(front)
        # The weakest value on the frontier tells in O(1) whether pruning it can drop anything.
        self.back_weakest = float(self.to_target[front].min()) if len(front) else 0.0

    @property
    def depth(self) -> int:
        return len(self.layers) + len(self.back_layers)

    def run(self) -> list[Path]:
        if not len(self.first_nodes) or not len(self.back_front):
            return []
        self._offer(1, self.layers[0].live, 0)
        while self.depth < self.max_hops:
            # Only the deepest layer stays in play: an expanded label lives on in its children.
            last = self.layers[-1]
            self._prune(last)
            if not len(last.live):
                break
            lead = float(last.score[last.live].max())
            self._prune_back(lead)
            cost = self._cost(last.node[last.live])
            if cost <= self.back_cost:
                if cost <= AT_ONCE:
                    self._forward_at_once()
                else:
                    self._forward()
            else:
                self._backward(lead)
        return self._paths()

    def _cost(self, nodes: Ints) -> float:
        return float(self.graph.degree[nodes].sum()) if len(nodes) else math.inf

    def _offer(self, layer_no: int, ids: Ints, budget: int) -> None:
        """Complete labels ``ids`` of a layer with the backward side's strengths to a target."""
        layer = self.layers[layer_no - 1]
        node = layer.node[ids]
        # A byte per node stays in cache where the strengths would not: look there first.
        met = self.reached[node]
        ids = ids[met]
        first = layer.first[ids]
        total = layer.score[ids] * self.to_target[node[met]]
        better = total > self.floor[first]
        if not better.any():
            return
        ids, first, total = ids[better], first[better], total[better]
        np.maximum.at(self.best, first, total)
        won = total == self.best[first]
        wins = int(won.sum())
        self.rec[first[won]] = np.stack(
            [np.full(wins, layer_no), ids[won], np.full(wins, budget)], axis=1
        )
        count, k = len(self.best), self.k
        kth = float(np.partition(self.best, count - k)[count - k]) if count >= k else 0.0
        np.maximum(self.best, kth, out=self.floor)

    def _prune(self, layer: _Layer) -> None:
        """Keep live the labels that may still lead somewhere better than the bar for their
        first hop."""
        live = layer.live
        layer.live = live[layer.bound[live] > self.floor[layer.first[live]]]

    def _hope(self, node: Ints) -> Floats:
        """An upper bound on the strength from ``node`` on to a target, 0 at a target: a label
        that reached one is complete, since going on could only make it weaker."""
        if not len(self.back_front):
            # The backward side has stopped changing, so its values are final: nothing it
            # pruned could beat the bar, and a node it never reached leads nowhere.
            hope = self.to_target[node]
        else:
            hope = self.graph.max_strength[node].astype(np.float64)
        hope[self.is_target[node]] = 0.0
        return hope

    def _forward_at_once(self) -> None:
        """One hop on in one pass over every tie of the live labels: for a frontier of few ties
        it costs less than `_forward`'s two passes."""
        last = self.layers[-1]
        owner, nbr, strength = self.graph.edges_from(last.node[last.live])
        score = last.score[last.live][owner] * strength
        bar = self.floor[last.first[last.live]][owner]
        if self.depth + 1 == self.max_hops:
            keep = np.flatnonzero(score > bar)
            keep = keep[score[keep] * self.to_target[nbr[keep]] > bar[keep]]
            parent = last.live[owner[keep]]
            node, first, score = nbr[keep].astype(np.int64), last.first[parent], score[keep]
            self.layers.append(_Layer(node, first, score, parent, score, np.arange(len(node))))
            self._offer(len(self.layers), np.arange(len(node)), len(self.back_layers))
            return
        keep = np.flatnonzero(score > bar)
        parent, node, score = last.live[owner[keep]], nbr[keep].astype(np.int64), score[keep]
        first = last.first[parent]
        back = self.layers[-2].node[last.parent[parent]] if len(self.layers) > 1 else self.source
        simple = (node != self.source) & (node != self.first_nodes[first]) & (node != back)
        node, first, score, parent = node[simple], first[simple], score[simple], parent[simple]
        everyone = np.arange(len(node), dtype=np.int64)
        new = _Layer(node, first, score, parent, np.zeros(len(node)), everyone)
        self.layers.append(new)
        self._offer(len(self.layers), everyone, len(self.back_layers))
        live = np.flatnonzero(score > self.floor[first])
        new.bound[live] = score[live] * self._hope(node[live])
        new.live = live
        self._prune(new)
        new.live = _cap(new, self.k)

    def _forward(self) -> None:
        """One hop on from the live labels, in two passes: first only the ties that meet the
        backward side (a byte per tie: hubs have tens of thousands), offered at once; then,
        with the bar that raised, every tie of only the labels that may still beat it."""
        last = self.layers[-1]
        live = last.live
        rows = last.node[live]
        ties = csr.Rows(self.graph.indptr, rows)
        met, owner = ties.where(self.graph.indices, self.reached)
        met_ties = self._ties(last, ties, met, owner)
        owner, node, score, first = met_ties
        bar = self.floor[first]
        if self.depth + 1 == self.max_hops:
            # The last step only has to meet the backward side: no loops to cut, nothing to keep.
            keep = np.flatnonzero((score > bar) & (score * self.to_target[node] > bar))
            node, first, score = node[keep], first[keep], score[keep]
            layer = _Layer(node, first, score, live[owner[keep]], score, np.arange(len(node)))
            self.layers.append(layer)
            self._offer(len(self.layers), np.arange(len(node)), len(self.back_layers))
            return
        back = self.layers[-2].node[last.parent[live]] if len(self.layers) > 1 else None
        keep = np.flatnonzero((score > bar) & self._simple(met_ties, back))
        met, met_ties = met[keep], _pick(met_ties, keep)
        owner, node, score, first = met_ties
        self.layers.append(_Layer(node, first, score, live[owner], score, np.arange(len(met))))
        self._offer(len(self.layers), np.arange(len(met)), len(self.back_layers))
        if not len(self.back_front):
            # Final backward values: a tie that does not meet them leads nowhere.
            go, go_ties = met, met_ties
        else:
            wide = np.flatnonzero(
                last.score[live] * self.graph.max_strength[rows] > self.floor[last.first[live]]
            )
            go, owner = self._may_beat(last, ties, wide)
            go_ties = self._ties(last, ties, go, owner)
        hope = self._hope(go_ties[1]) * go_ties[2]
        keep = np.flatnonzero((hope > self.floor[go_ties[3]]) & self._simple(go_ties, back))
        go, go_ties, hope = go[keep], _pick(go_ties, keep), hope[keep]
        # The layer: both kinds, in the order of the ties (as one pass over them all makes it).
        every = np.concatenate([met, go])
        order = np.argsort(every, kind="stable")
        distinct = np.ones(len(order), dtype=bool)
        distinct[1:] = every[order][1:] != every[order][:-1]
        at = np.empty(len(order), dtype=np.int64)
        at[order] = np.cumsum(distinct) - 1
        pick = order[distinct]
        owner, node, score, first = (
            np.concatenate(pair)[pick] for pair in zip(met_ties, go_ties, strict=True)
        )
        new = _Layer(node, first, score, live[owner], np.zeros(len(node)), at[len(met) :])
        new.bound[new.live] = hope
        # Records of the labels just offered point into the layer as it now is.
        offered = self.rec[:, 0] == len(self.layers)
        self.rec[offered, 1] = at[self.rec[offered, 1]]
        self.layers[-1] = new
        new.live = _cap(new, self.k)

    def _may_beat(self, last: _Layer, ties: csr.Rows, wide: Ints) -> tuple[Ints, Ints]:
        """The entry numbers (and labels) of the ties of labels WIDE whose bound beats the bar
        for their first hop: the same products as `_ties` and `_hope`, on rows copied whole,
        with per-label values repeated rather than gathered per tie."""
        some = csr.Rows(self.graph.indptr, ties.rows[wide])
        node = some.gather(self.graph.indices)
        hope = self._hope(node)
        hope *= np.repeat(last.score[last.live][wide], some.counts) * some.gather(
            self.graph.strength
        )
        beat = np.repeat(self.floor[last.first[last.live][wide]], some.counts)
        found = np.flatnonzero(hope > beat)
        owner = some.owner(found)
        return found - some.offsets[owner] + ties.offsets[wide[owner]], wide[owner]

    def _ties(self, last: _Layer, ties: csr.Rows, at: Ints, owner: Ints) -> Ties:
        """(label in live, neighbour, score, first hop) of the ties AT of LAST's live labels."""
        pos = ties.positions(at, owner)
        node = self.graph.indices[pos].astype(np.int64)
        score = last.score[last.live][owner] * self.graph.strength[pos]
        return owner, node, score, last.first[last.live][owner]

    def _simple(self, ties: Ties, back: Ints | None) -> npt.NDArray[np.bool_]:
        """Which ties make no loop: a walk back to the source, the first hop or the node just
        left is never stronger than the same walk with the loop cut out."""
        owner, node, _, first = ties
        simple = (node != self.source) & (node != self.first_nodes[first])
        if back is not None:
            simple &= node != back[owner]
        found: npt.NDArray[np.bool_] = simple
        return found

    def _prune_back(self, lead: float) -> None:
        bar = float(self.floor.min())
        if self.back_weakest * lead <= bar:
            front = self.back_front
            self._set_back_front(front[self.to_target[front] * lead > bar])

    def _backward(self, lead: float) -> None:
        front = self.back_front
        last = self.layers[-1]
        owner, nbr, strength = self.graph.edges_from(front)
        if self.depth + 1 == self.max_hops:
            # The last step only has to meet the forward side's live labels.
            wanted = np.zeros(self.graph.num_nodes, dtype=bool)
            wanted[last.node[last.live]] = True
            keep = np.flatnonzero(wanted[nbr])
            owner, nbr, strength = owner[keep], nbr[keep], strength[keep]
        cand = self.to_target[front][owner] * strength
        keep = np.flatnonzero(cand * lead > self.floor.min())
        node, cand, via = nbr[keep].astype(np.int64), cand[keep], front[owner[keep]]
        keep = np.flatnonzero((cand > self.to_target[node]) & (node != self.source))
        node, cand, via = node[keep], cand[keep], via[keep]
        np.maximum.at(self.to_target, node, cand)
        won = cand == self.to_target[node]
        self.back_layers.append(csr.one_per_node(node[won], via[won], len(self.reached)))
        self.reached[self.back_layers[-1][0]] = True
        self._set_back_front(self.back_layers[-1][0])
        # Re-offering unchanged nodes is harmless: what they gave was already taken or too weak.
        self._offer(len(self.layers), last.live, len(self.back_layers))
        if not len(self.back_front):
            last.bound[last.live] = last.score[last.live] * self._hope(last.node[last.live])

    def _paths(self) -> list[Path]:
        found = np.flatnonzero(self.best > 0)
        found = found[np.argsort(-self.best[found], kind="stable")][: self.k]
        paths = [self._rebuild(int(first)) for first in found]
        return sorted(paths, key=lambda p: (-p.strength, p.hops))

    def _rebuild(self, first: int) -> Path:
        layer_no, label, budget = (int(x) for x in self.rec[first])
        walk: list[int] = []
        for layer in reversed(self.layers[:layer_no]):
            walk.append(int(layer.node[label]))
            label = int(layer.parent[label])
        walk.append(self.source)
        walk.reverse()
        node = walk[-1]
        while not self.is_target[node]:
            while True:
                nodes, via = self.back_layers[budget - 1]
                at = int(np.searchsorted(nodes, node))
                if at < len(nodes) and nodes[at] == node:
                    break
                budget -= 1
            node = int(via[at])
            walk.append(node)
            budget -= 1
        simple = _without_loops(walk)
        strength = math.prod(self.graph.strength_of(u, v) for u, v in itertools.pairwise(simple))
        return Path(tuple(simple), strength)


def _pick(ties: Ties, keep: Ints) -> Ties:
    owner, node, score, first = ties
    return owner[keep], node[keep], score[keep], first[keep]


def _cap(layer: _Layer, k: int) -> Ints:
    """The live labels to keep: one per (node, first hop), and the k strongest per node.

    If a node has k stronger labels with other first hops, each of those k advocates already
    has a path at least as strong through the same continuation, so a dropped label could
    never make the top k.
    """
    live = layer.live
    if len(live) <= k:
        return live
    node, first, score = layer.node[live], layer.first[live], layer.score[live]
    order = np.lexsort((-score, first, node))
    distinct = np.ones(len(order), dtype=bool)
    distinct[1:] = (node[order][1:] != node[order][:-1]) | (first[order][1:] != first[order][:-1])
    order = order[distinct]
    order = order[np.lexsort((-score[order], node[order]))]
    grouped = node[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = grouped[1:] != grouped[:-1]
    rank = np.arange(len(order)) - np.flatnonzero(starts)[np.cumsum(starts) - 1]
    kept: Ints = live[np.sort(order[rank < k])]
    return kept


def _without_loops(walk: list[int]) -> list[int]:
    # Only ties of strength exactly 1 can make a looping walk as strong as its simple version.
    out: list[int] = []
    at: dict[int, int] = {}
    for node in walk:
        if node in at:
            for gone in out[at[node] + 1 :]:
                del at[gone]
            del out[at[node] + 1 :]
        else:
            at[node] = len(out)
            out.append(node)
    return out
