"""Who knows who I want to meet: prospects, who knows an organization, the ties around people.

Warm paths (`warm_paths`) and advocates (`advocates`) live beside it and are named here too,
as every adapter knows them: `reach.find_paths`, `reach.advocates`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from whoknows.core import paths as core_paths
from whoknows.core.icp import Profile, match_mask
from whoknows.services import paging, refs
from whoknows.services.advocates import AdvocateView as AdvocateView
from whoknows.services.advocates import PotentialView as PotentialView
from whoknows.services.advocates import advocate_scores as advocate_scores
from whoknows.services.advocates import advocates as advocates
from whoknows.services.advocates import potential as potential
from whoknows.services.reach_base import PersonRef as PersonRef
from whoknows.services.reach_base import require_me, require_profile
from whoknows.services.snapshot import load_snapshot
from whoknows.services.store import Store
from whoknows.services.warm_paths import PathAnswer as PathAnswer
from whoknows.services.warm_paths import WarmPath as WarmPath
from whoknows.services.warm_paths import find_paths as find_paths
from whoknows.storage import lookups

# Answered from the snapshot, with plain SQL for names (storage/plain.py, storage/lookups.py).


@dataclass(frozen=True)
class Prospect:
    person: PersonRef
    reachability: float
    advocate: PersonRef | None
    hops: int

    def as_json(self) -> dict[str, object]:
        """The shape `prospects --json` and the API give."""
        advocate = self.advocate
        return {
            "id": self.person.id,
            "name": self.person.name,
            "reachability": self.reachability,
            "hops": self.hops,
            "advocate": {"id": advocate.id, "name": advocate.name} if advocate else None,
        }


def prospects(
    store: Store,
    window: paging.Window = paging.Window(20),
    *,
    max_hops: int = 4,
    today: dt.date | None = None,
) -> tuple[Profile, paging.Page[Prospect]]:
    """People matching my ideal client profile, most reachable through people I know first.

    Every match is ranked (one vector pass); only the page's rows get a path and a name.
    """
    snapshot = load_snapshot(store, today=today)
    me = require_me(snapshot)
    with store.plain() as reader:
        profile = require_profile(reader, store.owner_id)
        mask = match_mask(profile, snapshot.attributes)
        mask[me] = False
        matches = np.flatnonzero(mask)
        best = core_paths.reach(snapshot.graph, me, max_hops, floor=1e-4)
        ranked = matches[np.lexsort((snapshot.graph.node_ids[matches], -best[matches]))]
        order = ranked[window.offset : window.offset + window.limit]
        result = []
        chosen = []
        for node in order:
            found = core_paths.top_paths(snapshot.graph, me, int(node), max_hops=max_hops, k=1)
            chosen.append(found[0] if found else None)
        ids = [int(snapshot.graph.node_ids[n]) for n in order]
        ids += [int(snapshot.graph.node_ids[p.advocate]) for p in chosen if p]
        names = lookups.names(reader, ids)
        for node, path in zip(order, chosen, strict=True):
            pid = int(snapshot.graph.node_ids[node])
            advocate = None
            if path is not None:
                aid = int(snapshot.graph.node_ids[path.advocate])
                advocate = PersonRef(aid, names[aid])
            result.append(
                Prospect(
                    person=PersonRef(pid, names[pid]),
                    reachability=round(float(best[node]), 6),
                    advocate=advocate,
                    hops=path.hops if path else 0,
                )
            )
        return profile, paging.Page(result, len(matches), window.offset, window.limit)


@dataclass(frozen=True)
class WhoKnows:
    contact: PersonRef
    tie: float
    works_there: bool
    knows: list[tuple[PersonRef, float]]


def who_knows(
    store: Store, org_ref: str, *, today: dt.date | None = None
) -> tuple[str, list[WhoKnows]]:
    """The people I know who know someone at an organization (or work there), and whom."""
    snapshot = load_snapshot(store, today=today)
    me = require_me(snapshot)
    graph = snapshot.graph
    with store.plain() as reader:
        org_id = refs.organization_id(reader, store.owner_id, org_ref)
        org_name = lookups.organization_name(reader, org_id) or ""
        at_org = snapshot.organization == org_id
        known, tie = graph.neighbors(me)
        known = known.astype(np.int64)
        owner, peer, strength = graph.edges_from(known)
        hit = at_org[peer]
        owner, peer, strength = owner[hit], peer[hit], strength[hit]
        involved = sorted(set(known[owner].tolist()) | set(known[at_org[known]].tolist()))
        ids = [int(graph.node_ids[n]) for n in involved] + [int(graph.node_ids[p]) for p in peer]
        names = lookups.names(reader, ids)
        position = {int(n): i for i, n in enumerate(known)}
        rows = []
        for node in involved:
            pid = int(graph.node_ids[node])
            mine = owner == position[node]
            knows = sorted(
                (
                    (PersonRef(int(graph.node_ids[p]), names[int(graph.node_ids[p])]), float(s_))
                    for p, s_ in zip(peer[mine], strength[mine], strict=True)
                ),
                key=lambda item: -item[1],
            )
            rows.append(
                WhoKnows(
                    contact=PersonRef(pid, names[pid]),
                    tie=float(tie[position[node]]),
                    works_there=bool(at_org[node]),
                    knows=knows,
                )
            )
        # Colleagues inside first, then the strongest chain me → contact → someone there.
        rows.sort(key=lambda r: (not r.works_there, -r.tie * max([k[1] for k in r.knows] or [1.0])))
        return org_name, rows


@dataclass(frozen=True)
class Neighbourhood:
    """The strongest ties around some people, for drawing them in their network."""

    names: dict[int, str]
    ties: list[tuple[int, int, float]]  # (person id, neighbour id, strength)


def neighbourhood(
    store: Store, person_ids: Sequence[int], *, per_person: int = 8, today: dt.date | None = None
) -> Neighbourhood:
    """Each person's PER_PERSON strongest ties, read from the snapshot (hubs included: fast)."""
    snapshot = load_snapshot(store, today=today)
    graph = snapshot.graph
    nodes = graph.index_of(np.asarray(list(person_ids), dtype=np.int64), strict=False)
    ties: list[tuple[int, int, float]] = []
    for person_id, node in zip(person_ids, nodes.tolist(), strict=True):
        if node < 0:
            continue
        peers, strengths = graph.neighbors(node)
        if len(peers) > per_person:
            keep = np.argpartition(-strengths, per_person - 1)[:per_person]
            peers, strengths = peers[keep], strengths[keep]
        order = np.argsort(-strengths, kind="stable")
        ties.extend(
            (int(person_id), int(graph.node_ids[peer]), float(strength))
            for peer, strength in zip(peers[order], strengths[order], strict=True)
        )
    with store.plain() as reader:
        names = lookups.names(reader, [*person_ids, *(b for _a, b, _s in ties)])
    return Neighbourhood(names, ties)
