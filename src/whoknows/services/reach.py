"""Who knows who I want to meet: warm paths, prospects, advocates, and who knows an organization."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from whoknows.core import paths as core_paths
from whoknows.core.advocates import (
    Floats,
    Signals,
    potential_advocates,
    profile_reach,
    rank_advocates,
)
from whoknows.core.icp import Profile, match_mask
from whoknows.core.ledger import give_get_scores
from whoknows.core.text import TfIdf, shared_terms
from whoknows.core.tiestrength import band
from whoknows.errors import UserError
from whoknows.services import paging, refs
from whoknows.services.snapshot import Snapshot, load_snapshot
from whoknows.services.store import Store, per_version
from whoknows.storage import icp as icp_rows
from whoknows.storage import lookups
from whoknows.storage.plain import Reader

# Answered from the snapshot, with plain SQL for names, the ledger and the brief
# (storage/plain.py, storage/lookups.py): path and advocates load no SQLAlchemy.


@dataclass(frozen=True)
class PersonRef:
    id: int
    name: str


@dataclass(frozen=True)
class WarmPath:
    strength: float
    people: list[PersonRef]  # from me to the target
    explanation: str
    hops: list[str] = field(default_factory=list)  # one phrase per hop
    target_is: str = ""  # the target's role and organization: "Plant Manager at Ferro Ltd"


@dataclass(frozen=True)
class PathAnswer:
    target: dict[str, object]
    paths: list[WarmPath]
    message: str | None = None
    closest: dict[str, object] | None = None


def _require_me(snapshot: Snapshot) -> int:
    if snapshot.me is None:
        raise UserError("who you are is not set yet", hint='run: whoknows me "Your Name"')
    return snapshot.me


def _profile_text(profile: Profile) -> str:
    return " ".join((*profile.industries, *profile.roles, *profile.tags))


def _names(reader: Reader, ids: Sequence[int]) -> dict[int, str]:
    return lookups.names(reader, ids)


def _targets(
    reader: Reader, store: Store, snapshot: Snapshot, target: str
) -> tuple[npt.NDArray[np.int64], dict[str, object]]:
    graph = snapshot.graph
    if target.strip().casefold() in {"icp", "my ideal clients"}:
        profile = icp_rows.read(reader, store.owner_id)
        if profile.is_empty():
            raise UserError(
                "no ideal client profile yet",
                hint="set one: whoknows icp set --industry … --role …",
            )
        nodes = np.flatnonzero(match_mask(profile, snapshot.attributes)).astype(np.int64)
        return nodes, {"kind": "icp", "description": profile.describe(), "matches": len(nodes)}
    if target.startswith("org:"):
        org_id = refs.organization_id(reader, store.owner_id, target)
        nodes = np.flatnonzero(snapshot.organization == org_id).astype(np.int64)
        name = lookups.organization_name(reader, org_id)
        return nodes, {"kind": "organization", "id": org_id, "name": name, "people": len(nodes)}
    person = lookups.target(reader, refs.person_id(reader, store.owner_id, target))
    nodes = graph.index_of(np.asarray([person.id], dtype=np.int64))
    return nodes, {
        "kind": "person",
        "id": person.id,
        "name": person.name,
        "organization": person.organization,
        "role": person.role,
    }


# How a tie between two other people came to be known, in words one could say on the phone.
_HOW = {
    "told": "{a} told you they know each other",
    "colleague": "they work together",
    "email": "they have emailed each other",
    "calendar": "they have been in meetings together",
    "linkedin": "they are connected on LinkedIn",
    "event": "they met at an event",
    "manual": "you noted that they know each other",
}


def _first(name: str) -> str:
    return name.split()[0] if name.split() else name


def _hop_phrase(
    reader: Reader,
    owner: int,
    snapshot: Snapshot,
    names: dict[int, str],
    a: int,
    b: int,
    *,
    first: bool,
    target_is: str | None,
) -> str:
    """One hop in plain words: "you know Dana Okafor (strong (0.94): …)", or "Dana knows
    Richard Roe: they have emailed each other since 2013, last in 2014 (weak, 0.31)"; the
    last hop (given TARGET_IS) names the target's role and organization."""
    graph = snapshot.graph
    a_id, b_id = int(graph.node_ids[a]), int(graph.node_ids[b])
    whom = names[b_id]
    if target_is:
        whom = f"{whom}, {target_is}"
    if first:
        return f"you know {whom} ({snapshot.my_ties.get(b, band(graph.strength_of(a, b)))})"
    strength = graph.strength_of(a, b)
    tie = lookups.tie(reader, owner, a_id, b_id)
    how = []
    org = int(snapshot.organization[a])
    if org >= 0 and org == int(snapshot.organization[b]):
        org_name = lookups.organization_name(reader, org)
        how.append(f"they are colleagues at {org_name}")
    if tie is not None and not (how and tie.source == "colleague"):
        said = _HOW.get(tie.source, "they know each other").format(a=_first(names[a_id]))
        if tie.since:
            said += f" since {tie.since.year}"
        # When it went quiet, if it did: "last in 2014" says why the tie has weakened.
        seen = tie.last_seen.year if tie.last_seen else snapshot.day.year
        if seen < snapshot.day.year and (tie.since is None or seen != tie.since.year):
            said += f", last in {seen}"
        how.append(said)
    because = f": {'; '.join(how)}" if how else ""
    return f"{_first(names[a_id])} knows {whom}{because} ({band(strength)}, {strength:.2f})"


def _warm_paths(
    reader: Reader, owner: int, snapshot: Snapshot, found: Sequence[core_paths.Path]
) -> list[WarmPath]:
    graph = snapshot.graph
    names = _names(reader, [int(graph.node_ids[n]) for p in found for n in p.nodes])
    targets = lookups.described(reader, [int(graph.node_ids[p.nodes[-1]]) for p in found])
    result = []
    for path in found:
        pairs = list(zip(path.nodes, path.nodes[1:], strict=False))
        target_is = targets.get(int(graph.node_ids[path.nodes[-1]]), "")
        hops = [
            _hop_phrase(
                reader,
                owner,
                snapshot,
                names,
                a,
                b,
                first=i == 0,
                target_is=target_is if i == len(pairs) - 1 else None,
            )
            for i, (a, b) in enumerate(pairs)
        ]
        people = [
            PersonRef(int(graph.node_ids[n]), names[int(graph.node_ids[n])]) for n in path.nodes
        ]
        result.append(
            WarmPath(
                strength=round(path.strength, 6),
                people=people,
                explanation="; ".join(hops),
                hops=hops,
                target_is=target_is,
            )
        )
    return result


@per_version(stale=True)
def find_paths(
    store: Store,
    target: str,
    *,
    top: int = core_paths.DEFAULT_TOP,
    max_hops: int = core_paths.DEFAULT_MAX_HOPS,
    today: dt.date | None = None,
) -> PathAnswer:
    """The best warm-introduction paths from me to a person, an organization or my ICP."""
    if not 1 <= max_hops <= 6:
        raise UserError(f"--max-hops {max_hops} is out of range", hint="use 1 to 6")
    if top < 1:
        raise UserError(f"--top {top} is out of range", hint="use 1 or more")
    snapshot = load_snapshot(store, today=today)
    me = _require_me(snapshot)
    with store.plain() as reader:
        nodes, described = _targets(reader, store, snapshot, target)
        nodes = nodes[nodes != me]
        if not len(nodes):
            return PathAnswer(described, [], message="nobody matches that target yet")
        found = core_paths.top_paths(snapshot.graph, me, nodes, max_hops=max_hops, k=top)
        if found:
            return PathAnswer(described, _warm_paths(reader, store.owner_id, snapshot, found))
        near = core_paths.closest(snapshot.graph, me, nodes, max_hops, limit=12)
        if near is None:
            return PathAnswer(
                described, [], message="nobody in your network is connected to them at all"
            )
        gateway_id = int(snapshot.graph.node_ids[near.gateway])
        gateway = _names(reader, [gateway_id])[gateway_id]
        return PathAnswer(
            described,
            [],
            message=(
                f"nobody within {max_hops} hops; the nearest is {near.hops} hops away, "
                f"and {gateway} is as close as you can get"
            ),
            closest={"hops": near.hops, "gateway": {"id": gateway_id, "name": gateway}},
        )


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
    me = _require_me(snapshot)
    with store.plain() as reader:
        profile = icp_rows.read(reader, store.owner_id)
        if profile.is_empty():
            raise UserError(
                "no ideal client profile yet",
                hint="set one: whoknows icp set --industry … --role …",
            )
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
        names = _names(reader, ids)
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
class AdvocateView:
    person: PersonRef
    score: float
    parts: dict[str, float]
    reaches: int
    reaches_indirect: int
    explanation: str


@dataclass(frozen=True)
class PotentialView:
    person: PersonRef
    score: float
    parts: dict[str, float]
    reaches: int
    introducer: PersonRef
    explanation: str


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
        if not profile.is_empty() and snapshot.serves_texts:
            space = TfIdf(snapshot.serves_texts)
            sphere[snapshot.serves_nodes] = space.similarity_to(_profile_text(profile))
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
    me = _require_me(snapshot)
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
        names = _names(reader, ids)
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
                overlap = shared_terms(serves[pid], _profile_text(profile))
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
    me = _require_me(snapshot)
    with store.plain() as reader:
        profile, signals = _signals(store, reader, snapshot)
        found = potential_advocates(snapshot.graph, me, signals, top=top)
        graph = snapshot.graph
        ids = [int(graph.node_ids[p.node]) for p in found]
        ids += [int(graph.node_ids[p.introducer]) for p in found]
        names = _names(reader, ids)
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
    me = _require_me(snapshot)
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
        names = _names(reader, ids)
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
        names = _names(reader, [*person_ids, *(b for _a, b, _s in ties)])
    return Neighbourhood(names, ties)
