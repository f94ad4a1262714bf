"""The graph snapshot: building from ties, the CSR invariants, the id mapping, serialization."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whoknows.core.graph import FORMAT_VERSION, Graph, GraphBuilder

FAST = settings(max_examples=150, deadline=None)

ties = st.lists(
    st.tuples(
        st.integers(0, 12),
        st.integers(0, 12),
        st.sampled_from([0.1, 0.25, 0.5, 0.75, 1.0]) | st.floats(0.01, 1.0),
    ),
    max_size=60,
)


def build(edges: list[tuple[int, int, float]], **kwargs: object) -> Graph:
    a, b, s = zip(*edges, strict=True) if edges else ((), (), ())
    return Graph.from_edges(np.array(a, dtype=np.int64), np.array(b, dtype=np.int64), s, **kwargs)  # type: ignore[arg-type]


def as_dict(graph: Graph) -> dict[tuple[int, int], float]:
    """Every stored entry keyed by person ids: (row person, column person) -> strength."""
    out = {}
    for row in range(graph.num_nodes):
        nbrs, strengths = graph.neighbors(row)
        for col, s in zip(nbrs, strengths, strict=True):
            out[int(graph.node_ids[row]), int(graph.node_ids[col])] = float(s)
    return out


def reference(edges: list[tuple[int, int, float]]) -> dict[tuple[int, int], float]:
    """The same ties the slow way: both directions, no self-ties, the strongest duplicate."""
    out: dict[tuple[int, int], float] = {}
    for a, b, s in edges:
        if a != b:
            s32 = float(np.float32(s))
            for key in ((a, b), (b, a)):
                out[key] = max(out.get(key, 0.0), s32)
    return out


@FAST
@given(ties)
def test_graph_holds_exactly_the_ties_given_in_both_directions(
    edges: list[tuple[int, int, float]],
) -> None:
    graph = build(edges)
    assert as_dict(graph) == reference(edges)
    assert graph.num_ties * 2 == len(graph.indices)


@FAST
@given(ties)
def test_rows_are_sorted_without_self_ties_and_derived_arrays_agree(
    edges: list[tuple[int, int, float]],
) -> None:
    graph = build(edges)
    assert graph.indptr.dtype == np.int64
    assert graph.indices.dtype == np.int32
    assert graph.strength.dtype == np.float32
    for row in range(graph.num_nodes):
        nbrs, strengths = graph.neighbors(row)
        assert np.all(np.diff(nbrs) > 0)
        assert row not in nbrs
        assert graph.degree[row] == len(nbrs)
        assert graph.max_strength[row] == (strengths.max() if len(nbrs) else 0)


def test_duplicate_ties_keep_the_strongest_whatever_their_direction() -> None:
    graph = build([(1, 2, 0.3), (2, 1, 0.8), (1, 2, 0.5)])
    one, two = graph.index_of([1, 2])
    assert graph.strength_of(one, two) == pytest.approx(0.8)
    assert graph.strength_of(two, one) == pytest.approx(0.8)
    assert graph.num_ties == 1


def test_self_ties_are_dropped() -> None:
    graph = build([(1, 1, 0.9), (1, 2, 0.4)])
    assert graph.num_ties == 1
    assert as_dict(graph) == {(1, 2): pytest.approx(0.4), (2, 1): pytest.approx(0.4)}


def test_strength_of_people_without_a_tie_is_zero() -> None:
    graph = build([(1, 2, 0.4), (2, 3, 0.4)])
    one, three = graph.index_of([1, 3])
    assert graph.strength_of(one, three) == 0.0


@pytest.mark.parametrize("bad", [0.0, -0.1, 1.5, float("nan")])
def test_strengths_outside_zero_to_one_are_rejected(bad: float) -> None:
    with pytest.raises(ValueError, match="strengths"):
        build([(1, 2, 0.5), (2, 3, bad)])


def test_tie_arrays_of_different_lengths_are_rejected() -> None:
    with pytest.raises(ValueError, match="length"):
        Graph.from_edges([1, 2], [2], [0.5, 0.5])


def test_index_of_maps_person_ids_to_rows_and_node_ids_maps_back() -> None:
    ids = [10_000_000_000, 7, 42, 99, 3]
    graph = build([(7, 42, 0.5), (99, 3, 0.5), (10_000_000_000, 7, 0.2)])
    rows = graph.index_of(ids)
    assert graph.node_ids[rows].tolist() == ids
    assert sorted(rows.tolist()) == list(range(5))
    assert np.all(np.diff(graph.node_ids) > 0)


def test_unknown_person_ids_raise_or_give_minus_one() -> None:
    graph = build([(1, 2, 0.5)])
    with pytest.raises(KeyError, match="5"):
        graph.index_of([1, 5])
    assert graph.index_of([1, 5, 0, 2], strict=False).tolist() == [0, -1, -1, 1]


def test_node_ids_add_people_who_have_no_tie_yet() -> None:
    graph = build([(1, 2, 0.5)], node_ids=[1, 2, 3, 4])
    assert graph.num_nodes == 4
    assert graph.degree[graph.index_of([3, 4])].tolist() == [0, 0]


def test_a_tie_naming_someone_outside_node_ids_is_rejected() -> None:
    with pytest.raises(ValueError, match="node_ids"):
        build([(1, 2, 0.5), (2, 9, 0.5)], node_ids=[1, 2, 3])
    with pytest.raises(ValueError, match="node_ids"):
        build([(1, 2, 0.5), (2, 10**15, 0.5)], node_ids=[1, 2, 3])


@FAST
@given(ties, st.integers(1, 5))
def test_widely_spread_ids_build_the_same_graph_as_dense_ones(
    edges: list[tuple[int, int, float]], scale_exp: int
) -> None:
    # Ids spread over a huge range take the sorting path instead of the lookup table.
    scale = 10**scale_exp * 1_000_003
    dense, spread = build(edges), build([(a * scale, b * scale, s) for a, b, s in edges])
    assert np.array_equal(dense.indptr, spread.indptr)
    assert np.array_equal(dense.indices, spread.indices)
    assert np.array_equal(dense.strength, spread.strength)
    assert np.array_equal(dense.node_ids * scale, spread.node_ids)


@FAST
@given(ties, st.integers(1, 7))
def test_streaming_chunks_build_the_same_graph_as_one_batch(
    edges: list[tuple[int, int, float]], size: int
) -> None:
    arrays = [np.array([e[i] for e in edges]) for i in range(3)]
    chunks = [tuple(x[i : i + size] for x in arrays) for i in range(0, len(edges), size)]
    builder = GraphBuilder()
    for a, b, strength in chunks:
        builder.add(a, b, strength)
    streamed = builder.build()
    whole = build(edges)
    assert np.array_equal(streamed.indptr, whole.indptr)
    assert np.array_equal(streamed.indices, whole.indices)
    assert np.array_equal(streamed.strength, whole.strength)
    assert np.array_equal(streamed.node_ids, whole.node_ids)


def test_builder_with_nothing_added_gives_an_empty_graph() -> None:
    graph = GraphBuilder().build()
    assert (graph.num_nodes, graph.num_ties) == (0, 0)
    assert graph.indptr.tolist() == [0]


@FAST
@given(ties)
def test_arrays_round_trip_through_npz_gives_the_same_graph(
    edges: list[tuple[int, int, float]],
) -> None:
    graph = build(edges)
    buffer = io.BytesIO()
    np.savez(buffer, **graph.to_arrays())  # type: ignore[arg-type]
    buffer.seek(0)
    with np.load(buffer) as saved:
        again = Graph.from_arrays(saved)
    assert as_dict(again) == as_dict(graph)
    assert np.array_equal(again.node_ids, graph.node_ids)
    assert np.array_equal(again.max_strength, graph.max_strength)


def _arrays(**changes: object) -> dict[str, object]:
    arrays: dict[str, object] = dict(build([(1, 2, 0.5), (2, 3, 0.7)]).to_arrays())
    arrays.update(changes)
    return arrays


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"format": np.array(FORMAT_VERSION + 1)}, "format"),
        ({"indptr": np.array([0, 3, 1, 4])}, "decrease"),
        ({"indptr": np.array([0, 1, 3])}, "indptr"),
        ({"indices": np.array([1, 0, 2, 7])}, "indices"),
        ({"strength": np.array([0.5, 0.5, 0.7, 1.2], dtype=np.float32)}, "strengths"),
        ({"node_ids": np.array([1, 3, 2])}, "increasing"),
    ],
)
def test_malformed_arrays_are_rejected(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Graph.from_arrays(_arrays(**changes))  # type: ignore[arg-type]


def test_graph_arrays_cannot_be_written_through() -> None:
    source = np.array([0, 1, 2], dtype=np.int64)
    graph = Graph(source, np.array([1, 0], dtype=np.int32), np.ones(2, np.float32), source[:2])
    with pytest.raises(ValueError, match="read-only"):
        graph.strength[0] = 0.5
    source[0] = 0  # the caller's own array stays writable
    assert source.flags.writeable


def test_edges_from_lists_every_tie_of_the_given_nodes_with_its_owner() -> None:
    graph = build([(1, 2, 0.5), (1, 3, 0.6), (2, 3, 0.7), (3, 4, 0.8)])
    rows = graph.index_of([3, 1])
    owner, nbr, strength = graph.edges_from(rows)
    got = sorted(
        (int(graph.node_ids[rows[o]]), int(graph.node_ids[n]), round(float(s), 3))
        for o, n, s in zip(owner, nbr, strength, strict=True)
    )
    assert got == [(1, 2, 0.5), (1, 3, 0.6), (3, 1, 0.6), (3, 2, 0.7), (3, 4, 0.8)]


def test_graph_describes_itself_by_size() -> None:
    assert repr(build([(1, 2, 0.5), (2, 3, 0.7)])) == "Graph(nodes=3, ties=2)"


changes = st.fixed_dictionaries(
    {
        "gone": st.sets(st.integers(0, 12), max_size=4),
        "new": st.sets(st.integers(13, 16), max_size=3),
        "drop": st.lists(st.tuples(st.integers(0, 16), st.integers(0, 16)), max_size=8),
        "put": st.lists(
            st.tuples(st.integers(0, 16), st.integers(0, 16), st.floats(0.01, 1.0)), max_size=8
        ),
    }
)


@FAST
@given(ties, changes)
def test_a_patched_graph_equals_the_graph_built_from_the_changed_ties(
    edges: list[tuple[int, int, float]], change: dict[str, Any]
) -> None:
    graph = build(edges, node_ids=np.arange(13))
    nodes = (set(range(13)) - change["gone"]) | change["new"]
    put = [(a, b, s) for a, b, s in change["put"] if a in nodes and b in nodes]
    expected = {
        (a, b): s32
        for (a, b), s32 in reference(edges).items()
        if a in nodes
        and b in nodes
        and (a, b) not in {*change["drop"], *((b_, a_) for a_, b_ in change["drop"])}
        and (a, b) not in {p[:2] for p in put} | {(p[1], p[0]) for p in put}
    }
    expected.update(reference(put))
    a, b, s = zip(*put, strict=True) if put else ((), (), ())
    drop_a, drop_b = zip(*change["drop"], strict=True) if change["drop"] else ((), ())
    patched = graph.patched(sorted(nodes), drop=(drop_a, drop_b), put=(a, b, s))
    assert as_dict(patched) == expected
    assert patched.node_ids.tolist() == sorted(nodes)
    patched.check()
    again = build([(a_, b_, s_) for (a_, b_), s_ in expected.items()], node_ids=sorted(nodes))
    assert np.array_equal(patched.max_strength, again.max_strength)
    assert np.array_equal(patched.indptr, again.indptr)


@FAST
@given(ties, changes)
def test_columns_carried_through_a_build_and_a_patch_stay_beside_their_entries(
    edges: list[tuple[int, int, float]], change: dict[str, Any]
) -> None:
    """A column holding each tie's strength (and one holding its double) is still, entry by
    entry, the strength after the ties are built and patched: nothing moved apart."""
    a, b, s = zip(*edges, strict=True) if edges else ((), (), ())
    builder = GraphBuilder(np.arange(13))
    builder.add(a, b, s, (np.asarray(s, np.float32), 2 * np.asarray(s, np.float32)))
    graph, columns = builder.build_columns()
    assert np.array_equal(columns[0], graph.strength)
    assert np.array_equal(columns[1], 2 * graph.strength)
    nodes = (set(range(13)) - change["gone"]) | change["new"]
    put = [(x, y, v) for x, y, v in change["put"] if x in nodes and y in nodes]
    pa, pb, ps = zip(*put, strict=True) if put else ((), (), ())
    drop_a, drop_b = zip(*change["drop"], strict=True) if change["drop"] else ((), ())
    values = np.asarray(ps, np.float32)
    patched, moved = graph.patched_columns(
        sorted(nodes),
        drop=(drop_a, drop_b),
        put=(pa, pb, ps),
        columns=tuple(columns),
        put_columns=(values, 2 * values),
    )
    assert np.array_equal(moved[0], patched.strength)
    assert np.array_equal(moved[1], 2 * patched.strength)


def test_a_column_whose_values_do_not_change_stays_the_same_array() -> None:
    builder = GraphBuilder([1, 2, 3])
    builder.add([1, 2], [2, 3], [0.5, 0.7], (np.array([5.0, 7.0]),))
    graph, (column,) = builder.build_columns()
    same, (kept,) = graph.patched_columns(
        graph.node_ids, put=([1], [2], [0.9]), columns=(column,), put_columns=([5.0],)
    )
    assert kept is column
    assert as_dict(same)[1, 2] == pytest.approx(0.9)
    _, (changed,) = graph.patched_columns(
        graph.node_ids, put=([1], [2], [0.9]), columns=(column,), put_columns=([6.0],)
    )
    assert changed is not column
    assert sorted(changed.tolist()) == [6.0, 6.0, 7.0, 7.0]


def test_putting_the_same_strengths_again_copies_no_array() -> None:
    """The daily update re-puts my ties: arrays whose entries do not change stay the arrays
    read from the snapshot's files (tens of millions of entries at 1M people: not copied)."""
    builder = GraphBuilder([1, 2, 3])
    builder.add([1, 2], [2, 3], [0.5, 0.75], (np.array([5.0, np.nan], np.float32),))
    graph, (column,) = builder.build_columns()
    again, (kept,) = graph.patched_columns(
        graph.node_ids,
        put=([2, 2, 1], [1, 3, 2], [0.5, 0.75, 0.25]),  # a duplicate: the highest counts
        columns=(column,),
        put_columns=([5.0, np.nan, 4.0],),
    )
    assert np.shares_memory(again.strength, graph.strength)
    assert kept is column
    stronger, (still,) = graph.patched_columns(
        graph.node_ids, put=([3], [2], [0.8]), columns=(column,), put_columns=([np.nan],)
    )
    assert not np.shares_memory(stronger.strength, graph.strength)
    assert as_dict(stronger)[2, 3] == pytest.approx(0.8)
    assert as_dict(graph)[2, 3] == pytest.approx(0.75)  # the original is left as it was
    assert still is column


def test_patching_only_strengths_keeps_the_structure_and_the_original() -> None:
    graph = build([(1, 2, 0.5), (2, 3, 0.7), (1, 3, 0.2)])
    patched = graph.patched(graph.node_ids, put=([1, 3], [2, 2], [0.9, 0.1]))
    assert np.shares_memory(patched.indices, graph.indices)
    assert as_dict(patched)[1, 2] == pytest.approx(0.9)
    assert as_dict(patched)[3, 2] == pytest.approx(0.1)
    assert as_dict(graph)[1, 2] == pytest.approx(0.5)


def test_a_patch_naming_someone_outside_the_nodes_is_rejected() -> None:
    graph = build([(1, 2, 0.5)])
    with pytest.raises(ValueError, match="node_ids"):
        graph.patched([1, 2], put=([1], [9], [0.5]))


@pytest.mark.parametrize(
    ("indices", "message"),
    [([1, 1, 0, 0], "strictly increasing"), ([2, 1, 0, 0], "strictly increasing")],
)
def test_check_finds_rows_out_of_order(indices: list[int], message: str) -> None:
    graph = Graph(
        np.array([0, 2, 3, 4]), np.array(indices), np.full(4, 0.5, np.float32), np.arange(3)
    )
    with pytest.raises(ValueError, match=message):
        graph.check()
    with pytest.raises(ValueError, match=message):
        graph.check(rows=[0])
    graph.check(rows=[1, 2])  # those rows are fine


def test_remap_and_row_entries_against_plain_loops() -> None:
    from whoknows.core import csr

    old, new = np.array([2, 4, 6, 8]), np.array([1, 4, 8, 9])
    stays, moved, back = csr.remap(old, new)
    assert stays.tolist() == [False, True, False, True]
    assert moved.tolist() == [-1, 1, -1, 2]
    assert back.tolist() == [-1, 1, 3, -1]
    indptr, degree = np.array([0, 2, 2, 5, 6]), np.array([2, 0, 3, 1])
    rows = np.array([3, 0, 2])
    expected = [p for r in rows for p in range(indptr[r], indptr[r] + degree[r])]
    assert csr.row_entries(indptr, degree, rows).tolist() == expected
