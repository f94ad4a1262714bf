"""The pooled graph of one space as a CSR snapshot, kept on disk per (space, graph version).

Nodes are people merged by key: every member (the key of their account email) and every
contact a member shares. Each shared contact is a tie between its member and the contact,
weighted by the member's band; a contact who is a member is that member's node, so two
members who know each other are joined. Paths run on it with core's search (core/paths.py),
never a second path finder.

A node's id is its key's first 60 bits (15 hex digits) as an integer, so a snapshot is built
from three integer columns a database can stream in binary, and a key from a request finds
its node without a table of strings. Two keys of one space sharing 60 bits would merge (at a
million keys, a chance of about 1 in 2,000,000); the keys are HMACs, so nobody can aim at it.

On disk a snapshot is a folder ``space-<id>-v<version>`` of ``.npy`` files, written under a
temporary name and renamed whole, then memory-mapped by every worker: the pages are shared
between the worker processes, and a worker that loads a snapshot reads only what it touches.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from whoknows.core import csr
from whoknows.core.graph import Graph
from whoknows.core.paths import Path as Chain
from whoknows.core.paths import top_paths
from whoknows.teamserver import between as joins
from whoknows.teamserver.between import Between, top_to

BANDS = ("weak", "good", "strong")
"""The bands in order; a band's code (as streamed from the database) is its position + 1."""
BAND_STRENGTH = {"weak": 0.35, "good": 0.62, "strong": 0.88}
"""A band as a tie strength for paths: inside core.tiestrength's range for that band."""
KEY_ID_DIGITS = 15
MAX_HOPS = 4
DEFAULT_PATHS = 5
_FORMAT = 2  # 2: with the table of joins between members
SEARCHES_KEPT = 4096  # per snapshot held: a few megabytes of paths at most
_ARRAYS = (
    "indptr",
    "indices",
    "strength",
    "node_ids",
    "accounts",
    "account_nodes",
    "pushes",
    "max_strength",
)
_TABLE = ("between_direct", "between_counts")  # none in a space too big for the table
_STALE_SECONDS = 300  # an older version's folder is removed this long after a newer one exists


def key_id(key: str) -> int:
    """A key's node id: its first 60 bits. ValueError when the key is not hexadecimal."""
    if len(key) < KEY_ID_DIGITS:
        raise ValueError("a key has 64 hexadecimal digits")
    return int(key[:KEY_ID_DIGITS], 16)


def key_id_sql(column: str) -> str:
    """The same number computed by PostgreSQL from a key column."""
    return f"('x' || left({column}, {KEY_ID_DIGITS}))::bit({4 * KEY_ID_DIGITS})::bigint"


@dataclass(frozen=True, eq=False)
class Pooled:
    """One space's pooled graph at one version, and which of its nodes are members."""

    space_id: int
    version: int
    graph: Graph
    accounts: npt.NDArray[np.int64]
    """The members' account ids, in the order of ``account_nodes`` (increasing node)."""
    account_nodes: npt.NDArray[np.int64]
    pushes: npt.NDArray[np.int64] | None = None
    """Each member's push version (member_push) when built, beside ``accounts``: a refresh
    re-reads only the members whose version moved (`patched`)."""
    searched: dict[tuple[int, bytes, int], list[Chain]] = field(
        default_factory=dict, repr=False, compare=False
    )
    """Answers of `paths` on this snapshot (a pure function of it and the question), the
    newest SEARCHES_KEPT: the same question again at the same version is not searched again."""
    between: Between | None = field(default=None, repr=False, compare=False)
    """The joins between members (teamserver/between.py); counted when first needed if the
    snapshot was made without it."""

    @property
    def table(self) -> Between | None:
        """The joins between members; None in a space of more members than a table holds
        (between.MEMBERS_IN_TABLE), whose paths take core's search."""
        if self.between is None:
            object.__setattr__(self, "between", _table(self.graph, self.account_nodes))
        return self.between

    def node_of_account(self, account_id: int) -> int | None:
        at = np.flatnonzero(self.accounts == account_id)
        return int(self.account_nodes[at[0]]) if len(at) else None

    def account_at(self, node: int) -> int | None:
        """The member whose node this is, or None for a contact who is not a member."""
        at = int(np.searchsorted(self.account_nodes, node))
        if at < len(self.account_nodes) and int(self.account_nodes[at]) == node:
            return int(self.accounts[at])
        return None

    def nodes_of_keys(self, key_ids: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Dense nodes of key ids; keys not in the graph are left out."""
        found = self.graph.index_of(np.asarray(key_ids, dtype=np.int64).ravel(), strict=False)
        return np.unique(found[found >= 0])

    def key_id_at(self, node: int) -> int:
        return int(self.graph.node_ids[node])

    def paths(
        self, account_id: int, targets: npt.ArrayLike, *, k: int = DEFAULT_PATHS
    ) -> list[Chain]:
        """The strongest paths of at most four hops from a member to any of the target nodes
        (core.paths.top_paths); none when the member has no node.

        To one target the search runs from the target back to the member, and each path is
        turned round: its distinct first hops are then the people who know the target, so the
        k paths come through k different colleagues, and the search starts from a node with a
        few ties rather than from the member's thousands. To several, it runs from the member,
        one path per first hop.
        """
        wanted = np.asarray(targets, dtype=np.int64).ravel()
        asked = (account_id, wanted.tobytes(), k)
        found = self.searched.get(asked)
        if found is None:
            found = self._paths(account_id, wanted, k)
            while len(self.searched) >= SEARCHES_KEPT:  # the oldest go (another thread's too)
                with contextlib.suppress(RuntimeError, StopIteration):
                    self.searched.pop(next(iter(self.searched)), None)
            self.searched[asked] = found
        return list(found)

    def _paths(self, account_id: int, wanted: npt.NDArray[np.int64], k: int) -> list[Chain]:
        source = self.node_of_account(account_id)
        wanted = wanted[wanted != source] if source is not None else wanted
        if source is None or not len(wanted):
            return []
        table = self.table
        if len(wanted) == 1 and (table is None or self.account_at(int(wanted[0])) is not None):
            # A member (their neighbours are contacts as well as members, which the table of
            # joins does not cover), or no table: the general search, from them back.
            back = top_paths(self.graph, int(wanted[0]), np.array([source]), max_hops=MAX_HOPS, k=k)
            return [Chain(tuple(reversed(c.nodes)), c.strength) for c in back]
        if table is None:  # one path per first hop; reach.search keeps one per colleague
            return top_paths(self.graph, source, wanted, max_hops=MAX_HOPS, k=k)
        # Contacts: each is one hop from the members who know them; from each of those
        # members the way back to the asker is read off the table of joins.
        owner, neighbour, strength = self.graph.edges_from(wanted)
        member = np.searchsorted(table.members, neighbour)
        member = np.minimum(member, max(len(table.members) - 1, 0))
        known = table.members[member] == neighbour if len(table.members) else member < 0
        ends = [
            (int(i), int(t), float(w))
            for i, t, w in zip(member[known], wanted[owner[known]], strength[known], strict=True)
            if len(wanted) == 1 or int(table.members[i]) != source
        ]
        return top_to(self.graph, table, source, ends, k)


def build(
    space_id: int,
    version: int,
    members: tuple[npt.ArrayLike, npt.ArrayLike],
    ties: tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike],
    pushes: dict[int, int] | None = None,
) -> Pooled:
    """The pooled graph from arrays: ``members`` = (account ids, key ids of their emails),
    ``ties`` = (account id, contact key id, band code 1..3) for each shared contact.

    Ties of accounts that are not among ``members`` (a member who left) are ignored.
    """
    member_accounts = np.asarray(members[0], dtype=np.int64).ravel()
    member_keys = np.asarray(members[1], dtype=np.int64).ravel()
    tie_accounts = np.asarray(ties[0], dtype=np.int64).ravel()
    tie_keys = np.asarray(ties[1], dtype=np.int64).ravel()
    codes = np.asarray(ties[2], dtype=np.int64).ravel()
    if len(member_accounts) != len(member_keys):
        raise ValueError("members: as many keys as accounts")
    if not len(tie_accounts) == len(tie_keys) == len(codes):
        raise ValueError("ties: three arrays of one length")
    order = np.argsort(member_accounts)
    member_accounts, member_keys = member_accounts[order], member_keys[order]
    at = np.minimum(np.searchsorted(member_accounts, tie_accounts), max(len(order) - 1, 0))
    known = member_accounts[at] == tie_accounts if len(order) else np.zeros(len(at), dtype=np.bool_)
    known &= (codes >= 1) & (codes <= len(BANDS))
    node_ids = csr.distinct(np.concatenate([member_keys, tie_keys[known]]))
    graph = Graph.from_edges(
        member_keys[at[known]], tie_keys[known], _strengths(codes[known]), node_ids
    )
    pooled = _with_members(space_id, version, graph, member_accounts, member_keys, pushes)
    return dataclasses.replace(pooled, between=_table(graph, pooled.account_nodes))


def _with_members(
    space_id: int,
    version: int,
    graph: Graph,
    accounts: npt.NDArray[np.int64],
    keys: npt.NDArray[np.int64],
    pushes: dict[int, int] | None,
) -> Pooled:
    nodes = graph.index_of(keys)
    by_node = np.argsort(nodes, kind="stable")
    accounts = accounts[by_node]
    versions = (
        None
        if pushes is None
        else np.array([pushes.get(int(a), 0) for a in accounts], dtype=np.int64)
    )
    return Pooled(space_id, version, graph, accounts, nodes[by_node], versions)


def _strengths(codes: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
    table = np.array([0.0, *(BAND_STRENGTH[b] for b in BANDS)], dtype=np.float32)
    return table[codes]


def patched(
    previous: Pooled,
    version: int,
    members: tuple[npt.ArrayLike, npt.ArrayLike],
    pushes: dict[int, int],
    changed: npt.ArrayLike,
    ties: tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike],
) -> Pooled:
    """PREVIOUS after the members CHANGED pushed, joined, left or changed level, without
    reading every tie again.

    TIES are every tie that touches a changed member now: their own rows, and other members'
    rows whose contact is a changed member's node. The changed members' old ties all go (a
    tie between two members is the same tie from either side), then TIES are put back.
    """
    graph = previous.graph
    member_accounts = np.asarray(members[0], dtype=np.int64).ravel()
    member_keys = np.asarray(members[1], dtype=np.int64).ravel()
    changed = np.unique(np.asarray(changed, dtype=np.int64))
    old = [previous.node_of_account(int(a)) for a in changed]
    old_nodes = np.array([n for n in old if n is not None], dtype=np.int64)
    owner, neighbour, _ = graph.edges_from(old_nodes)
    drop = (graph.node_ids[old_nodes][owner], graph.node_ids[neighbour])
    tie_accounts = np.asarray(ties[0], dtype=np.int64).ravel()
    tie_keys = np.asarray(ties[1], dtype=np.int64).ravel()
    codes = np.asarray(ties[2], dtype=np.int64).ravel()
    order = np.argsort(member_accounts)
    sorted_accounts, sorted_keys = member_accounts[order], member_keys[order]
    at = np.minimum(np.searchsorted(sorted_accounts, tie_accounts), max(len(order) - 1, 0))
    known = sorted_accounts[at] == tie_accounts if len(order) else np.zeros(len(at), dtype=np.bool_)
    known &= (codes >= 1) & (codes <= len(BANDS))
    put = (sorted_keys[at[known]], tie_keys[known], _strengths(codes[known]))
    # Sorted, not hashed: numpy's unique hashes, seconds on a million ids (csr.distinct).
    node_ids = csr.distinct(np.concatenate([graph.node_ids, member_keys, tie_keys[known]]))
    fresh = graph.patched(node_ids, drop=drop, put=put)
    pooled = _with_members(previous.space_id, version, fresh, member_accounts, member_keys, pushes)
    moved = np.r_[graph.node_ids[old_nodes], member_keys[np.isin(member_accounts, changed)]]
    table = previous.table
    if table is None or len(pooled.account_nodes) > joins.MEMBERS_IN_TABLE:
        table = _table(fresh, pooled.account_nodes)
    else:
        table = table.patched(graph, fresh, pooled.account_nodes, moved)
    return dataclasses.replace(pooled, between=table)


def _table(graph: Graph, members: npt.NDArray[np.int64]) -> Between | None:
    """The table of joins between MEMBERS, or None when there are too many for one."""
    return Between.of(graph, members) if len(members) <= joins.MEMBERS_IN_TABLE else None


def folder(cache_dir: Path, space_id: int, version: int) -> Path:
    return cache_dir / f"space-{space_id}-v{version}"


def save(pooled: Pooled, cache_dir: Path) -> Path:
    """Write the snapshot's folder (whole or not at all) and remove this space's old ones."""
    final = folder(cache_dir, pooled.space_id, pooled.version)
    if (final / "format.npy").exists():
        return final
    cache_dir.mkdir(parents=True, exist_ok=True)
    temporary = cache_dir / f".{final.name}.{os.getpid()}.tmp"
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(mode=0o700)
    graph = pooled.graph
    values: dict[str, npt.NDArray[np.generic]] = {
        "indptr": graph.indptr,
        "indices": graph.indices,
        "strength": graph.strength,
        "node_ids": graph.node_ids,
        "accounts": pooled.accounts,
        "account_nodes": pooled.account_nodes,
        "pushes": np.zeros(0, np.int64) if pooled.pushes is None else pooled.pushes,
        "max_strength": graph.max_strength,
    }
    if pooled.table is not None:
        values |= {"between_direct": pooled.table.direct, "between_counts": pooled.table.counts}
    for name, value in values.items():
        np.save(temporary / f"{name}.npy", value, allow_pickle=False)
    np.save(temporary / "format.npy", np.array(_FORMAT), allow_pickle=False)  # written last
    try:
        temporary.rename(final)
    except OSError:  # another worker renamed its copy first: the same content
        shutil.rmtree(temporary, ignore_errors=True)
    _remove_old(cache_dir, pooled.space_id, pooled.version)
    return final


def load(cache_dir: Path, space_id: int, version: int) -> Pooled | None:
    """The saved snapshot of that version, memory-mapped; None when there is none."""
    where = folder(cache_dir, space_id, version)
    try:
        if int(np.load(where / "format.npy")) != _FORMAT:
            return None
        arrays = {
            name: np.load(where / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            for name in _ARRAYS
        }
        table = (
            Between(
                arrays["account_nodes"],
                *(np.load(where / f"{n}.npy", mmap_mode="r", allow_pickle=False) for n in _TABLE),
            )
            if (where / f"{_TABLE[0]}.npy").exists()
            else None
        )
    except (OSError, ValueError):
        return None
    graph = Graph(
        arrays["indptr"],
        arrays["indices"],
        arrays["strength"],
        arrays["node_ids"],
        arrays["max_strength"],
    )
    pushes = arrays["pushes"] if len(arrays["pushes"]) == len(arrays["accounts"]) else None
    return Pooled(
        space_id, version, graph, arrays["accounts"], arrays["account_nodes"], pushes, between=table
    )


def latest(cache_dir: Path, space_id: int, below: int) -> Pooled | None:
    """The newest saved snapshot of the space older than version BELOW (to patch), if any."""
    versions = []
    for found in cache_dir.glob(f"space-{space_id}-v*"):
        with contextlib.suppress(ValueError):
            versions.append(int(found.name.rsplit("-v", 1)[1]))
    for version in sorted((v for v in versions if v < below), reverse=True):
        pooled = load(cache_dir, space_id, version)
        if pooled is not None:
            return pooled
    return None


def _remove_old(cache_dir: Path, space_id: int, version: int) -> None:
    """Folders of older versions of the space, once no worker can still be opening them."""
    now = time.time()
    for old in cache_dir.glob(f"space-{space_id}-v*"):
        try:
            number = int(old.name.rsplit("-v", 1)[1])
        except ValueError:
            continue
        with contextlib.suppress(OSError):
            if number < version and now - old.stat().st_mtime > _STALE_SECONDS:
                shutil.rmtree(old, ignore_errors=True)
