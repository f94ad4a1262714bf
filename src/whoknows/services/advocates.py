"""Advocates: the people I know, ranked by their value as advocates for me, and the ones I do
not know yet who would be (potential), each with every part of the score shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from whoknows.core.advocates import (
    Floats,
    Signals,
    contact_sphere,
    potential_advocates,
    profile_reach,
    rank_advocates,
    sphere_text,
)
from whoknows.core.icp import Profile, match_mask
from whoknows.core.ledger import give_get_scores
from whoknows.core.text import shared_terms
from whoknows.core.tiestrength import band
from whoknows.services.reach_base import PersonRef, require_me
from whoknows.services.snapshot import Snapshot, load_snapshot
from whoknows.services.store import Store, per_version
from whoknows.storage import icp as icp_rows
from whoknows.storage import lookups
from whoknows.storage.plain import Reader

# Answered from the snapshot, with plain SQL for names, the ledger and the brief
# (storage/plain.py, storage/lookups.py): advocates load no SQLAlchemy.


@dataclass(frozen=True)
class AdvocateView:
    person: PersonRef
    score: float
    parts: dict[str, float]
    reaches: int
    reaches_indirect: int
    explanation: str

    def as_json(self) -> dict[str, object]:
        """The shape `advocates --json` prints and GET /api/v1/advocates answers."""
        return {
            **_named(self.person, self.score, self.parts),
            "reaches": self.reaches,
            "reaches_indirect": self.reaches_indirect,
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class PotentialView:
    person: PersonRef
    score: float
    parts: dict[str, float]
    reaches: int
    introducer: PersonRef
    explanation: str

    def as_json(self) -> dict[str, object]:
        """The shape `advocates --potential --json` prints."""
        return {
            **_named(self.person, self.score, self.parts),
            "reaches": self.reaches,
            "introducer": {"id": self.introducer.id, "name": self.introducer.name},
            "explanation": self.explanation,
        }


def _named(person: PersonRef, score: float, parts: dict[str, float]) -> dict[str, object]:
    """Who, their score and its parts (plain floats), as both rankings show them."""
    return {
        "id": person.id,
        "name": person.name,
        "score": float(score),
        "parts": {k: float(v) for k, v in parts.items()},
    }


@dataclass(frozen=True)
class _ProfileView:
    """What a profile means on one snapshot: who matches, ties into them, contact spheres."""

    icp: npt.NDArray[np.bool_]
    client_reach: tuple[Floats, Floats]
    sphere: Floats


def _profile_view(store: Store, snapshot: Snapshot, profile: Profile) -> _ProfileView:
    """Kept while the data and the profile hold: they change far less often than asked."""

    def build() -> _ProfileView:
        icp_mask = match_mask(profile, snapshot.attributes)
        sphere = np.zeros(snapshot.graph.num_nodes)
        sphere[snapshot.serves_nodes] = contact_sphere(snapshot.serves_texts, profile)
        return _ProfileView(icp_mask, profile_reach(snapshot.graph, icp_mask), sphere)

    key = (snapshot.day, profile)
    return store.cache.get("icp-reach", key, snapshot.data_version, build)


def _signals(store: Store, reader: Reader, snapshot: Snapshot) -> tuple[Profile, Signals]:
    profile = icp_rows.read(reader, store.owner_id)
    n = snapshot.graph.num_nodes
    view = _profile_view(store, snapshot, profile)
    give_get = np.zeros(n)
    if snapshot.me is not None:
        me_id = int(snapshot.graph.node_ids[snapshot.me])
        entries = lookups.ledger(reader, store.owner_id, me_id)
        scores = give_get_scores(entries, snapshot.day)
        if scores:
            nodes = snapshot.graph.index_of(np.fromiter(scores, dtype=np.int64), strict=False)
            values = np.fromiter(scores.values(), dtype=np.float64)
            give_get[nodes[nodes >= 0]] = values[nodes >= 0]
    briefed = np.zeros(n, dtype=np.bool_)
    holders = lookups.briefed(reader, store.owner_id)
    if holders:
        nodes = snapshot.graph.index_of(np.fromiter(holders, dtype=np.int64), strict=False)
        briefed[nodes[nodes >= 0]] = True
    return profile, Signals(
        icp=view.icp,
        client_reach=view.client_reach,
        sphere=view.sphere,
        trust=snapshot.trust,
        give_get=give_get,
        briefed=briefed,
    )


def advocates(
    store: Store, *, top: int = 10, today: dt.date | None = None
) -> tuple[Profile, list[AdvocateView]]:
    """The people I know, ranked by their value as advocates for me, every part shown."""
    snapshot = load_snapshot(store, today=today)
    me = require_me(snapshot)
    key = (snapshot.day, top)
    profile, views = store.cache.get(
        "advocates", key, snapshot.data_version, lambda: _advocates(store, snapshot, me, top)
    )
    return profile, list(views)


def advocate_scores(store: Store, *, today: dt.date | None = None) -> dict[int, float]:
    """Every advocate score (the one `advocates` shows) by person id, without explanations:
    what the follow-up plan weighs people by. Empty while who I am is not set."""
    snapshot = load_snapshot(store, today=today)
    if snapshot.me is None:
        return {}
    me = snapshot.me

    def scores() -> dict[int, float]:
        with store.plain() as reader:
            _, signals = _signals(store, reader, snapshot)
        ids = snapshot.graph.node_ids
        return {int(ids[a.node]): a.score for a in rank_advocates(snapshot.graph, me, signals)}

    found: dict[int, float] = store.cache.get(
        "advocate-scores", snapshot.day, snapshot.data_version, scores
    )
    return found


def _advocates(
    store: Store, snapshot: Snapshot, me: int, top: int
) -> tuple[Profile, list[AdvocateView]]:
    with store.plain() as reader:
        profile, signals = _signals(store, reader, snapshot)
        ranked = rank_advocates(snapshot.graph, me, signals, top=top)
        ids = [int(snapshot.graph.node_ids[a.node]) for a in ranked]
        names = lookups.names(reader, ids)
        serves = lookups.serves(reader, ids)
        views = []
        for advocate, pid in zip(ranked, ids, strict=True):
            reasons = []
            if advocate.reaches or advocate.reaches_indirect:
                reasons.append(
                    f"knows {advocate.reaches} of your ideal clients"
                    + (
                        f" ({advocate.reaches_indirect} more through their contacts)"
                        if advocate.reaches_indirect
                        else ""
                    )
                )
            if advocate.parts["sphere"] > 0 and pid in serves:
                overlap = shared_terms(serves[pid], sphere_text(profile))
                reasons.append(
                    f"serves {serves[pid]}" + (f" ({', '.join(overlap)})" if overlap else "")
                )
            tie_text = snapshot.my_ties.get(advocate.node, band(advocate.tie))
            reasons.append(f"your tie: {tie_text}")
            trust = snapshot.trust[advocate.node]
            if not np.isnan(trust) and "rated" not in tie_text:
                reasons.append(f"trust {round(trust * 4 + 1)}/5")
            views.append(
                AdvocateView(
                    person=PersonRef(pid, names[pid]),
                    score=round(advocate.score, 4),
                    parts=advocate.parts,
                    reaches=advocate.reaches,
                    reaches_indirect=advocate.reaches_indirect,
                    explanation="; ".join(reasons),
                )
            )
        return profile, views


@per_version(stale=True)
def potential(
    store: Store, *, top: int = 10, today: dt.date | None = None
) -> tuple[Profile, list[PotentialView]]:
    """People I do not know yet who would be strong advocates, and who can introduce me."""
    snapshot = load_snapshot(store, today=today)
    me = require_me(snapshot)
    with store.plain() as reader:
        profile, signals = _signals(store, reader, snapshot)
        found = potential_advocates(snapshot.graph, me, signals, top=top)
        graph = snapshot.graph
        ids = [int(graph.node_ids[p.node]) for p in found]
        ids += [int(graph.node_ids[p.introducer]) for p in found]
        names = lookups.names(reader, ids)
        views = []
        for p in found:
            pid, iid = int(graph.node_ids[p.node]), int(graph.node_ids[p.introducer])
            views.append(
                PotentialView(
                    person=PersonRef(pid, names[pid]),
                    score=round(p.score, 4),
                    parts=p.parts,
                    reaches=p.reaches,
                    introducer=PersonRef(iid, names[iid]),
                    explanation=(
                        f"knows {p.reaches} of your ideal clients; {names[iid]} can introduce you "
                        f"({band(p.introduction)}, {p.introduction:.2f})"
                    ),
                )
            )
        return profile, views
