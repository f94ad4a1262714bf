"""Warm-introduction paths: the strongest hop-limited chains of ties from one person to a set."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from whoknows.core import csr
from whoknows.core.graph import Graph
from whoknows.core.pathsearch import Path as Path
from whoknows.core.pathsearch import Search

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Targets = int | npt.ArrayLike

DEFAULT_MAX_HOPS = 4
DEFAULT_TOP = 5


@dataclass(frozen=True, slots=True)
class Closest:
    """Where the search stops when no target is within the hop limit.

    ``hops`` is the fewest hops from the source to any target, ``path`` the strongest path of
    that length, and ``gateway`` the last person on it within ``max_hops`` of the source: the
    reachable person nearest to a target (the target itself when it is within reach).
    """

    hops: int
    path: Path
    gateway: int


def top_paths(
    graph: Graph,
    source: int,
    targets: Targets,
    *,
    max_hops: int = DEFAULT_MAX_HOPS,
    k: int = DEFAULT_TOP,
) -> list[Path]:
    """The ``k`` strongest simple paths of at most ``max_hops`` hops from ``source`` to any of
    ``targets``, with distinct first hops (distinct advocates), strongest first.

    ``targets`` is one dense index or an array of them; the source itself is never a target.
    Each path ends at the first target it reaches. Paths of equal strength come in no
    particular order. An empty list means no target is within ``max_hops``; see `closest`.
    """
    if max_hops < 1 or k < 1:
        raise ValueError("max_hops and k must be at least 1")
    search = Search(graph, source, _target_array(graph, targets, source), max_hops, k)
    return search.run()


def reach(graph: Graph, source: int, hops: int, *, floor: float = 0.0) -> Floats:
    """The best path strength from ``source`` to every node within ``hops`` hops (0 elsewhere).

    The source scores 1. Chains weaker than ``floor`` are not followed, which keeps a search
    through hubs small when only strong reach matters.
    """
    csr.check_node(graph.num_nodes, source)
    best = np.zeros(graph.num_nodes)
    best[source] = 1.0
    front = np.array([source], dtype=np.int64)
    for _ in range(hops):
        owner, nbr, strength = graph.edges_from(front)
        cand = best[front][owner] * strength
        keep = (cand > floor) & (cand > best[nbr])
        nbr, cand = nbr[keep], cand[keep]
        if not len(nbr):
            break
        np.maximum.at(best, nbr, cand)
        front = csr.distinct(nbr[cand == best[nbr]])
    return best


def closest(
    graph: Graph,
    source: int,
    targets: Targets,
    max_hops: int = DEFAULT_MAX_HOPS,
    *,
    limit: int | None = None,
) -> Closest | None:
    """The nearest target by hop count and the strongest path of that length to it.

    Meant for explaining an empty `top_paths` answer ("nobody within 4 hops; Priya is 6 hops
    away, and Dana is as close as you can get"). A breadth-first search from both ends finds
    the fewest hops; it gives up, returning None, once ``limit`` hops (no limit by default)
    are exceeded or when no target is connected to the source at all.
    """
    wanted = _target_array(graph, targets, source)
    sides = [np.array([source], dtype=np.int64), wanted]
    seen = [np.zeros(graph.num_nodes, dtype=bool), np.zeros(graph.num_nodes, dtype=bool)]
    seen[0][source] = True
    seen[1][wanted] = True
    hops = 0
    while True:
        if not (len(sides[0]) and len(sides[1])) or (limit is not None and hops >= limit):
            return None
        # Grow the side with fewer ties to scan; the first node both sides have seen lies on
        # a shortest path, at exactly the sum of the two radii.
        side = 0 if graph.degree[sides[0]].sum() <= graph.degree[sides[1]].sum() else 1
        _, nbr, _ = graph.edges_from(sides[side])
        sides[side] = csr.distinct(nbr[~seen[side][nbr]])
        seen[side][sides[side]] = True
        hops += 1
        if seen[1 - side][sides[side]].any():
            break
    path = top_paths(graph, source, wanted, max_hops=hops, k=1)[0]
    return Closest(hops=hops, path=path, gateway=path.nodes[min(max_hops, hops)])


def _target_array(graph: Graph, targets: Targets, source: int) -> Ints:
    csr.check_node(graph.num_nodes, source)
    wanted = csr.distinct(np.asarray(targets, dtype=np.int64).ravel())
    if len(wanted) and (wanted[0] < 0 or wanted[-1] >= graph.num_nodes):
        raise IndexError(f"targets must be node indices in 0..{graph.num_nodes - 1}")
    others: Ints = wanted[wanted != source]
    return others
