"""Warm paths: equal to brute force on small networks, hop-limited, distinct advocates."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whoknows.core.graph import Graph
from whoknows.core.paths import Path, closest, reach, top_paths

FAST = settings(max_examples=200, deadline=None)
# Products taken in a different order may differ in the last bits; nothing more.
REL = 1e-9

Edges = list[tuple[int, int, float]]


def build(edges: Edges, n: int | None = None) -> Graph:
    """A graph whose dense indices equal the person ids 0..n-1."""
    a, b, s = zip(*edges, strict=True) if edges else ((), (), ())
    ids = np.arange(n if n is not None else 1 + max(max(a), max(b)))
    return Graph.from_edges(np.array(a, dtype=np.int64), np.array(b, dtype=np.int64), s, ids)


def adjacency(edges: Edges) -> dict[int, dict[int, float]]:
    """The network straight from the edge list, strengths rounded as the graph stores them."""
    adj: dict[int, dict[int, float]] = {}
    for a, b, s in edges:
        if a != b:
            s32 = float(np.float32(s))
            for u, v in ((a, b), (b, a)):
                adj.setdefault(u, {})[v] = max(adj.get(u, {}).get(v, 0.0), s32)
    return adj


def brute_force(edges: Edges, source: int, targets: set[int], max_hops: int) -> dict[int, float]:
    """Best product per first hop over every simple path of at most max_hops hops."""
    adj = adjacency(edges)
    targets = targets - {source}
    best: dict[int, float] = {}

    def walk(path: list[int], score: float) -> None:
        node = path[-1]
        if len(path) > 1 and node in targets:
            best[path[1]] = max(best.get(path[1], 0.0), score)
        if len(path) - 1 == max_hops:
            return
        for nxt, s in adj.get(node, {}).items():
            if nxt not in path:
                walk([*path, nxt], score * s)

    walk([source], 1.0)
    return best


def assert_valid(
    graph: Graph, found: list[Path], source: int, targets: set[int], hops: int
) -> None:
    for path in found:
        assert path.nodes[0] == source
        assert path.nodes[-1] in targets
        assert len(set(path.nodes)) == len(path.nodes), "a path repeats a person"
        assert 1 <= path.hops <= hops
        product = math.prod(graph.strength_of(u, v) for u, v in itertools.pairwise(path.nodes))
        assert product > 0, "a path uses a tie that does not exist"
        assert path.strength == pytest.approx(product, rel=REL)
    assert len({p.advocate for p in found}) == len(found), "two paths share a first hop"
    assert [p.strength for p in found] == sorted((p.strength for p in found), reverse=True)


strengths = st.sampled_from([0.2, 0.5, 0.9, 1.0]) | st.floats(0.05, 1.0)


@st.composite
def networks(draw: st.DrawFn) -> tuple[Edges, int, set[int], int, int]:
    n = draw(st.integers(2, 9))
    pairs = list(itertools.combinations(range(n), 2))
    chosen = draw(st.lists(st.sampled_from(pairs), max_size=18, unique=True))
    edges = [(a, b, draw(strengths)) for a, b in chosen]
    source = draw(st.integers(0, n - 1))
    targets = set(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n)))
    return edges, source, targets, draw(st.integers(1, 5)), draw(st.integers(1, 5))


@FAST
@given(networks())
def test_top_paths_equal_brute_force_on_small_random_networks(
    case: tuple[Edges, int, set[int], int, int],
) -> None:
    edges, source, targets, hops, k = case
    n = 1 + max([source, *targets, *(max(a, b) for a, b, _ in edges)])
    graph = build(edges, n)
    found = top_paths(graph, source, sorted(targets), max_hops=hops, k=k)
    assert_valid(graph, found, source, targets, hops)
    best = brute_force(edges, source, targets, hops)
    expected = sorted(best.values(), reverse=True)[:k]
    assert [p.strength for p in found] == pytest.approx(expected, rel=REL)
    # The advocates are the brute-force ones; among equal strengths any of them will do.
    for path in found:
        assert best[path.advocate] == pytest.approx(path.strength, rel=REL)


@FAST
@given(networks())
def test_reach_equals_the_best_chain_within_the_hop_limit(
    case: tuple[Edges, int, set[int], int, int],
) -> None:
    edges, source, _, hops, _ = case
    n = 1 + max([source, *(max(a, b) for a, b, _ in edges)])
    scores = reach(build(edges, n), source, hops)
    adj = adjacency(edges)
    expected = np.zeros(n)
    expected[source] = 1.0
    for _ in range(hops):
        before = expected.copy()
        for u, nbrs in adj.items():
            for v, s in nbrs.items():
                expected[v] = max(expected[v], before[u] * s)
    assert scores == pytest.approx(expected, rel=REL)


# Hand-built networks. People are numbered; 0 is always me.
ME = 0


def test_a_strong_two_hop_path_beats_a_weak_direct_tie() -> None:
    graph = build([(ME, 1, 0.9), (1, 2, 0.9), (ME, 2, 0.3)])
    found = top_paths(graph, ME, 2)
    assert [p.nodes for p in found] == [(ME, 1, 2), (ME, 2)]
    assert [p.strength for p in found] == pytest.approx([0.81, 0.3])


def test_a_short_weak_path_wins_when_the_strong_chain_is_beyond_the_hop_limit() -> None:
    chain = [(i, i + 1, 0.99) for i in range(ME, 6)]  # me → 1 → … → 6, six strong hops
    detour = [(ME, 7, 0.2), (7, 6, 0.2)]  # me → 7 → 6, two weak hops
    graph = build(chain + detour)
    within_four = top_paths(graph, ME, 6, max_hops=4)
    assert [p.nodes for p in within_four] == [(ME, 7, 6)]
    within_six = top_paths(graph, ME, 6, max_hops=6)
    assert within_six[0].nodes == (ME, 1, 2, 3, 4, 5, 6)
    assert within_six[0].strength == pytest.approx(0.99**6, rel=1e-6)


def test_a_target_set_is_reached_through_its_best_member() -> None:
    # Everyone at an organization: 4, 5, 6; three advocates reach one each.
    graph = build([(ME, 1, 0.8), (1, 4, 0.5), (ME, 2, 0.6), (2, 5, 0.9), (ME, 3, 0.3), (3, 6, 1.0)])
    found = top_paths(graph, ME, [4, 5, 6])
    assert [p.nodes for p in found] == [(ME, 2, 5), (ME, 1, 4), (ME, 3, 6)]
    assert [p.strength for p in found] == pytest.approx([0.54, 0.4, 0.3])


def test_each_advocate_appears_once_with_their_best_path() -> None:
    # Ann (1) has two good routes to the target (9); the runner-up goes through Bo (2).
    ann = [(ME, 1, 0.9), (1, 3, 0.9), (1, 4, 0.8), (3, 9, 0.9), (4, 9, 0.9)]
    bo = [(ME, 2, 0.5), (2, 9, 0.5)]
    graph = build([*ann, *bo])
    found = top_paths(graph, ME, 9, k=3)
    assert [p.nodes for p in found] == [(ME, 1, 3, 9), (ME, 2, 9)]


def test_advocates_who_share_a_well_connected_contact_each_keep_their_path() -> None:
    # Five advocates (1-5) all know hub 6, the only way on to 8 through 7; 8 is popular
    # (many leaves), so the search walks forward through the hub with five labels on it.
    advocates = [(ME, a, 0.5 + 0.1 * a) for a in range(1, 6)] + [(a, 6, 0.9) for a in range(1, 6)]
    leaves = [(8, leaf, 0.5) for leaf in range(9, 40)]
    graph = build([*advocates, (6, 7, 0.9), (7, 8, 0.9), *leaves])
    found = top_paths(graph, ME, 8, max_hops=4, k=5)
    assert [p.advocate for p in found] == [5, 4, 3, 2, 1]
    assert all(p.nodes[2:] == (6, 7, 8) for p in found)


def test_k_limits_the_number_of_advocates_and_keeps_the_strongest() -> None:
    edges = [(ME, a, 0.1 * a) for a in range(1, 8)] + [(a, 8, 1.0) for a in range(1, 8)]
    found = top_paths(build(edges), ME, 8, k=3)
    assert [p.advocate for p in found] == [7, 6, 5]


def test_a_path_never_goes_back_through_me() -> None:
    # Ann (1) knows nobody but me; her only "route" to 3 would be back through me and Bo (2).
    graph = build([(ME, 1, 1.0), (ME, 2, 0.5), (2, 3, 0.5)])
    found = top_paths(graph, ME, 3)
    assert [p.nodes for p in found] == [(ME, 2, 3)]


def test_ties_of_full_strength_in_a_loop_still_give_simple_paths() -> None:
    loop = [(1, 2, 1.0), (2, 3, 1.0), (3, 1, 1.0)]
    graph = build([(ME, 1, 1.0), *loop, (3, 4, 1.0), (ME, 5, 1.0), (5, 4, 1.0)])
    found = top_paths(graph, ME, 4, max_hops=5)
    assert_valid(graph, found, ME, {4}, 5)
    assert [p.strength for p in found] == [1.0, 1.0]


def test_a_path_stops_at_the_first_target_it_meets() -> None:
    graph = build([(ME, 1, 0.9), (1, 2, 1.0), (2, 3, 1.0)])
    assert [p.nodes for p in top_paths(graph, ME, [2, 3])] == [(ME, 1, 2)]


def test_i_am_never_my_own_target() -> None:
    graph = build([(ME, 1, 0.9), (1, 2, 0.9)])
    assert [p.nodes for p in top_paths(graph, ME, [ME, 2])] == [(ME, 1, 2)]
    assert top_paths(graph, ME, [ME]) == []


def test_an_unreachable_target_gives_no_paths_and_no_closest() -> None:
    graph = build([(ME, 1, 0.9), (1, 2, 0.9), (3, 4, 0.9)])
    assert top_paths(graph, ME, 4) == []
    assert closest(graph, ME, 4) is None


def test_a_target_beyond_the_hop_limit_gives_no_paths_but_says_who_comes_closest() -> None:
    # Two routes of six hops to 6; the strong one passes Cy (3) at four hops from me.
    strong = [(ME, 1, 0.9), (1, 2, 0.9), (2, 3, 0.9), (3, 4, 0.9), (4, 5, 0.9), (5, 6, 0.9)]
    weak = [(ME, 11, 0.5), (11, 12, 0.5), (12, 13, 0.5), (13, 14, 0.5), (14, 15, 0.5), (15, 6, 0.5)]
    graph = build(strong + weak + [(ME, 20, 0.9), (20, 21, 0.9)])
    assert top_paths(graph, ME, 6, max_hops=4) == []
    near = closest(graph, ME, 6, max_hops=4)
    assert near is not None
    assert near.hops == 6
    assert near.path.nodes == (ME, 1, 2, 3, 4, 5, 6)
    assert near.gateway == 4
    assert closest(graph, ME, 6, max_hops=4, limit=5) is None


def test_closest_of_a_reachable_target_is_the_target_itself() -> None:
    graph = build([(ME, 1, 0.9), (1, 2, 0.9)])
    near = closest(graph, ME, 2)
    assert near is not None
    assert (near.hops, near.gateway, near.path.nodes) == (2, 2, (ME, 1, 2))


def test_reach_ignores_chains_weaker_than_the_floor() -> None:
    graph = build([(ME, 1, 0.9), (1, 2, 0.1), (ME, 3, 0.5), (3, 2, 0.5)])
    assert reach(graph, ME, 2).tolist() == pytest.approx([1.0, 0.9, 0.25, 0.5])
    assert reach(graph, ME, 2, floor=0.3).tolist() == pytest.approx([1.0, 0.9, 0.0, 0.5])
    assert reach(graph, ME, 1).tolist() == pytest.approx([1.0, 0.9, 0.0, 0.5])


def test_someone_with_no_ties_has_no_paths() -> None:
    graph = build([(1, 2, 0.5)], n=3)
    assert top_paths(graph, ME, 2) == []
    assert closest(graph, ME, 2) is None


@pytest.mark.parametrize(("hops", "k"), [(0, 5), (4, 0)])
def test_a_hop_limit_or_k_below_one_is_an_error(hops: int, k: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        top_paths(build([(ME, 1, 0.5)]), ME, 1, max_hops=hops, k=k)


def test_nodes_outside_the_graph_are_an_error() -> None:
    graph = build([(ME, 1, 0.5)])
    with pytest.raises(IndexError):
        top_paths(graph, 5, 1)
    with pytest.raises(IndexError):
        top_paths(graph, ME, [1, 7])
