"""Advocate ranking on small networks with a known answer."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from whoknows.core.advocates import (
    WEIGHTS,
    Signals,
    potential_advocates,
    rank_advocates,
    shown,
)
from whoknows.core.graph import Graph

# ids: 1 me; 2 Ann (close, knows no clients); 3 Bo (knows three clients); 4 Cy (one client);
# 5 Di (serves my market, no ties recorded); 10..13 ideal clients; 20 Xu (unknown to me,
# knows all four clients); 21 Yan (unknown, knows one client).
TIES = [
    (1, 2, 0.9), (1, 3, 0.5), (1, 4, 0.5), (1, 5, 0.4),
    (3, 10, 0.8), (3, 11, 0.7), (3, 12, 0.6), (4, 13, 0.6),
    (2, 20, 0.9), (3, 20, 0.3), (20, 10, 0.8), (20, 11, 0.8), (20, 12, 0.8), (20, 13, 0.8),
    (4, 21, 0.7), (21, 13, 0.5),
]  # fmt: skip
CLIENTS = {10, 11, 12, 13}


def _graph() -> Graph:
    a, b, s = zip(*TIES, strict=True)
    return Graph.from_edges(a, b, s)


def _signals(graph: Graph, **overrides: object) -> Signals:
    n = graph.num_nodes
    icp = np.isin(graph.node_ids, list(CLIENTS))
    sphere = np.zeros(n)
    sphere[graph.index_of([5])] = 0.8
    values: dict[str, object] = {"icp": icp, "sphere": sphere, "trust": np.full(n, np.nan)}
    values.update(overrides)
    return Signals(**values)  # type: ignore[arg-type]


def _names(graph: Graph, nodes: list[int]) -> list[int]:
    return [int(graph.node_ids[i]) for i in nodes]


def test_the_person_who_knows_the_most_ideal_clients_ranks_first() -> None:
    graph = _graph()
    me = int(graph.index_of([1])[0])
    ranked = rank_advocates(graph, me, _signals(graph))
    assert _names(graph, [a.node for a in ranked])[0] == 3
    bo = ranked[0]
    assert bo.reaches == 3
    assert bo.tie == np.float32(0.5)


def test_whom_they_serve_counts_without_any_recorded_tie() -> None:
    graph = _graph()
    me = int(graph.index_of([1])[0])
    ranked = {int(graph.node_ids[a.node]): a for a in rank_advocates(graph, me, _signals(graph))}
    assert ranked[5].parts["sphere"] > 0
    assert ranked[5].reaches == 0
    # Di has a weaker tie than Ann and knows no client, but serves my market
    assert ranked[5].score > ranked[2].score - WEIGHTS["tie"] * (0.9 - 0.4) + 0.01


def test_the_parts_add_up_to_the_score() -> None:
    graph = _graph()
    me = int(graph.index_of([1])[0])
    for advocate in rank_advocates(graph, me, _signals(graph)):
        assert math.isclose(sum(advocate.parts.values()), advocate.score, abs_tol=1e-3)
        assert set(advocate.parts) == set(WEIGHTS)
        assert 0 <= advocate.score <= 1


def test_trust_give_get_and_the_brief_raise_a_score() -> None:
    graph = _graph()
    me = int(graph.index_of([1])[0])
    cy = int(graph.index_of([4])[0])
    base = {a.node: a.score for a in rank_advocates(graph, me, _signals(graph))}
    n = graph.num_nodes
    trust = np.full(n, np.nan)
    trust[cy] = 1.0
    give_get = np.zeros(n)
    give_get[cy] = 1.0
    briefed = np.zeros(n, dtype=bool)
    briefed[cy] = True
    for change in ({"trust": trust}, {"give_get": give_get}, {"briefed": briefed}):
        after = {a.node: a.score for a in rank_advocates(graph, me, _signals(graph, **change))}
        assert after[cy] > base[cy], change


def test_potential_advocates_are_strangers_with_reach_and_the_best_introducer() -> None:
    graph = _graph()
    me = int(graph.index_of([1])[0])
    found = potential_advocates(graph, me, _signals(graph))
    assert _names(graph, [p.node for p in found])[:2] == [20, 21]
    xu = found[0]
    assert xu.reaches == 4
    assert int(graph.node_ids[xu.introducer]) == 2  # Ann: 0.9 × 0.9 beats Bo: 0.5 × 0.3
    assert math.isclose(xu.introduction, 0.81, rel_tol=1e-5)
    assert all(int(graph.node_ids[p.node]) not in {1, 2, 3, 4, 5} for p in found)


def test_someone_with_no_ties_has_no_advocates() -> None:
    graph = Graph.from_edges([2], [3], [0.5], node_ids=[1, 2, 3])
    signals = Signals(icp=np.zeros(3, bool), sphere=np.zeros(3), trust=np.full(3, np.nan))
    assert rank_advocates(graph, 0, signals) == []
    assert potential_advocates(graph, 0, signals) == []


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=2**31 - 1), st.integers(min_value=5, max_value=40))
def test_knowing_one_more_ideal_client_never_lowers_a_score(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    a = np.append(rng.integers(0, n, size=4 * n), 0)  # me (node 0) always knows node 1
    b = np.append(rng.integers(0, n, size=4 * n), 1)
    s = np.append(rng.uniform(0.05, 1.0, size=4 * n), 0.5)
    icp = np.append(rng.random(n) < 0.3, True)  # node n: a newcomer, an ideal client
    ids = np.arange(n + 1)
    signals = Signals(icp=icp, sphere=np.zeros(n + 1), trust=np.full(n + 1, np.nan))
    before = {
        x.node: x for x in rank_advocates(Graph.from_edges(a, b, s, node_ids=ids), 0, signals)
    }
    grown = Graph.from_edges(np.append(a, 1), np.append(b, n), np.append(s, 0.9), node_ids=ids)
    after = {x.node: x for x in rank_advocates(grown, 0, signals)}
    assert after[1].reaches == before[1].reaches + 1
    assert after[1].parts["reach"] > before[1].parts["reach"]
    for node, advocate in before.items():
        assert after[node].parts["reach"] >= advocate.parts["reach"] - 1e-9


@settings(max_examples=80, deadline=None)
@given(
    st.integers(min_value=0, max_value=2**31 - 1),
    st.integers(min_value=3, max_value=30),
    st.booleans(),
)
def test_every_advocates_parts_sum_to_its_score_and_so_do_the_parts_shown(
    seed: int, n: int, rated: bool
) -> None:
    rng = np.random.default_rng(seed)
    a = np.append(rng.integers(0, n, size=3 * n), 0)  # me (node 0) knows node 1 at least
    b = np.append(rng.integers(0, n, size=3 * n), 1)
    s = np.append(rng.uniform(0.01, 1.0, size=3 * n), rng.uniform(0.01, 1.0))
    graph = Graph.from_edges(a, b, s, node_ids=np.arange(n))
    signals = Signals(
        icp=rng.random(n) < 0.3,
        sphere=rng.random(n) * (rng.random(n) < 0.5),
        trust=np.where(rng.random(n) < 0.5, rng.random(n), np.nan) if rated else np.full(n, np.nan),
        give_get=rng.random(n),
        briefed=rng.random(n) < 0.3,
    )
    found = [*rank_advocates(graph, 0, signals), *potential_advocates(graph, 0, signals)]
    assert found
    for advocate in found:
        assert advocate.score == round(sum(advocate.parts.values()), 4)
        score, parts = shown(advocate.score, advocate.parts)
        hundredths = [round(float(v) * 100) for v in parts.values()]
        assert sum(hundredths) == round(float(score) * 100)
        assert all(h >= 0 for h in hundredths)
        for name, value in parts.items():  # each shown part is its own value, to the hundredth
            assert abs(float(value) - advocate.parts[name]) < 0.01 + 1e-9


def test_parts_shown_in_hundredths_are_the_largest_remainders() -> None:
    # Rounded one by one they would read 0.13 + 0.13 + 0.05 = 0.31 under a score of 0.30.
    score, parts = shown(0.3, {"a": 0.126, "b": 0.126, "c": 0.048})
    assert score == "0.30"
    assert parts == {"a": "0.13", "b": "0.12", "c": "0.05"}
