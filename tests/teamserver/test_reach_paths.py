"""The pooled graph and its paths, on arrays: against the raw ties and a brute-force search."""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from whoknows.teamserver import between, snapshot
from whoknows.teamserver.snapshot import BAND_STRENGTH, BANDS

Raw = dict[tuple[int, int], int]
Near = dict[int, dict[int, float]]


def _pooled(
    seed: int, members: int = 6, contacts: int = 25, ties: int = 40
) -> tuple[snapshot.Pooled, dict[int, int], Raw]:
    rng = random.Random(seed)
    member_keys = rng.sample(range(1, 1000), members)
    contact_keys = rng.sample(range(1000, 2000), contacts)
    accounts = list(range(100, 100 + members))
    raw: Raw = {}
    for _ in range(ties):
        account = rng.choice(accounts)
        # now and then a member knows another member: that contact is the member's node
        key = rng.choice(member_keys) if rng.random() < 0.15 else rng.choice(contact_keys)
        raw[(account, key)] = rng.randint(1, 3)
    tie_accounts = [a for a, _ in raw]
    tie_keys = [k for _, k in raw]
    codes = list(raw.values())
    pooled = snapshot.build(1, 7, (accounts, member_keys), (tie_accounts, tie_keys, codes))
    return pooled, dict(zip(accounts, member_keys, strict=True)), raw


def _adjacency(members: dict[int, int], raw: Raw) -> Near:
    near: Near = {}
    for (account, key), code in raw.items():
        a = members[account]
        if a == key:
            continue
        s = BAND_STRENGTH[BANDS[code - 1]]
        for x, y in ((a, key), (key, a)):
            near.setdefault(x, {})
            near[x][y] = max(near[x].get(y, 0.0), float(np.float32(s)))
    return near


def _brute_force(
    near: Near,
    source: int,
    targets: set[int],
    max_hops: int = 4,
    at: int = 1,
    through: set[int] | None = None,
) -> dict[int, float]:
    """Best strength per hop number AT (1: the first hop, -2: the one before the target) over
    every simple path that ends at its first target; with THROUGH, over every simple path to
    a target whose hop AT is one of THROUGH (other targets on the way allowed)."""
    best: dict[int, float] = {}

    def walk(node: int, seen: list[int], strength: float) -> None:
        if len(seen) > 1 and node in targets:
            first = seen[at]
            if through is None or first in through:
                best[first] = max(best.get(first, 0.0), strength)
            if through is None:
                return
        if len(seen) - 1 == max_hops:
            return
        for nxt, s in near.get(node, {}).items():
            if nxt not in seen:
                walk(nxt, [*seen, nxt], strength * s)

    walk(source, [source], 1.0)
    return best


@pytest.mark.parametrize("seed", range(12))
def test_paths_are_the_strongest_per_first_hop_like_a_brute_force_search(seed: int) -> None:
    pooled, members, raw = _pooled(seed)
    near = _adjacency(members, raw)
    rng = random.Random(seed)
    contact_keys = sorted({k for _, k in raw} - set(members.values()))
    for account, own_key in members.items():
        wanted = set(rng.sample(contact_keys, rng.choice([1, 3]))) - {own_key}
        nodes = pooled.nodes_of_keys(sorted(wanted))
        chains = pooled.paths(account, nodes, k=50)
        # To one person the paths are one per person who knows them (the hop before the end);
        # to several, one per colleague who knows one of them (the asker's own ties aside).
        if len(nodes) == 1:
            expected = _brute_force(near, own_key, wanted, at=-2)
        else:
            colleagues = set(members.values()) - {own_key}
            expected = _brute_force(near, own_key, wanted, at=-2, through=colleagues)
        got = {pooled.key_id_at(c.nodes[-2]): c.strength for c in chains}
        assert got.keys() == expected.keys()
        for first, strength in expected.items():
            assert got[first] == pytest.approx(strength, rel=1e-5)
        for chain in chains:
            ids = [pooled.key_id_at(n) for n in chain.nodes]
            assert ids[0] == own_key
            assert ids[-1] in wanted
            assert chain.hops <= 4
            for a, b in itertools.pairwise(ids):
                assert b in near[a]  # every hop is a tie somebody shared


@pytest.mark.parametrize("seed", range(6))
def test_the_joins_between_members_are_every_node_two_members_know(seed: int) -> None:
    pooled, members, raw = _pooled(seed, members=8, contacts=30, ties=90)
    near = _adjacency(members, raw)
    table = pooled.table
    for i, a in enumerate(table.members):
        for j, b in enumerate(table.members):
            ka, kb = pooled.key_id_at(int(a)), pooled.key_id_at(int(b))
            expected = np.zeros(len(between.LEVELS), dtype=np.int64)
            for middle in set(near.get(ka, {})) & set(near.get(kb, {})) if i != j else ():
                product = near[ka][middle] * near[middle][kb]
                expected[int(np.argmin(abs(between.LEVELS - product)))] += 1
            assert table.counts[i, j].tolist() == expected.tolist()
            assert table.direct[i, j] == pytest.approx(near.get(ka, {}).get(kb, 0.0))


@pytest.mark.parametrize("seed", range(4))
def test_a_space_too_big_for_a_table_answers_with_cores_search(
    seed: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(between, "MEMBERS_IN_TABLE", 2)
    pooled, members, raw = _pooled(seed)
    assert pooled.table is None
    again = snapshot.load(snapshot.save(pooled, tmp_path).parent, 1, 7)
    assert again is not None
    assert again.table is None
    near = _adjacency(members, raw)
    rng = random.Random(seed)
    contact_keys = sorted({k for _, k in raw} - set(members.values()))
    for account, own_key in members.items():
        wanted = set(rng.sample(contact_keys, rng.choice([1, 3])))
        chains = again.paths(account, again.nodes_of_keys(sorted(wanted)), k=50)
        # core's search: to one person one path per person who knows them; to several, one
        # per first hop (reach.search then keeps one per colleague)
        at = -2 if len(wanted) == 1 else 1
        expected = _brute_force(near, own_key, wanted, at=at)
        got = {again.key_id_at(c.nodes[at]): c.strength for c in chains}
        assert got == pytest.approx(expected, rel=1e-5)


def test_members_and_their_nodes() -> None:
    pooled, members, _raw = _pooled(3)
    for account, key in members.items():
        node = pooled.node_of_account(account)
        assert node is not None
        assert pooled.key_id_at(node) == key
        assert pooled.account_at(node) == account
    assert pooled.node_of_account(99) is None


def test_ties_of_someone_not_a_member_count_for_nothing() -> None:
    pooled = snapshot.build(1, 1, ([1, 2], [10, 20]), ([1, 3, 2], [500, 501, 500], [3, 3, 1]))
    assert pooled.nodes_of_keys([501]).size == 0  # account 3 is not (or no longer) a member
    [chain] = pooled.paths(1, pooled.nodes_of_keys([20]))
    assert [pooled.key_id_at(n) for n in chain.nodes] == [10, 500, 20]


def test_a_saved_snapshot_loads_the_same(tmp_path: Path) -> None:
    pooled, members, _raw = _pooled(5)
    where = snapshot.save(pooled, tmp_path)
    assert where.name == "space-1-v7"
    again = snapshot.load(tmp_path, 1, 7)
    assert again is not None
    for name in ("indptr", "indices", "strength", "node_ids"):
        assert np.array_equal(getattr(again.graph, name), getattr(pooled.graph, name))
    assert snapshot.load(tmp_path, 1, 8) is None
    account = next(iter(members))
    targets = np.arange(again.graph.num_nodes)
    assert [c.nodes for c in again.paths(account, targets)] == [
        c.nodes for c in pooled.paths(account, targets)
    ]


def test_key_ids_match_the_sql_expression_text() -> None:
    key = "abcdef0123456789" + "0" * 48
    assert snapshot.key_id(key) == int("abcdef012345678", 16)
    assert "left(sc.key, 15)" in snapshot.key_id_sql("sc.key")
    with pytest.raises(ValueError, match="hexadecimal"):
        snapshot.key_id("xyz")


def _edges(pooled: snapshot.Pooled) -> set[tuple[int, int, float]]:
    g = pooled.graph
    owner = np.repeat(np.arange(g.num_nodes), g.degree)
    return {
        (int(g.node_ids[a]), int(g.node_ids[b]), round(float(s), 5))
        for a, b, s in zip(owner, g.indices, g.strength, strict=True)
    }


@pytest.mark.parametrize("seed", range(8))
def test_a_patched_snapshot_has_the_ties_of_a_full_build(seed: int) -> None:
    rng = random.Random(seed)
    pooled, members, raw = _pooled(seed)
    accounts = list(members)
    # One member pushes other ties, one leaves, one joins knowing a member and a contact.
    changer, leaver = rng.sample(accounts, 2)
    raw = {(a, k): c for (a, k), c in raw.items() if a not in (changer, leaver)}
    contacts = sorted({k for _, k in raw} - set(members.values())) or [1500]
    for key in [*rng.sample(contacts, min(4, len(contacts))), members[accounts[0]]]:
        raw[(changer, key)] = rng.randint(1, 3)
    now = {a: k for a, k in members.items() if a != leaver} | {999: 5000}
    raw[(999, members[changer])] = 3
    raw[(999, 1999)] = 2
    ties = (
        [a for a, _ in raw],
        [k for _, k in raw],
        list(raw.values()),
    )
    member_arrays = (list(now), list(now.values()))
    full = snapshot.build(1, 8, member_arrays, ties)
    changed = [changer, leaver, 999]
    keys = {members[changer], members[leaver], 5000}
    touching = [i for i, (a, k) in enumerate(raw) if a in changed or k in keys]
    some = tuple([column[i] for i in touching] for column in ties)
    patched = snapshot.patched(pooled, 8, member_arrays, {}, changed, some)
    assert _edges(patched) == _edges(full)
    # The joins between members, counted again only where a changed member is, equal a count
    # of every join of the full build.
    assert np.array_equal(patched.table.members, patched.account_nodes)
    assert np.array_equal(patched.table.counts, full.table.counts)
    assert np.array_equal(patched.table.direct, full.table.direct)
    for account in now:
        node = patched.node_of_account(account)
        assert node is not None
        assert patched.account_at(node) == account
    assert patched.node_of_account(leaver) is None


def test_the_same_question_on_the_same_snapshot_is_searched_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pooled, members, _raw = _pooled(4)
    account = next(iter(members))
    targets = np.arange(pooled.graph.num_nodes)
    searches = []
    real = snapshot.Pooled._paths

    def counted(*args: Any, **kwargs: Any) -> Any:
        searches.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(snapshot.Pooled, "_paths", counted)
    first = pooled.paths(account, targets)
    again = pooled.paths(account, targets)
    assert first
    assert [c.nodes for c in again] == [c.nodes for c in first]
    assert len(searches) == 1
    pooled.paths(account, targets, k=2)  # another question: searched
    other = next(a for a in members if a != account)
    pooled.paths(other, targets)
    assert len(searches) == 3
    monkeypatch.setattr(snapshot, "SEARCHES_KEPT", 2)
    pooled.paths(account, targets[:5])  # past the bound, the oldest answer goes
    assert len(pooled.searched) == 2
