"""Warm paths: the best introductions from me to a person, an organization or my ICP, in words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from whoknows.core import paths as core_paths
from whoknows.core.icp import match_mask
from whoknows.core.tiestrength import band
from whoknows.errors import BadOption
from whoknows.services import refs
from whoknows.services.reach_base import PersonRef, require_me, require_profile
from whoknows.services.snapshot import Snapshot, load_snapshot
from whoknows.services.store import Store, per_version
from whoknows.storage import lookups
from whoknows.storage.plain import Reader

# Answered from the snapshot, with plain SQL for names and ties (storage/plain.py,
# storage/lookups.py): a path loads no SQLAlchemy.


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


def _targets(
    reader: Reader, store: Store, snapshot: Snapshot, target: str
) -> tuple[npt.NDArray[np.int64], dict[str, object]]:
    graph = snapshot.graph
    if target.strip().casefold() in {"icp", "my ideal clients"}:
        profile = require_profile(reader, store.owner_id)
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
    names = lookups.names(reader, [int(graph.node_ids[n]) for p in found for n in p.nodes])
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
        raise BadOption("max-hops", max_hops, "is out of range", hint="use 1 to 6")
    if top < 1:
        raise BadOption("top", top, "is out of range", hint="use 1 or more")
    snapshot = load_snapshot(store, today=today)
    me = require_me(snapshot)
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
        gateway = lookups.names(reader, [gateway_id])[gateway_id]
        return PathAnswer(
            described,
            [],
            message=(
                f"nobody within {max_hops} hops; the nearest is {near.hops} hops away, "
                f"and {gateway} is as close as you can get"
            ),
            closest={"hops": near.hops, "gateway": {"id": gateway_id, "name": gateway}},
        )
