"""The path search on graphs shaped like a team space: a few hubs (members) with hundreds of
ties each, contacts known by a few of them. Frontiers there are hundreds of rows and a hub is
reached by many labels at once, the cases the small random networks of test_paths.py do not
reach. Answers are compared with a hop-limited reference computed another way (Bellman-Ford)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from whoknows.core import csr, pathsearch
from whoknows.core.graph import Graph
from whoknows.core.paths import Path, top_paths
from whoknows.teamserver import snapshot


@pytest.fixture(autouse=True, params=["two passes", "at once when small"])
def forward(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test with both forward steps: these graphs are small enough for the one-pass step,
    so the two-pass one (what big frontiers take) is forced too."""
    if request.param == "two passes":
        monkeypatch.setattr(pathsearch, "AT_ONCE", 0)


BANDS = np.array([0.35, 0.62, 0.88])
REL = 1e-9


def assert_valid(
    graph: Graph, found: list[Path], source: int, targets: set[int], hops: int
) -> None:
    for path in found:
        assert (path.nodes[0], path.nodes[-1] in targets) == (source, True)
        assert len(set(path.nodes)) == len(path.nodes) <= hops + 1
        product = math.prod(graph.strength_of(u, v) for u, v in itertools.pairwise(path.nodes))
        assert product > 0
        assert path.strength == pytest.approx(product, rel=REL)
    assert len({p.advocate for p in found}) == len(found), "two paths share a first hop"


def space(seed: int, members: int = 24, contacts: int = 1500) -> tuple[Graph, int]:
    """Members 0..members-1 and contacts after them; every tie has a member at one end."""
    rng = np.random.default_rng(seed)
    a, b = [], []
    for contact in range(members, members + contacts):
        knowers = rng.choice(members, size=int(rng.integers(1, 6)), replace=False)
        a += knowers.tolist()
        b += [contact] * len(knowers)
    for _ in range(members):  # colleagues who know each other
        x, y = rng.choice(members, size=2, replace=False)
        a.append(int(x))
        b.append(int(y))
    strength = BANDS[rng.integers(0, 3, size=len(a))]
    ids = np.arange(members + contacts)
    return Graph.from_edges(np.array(a), np.array(b), strength, ids), members


def reference(graph: Graph, source: int, targets: set[int], hops: int) -> dict[int, float]:
    """Best strength per first hop: its tie times the best walk from it to a target within the
    hops left, never through the source (a walk's loops cut out leave a simple path at least as
    strong with the same first hop, ending at the first target it meets)."""
    owner, nbr, strength = graph.edges_from(np.arange(graph.num_nodes))
    rows = np.repeat(np.arange(graph.num_nodes), graph.degree)
    assert np.array_equal(rows, owner)
    is_target = np.zeros(graph.num_nodes, dtype=bool)
    is_target[list(targets)] = True
    best = is_target.astype(np.float64)
    for _ in range(hops - 1):
        step = np.where(nbr == source, 0.0, strength * best[nbr])
        reached = np.zeros(graph.num_nodes)
        np.maximum.at(reached, rows, step)
        best = np.where(is_target, 1.0, np.maximum(best, reached))
    first, tie = graph.neighbors(source)
    return {int(f): float(s) * best[f] for f, s in zip(first, tie, strict=True) if best[f] > 0}


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("hops", [2, 3, 4])
def test_top_paths_on_a_hub_graph_equal_the_reference(seed: int, hops: int) -> None:
    graph, members = space(seed)
    rng = np.random.default_rng(100 + seed)
    for _ in range(6):
        # From a member to a few contacts (an organization), and from a contact to a member
        # (a person: the snapshot searches from the person back to the asker).
        member = int(rng.integers(0, members))
        contacts = rng.choice(np.arange(members, graph.num_nodes), size=int(rng.integers(1, 12)))
        for source, targets in ((member, set(contacts.tolist())), (int(contacts[0]), {member})):
            for k in (1, 5, 8):
                found = top_paths(graph, source, sorted(targets), max_hops=hops, k=k)
                assert_valid(graph, found, source, targets, hops)
                best = reference(graph, source, targets, hops)
                expected = sorted(best.values(), reverse=True)[:k]
                assert [p.strength for p in found] == pytest.approx(expected, rel=REL)
                for path in found:
                    assert best[path.advocate] == pytest.approx(path.strength, rel=REL)


def test_a_pooled_snapshot_answers_as_the_reference() -> None:
    """Through the team snapshot: key ids, bands and members as a space stores them."""
    graph, members = space(7, members=30, contacts=2500)
    owner, nbr, strength = graph.edges_from(np.arange(members))
    ties = (owner + 1000, nbr + 5000, np.searchsorted(BANDS, strength) + 1)
    pooled = snapshot.build(1, 1, (np.arange(members) + 1000, np.arange(members) + 5000), ties)
    rng = np.random.default_rng(3)
    for _ in range(25):
        asker = int(rng.integers(0, members))
        wanted = pooled.nodes_of_keys(rng.integers(5000 + members, 5000 + 2500, size=3))
        me = pooled.node_of_account(asker + 1000)
        assert me is not None
        for targets in (wanted[:1], wanted):
            found = pooled.paths(asker + 1000, targets, k=5)
            if len(targets) == 1:  # searched from the person: first hops are who knows them
                back = reference(pooled.graph, int(targets[0]), {me}, snapshot.MAX_HOPS)
                expected = sorted(back.values(), reverse=True)[:5]
            else:  # one per colleague who knows one of them: from each of those back
                best: dict[int, float] = {}
                for target in targets.tolist():
                    back = reference(pooled.graph, target, {me}, snapshot.MAX_HOPS)
                    for colleague, strength in back.items():
                        if pooled.account_at(colleague) is not None and colleague != me:
                            best[colleague] = max(best.get(colleague, 0.0), strength)
                expected = sorted(best.values(), reverse=True)[:5]
            assert [p.strength for p in found] == pytest.approx(expected, rel=REL)


def test_rows_read_each_row_once_and_number_entries_as_edges_from() -> None:
    graph, _ = space(2)
    for rows in (np.array([3, 3, 0, 3, 7]), np.arange(0, 200, 2), np.repeat(np.arange(80), 2)):
        ties = csr.Rows(graph.indptr, rows)
        owner, nbr, _ = graph.edges_from(rows)
        assert np.array_equal(ties.gather(graph.indices), nbr)
        mask = np.zeros(graph.num_nodes, dtype=bool)
        mask[::3] = True
        found, row = ties.where(graph.indices, mask)
        assert np.array_equal(found, np.flatnonzero(mask[nbr]))
        assert np.array_equal(row, owner[found])
        some = np.array([0, 2, 3])
        assert np.array_equal(ties.of(some), np.flatnonzero(np.isin(owner, some)))


def test_one_per_node_keeps_the_first_via_either_way() -> None:
    rng = np.random.default_rng(4)
    node = rng.integers(0, 50, size=2000)
    via = np.arange(2000, dtype=np.int64)
    sorted_way = csr.one_per_node(node, via)
    dense_way = csr.one_per_node(node, via, 50)
    assert np.array_equal(sorted_way[0], dense_way[0])
    assert np.array_equal(sorted_way[1], dense_way[1])
