"""Advocate ranking: who I know that can bring me to my ideal clients, with every part shown."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from whoknows.core.graph import Graph
from whoknows.core.icp import Profile
from whoknows.core.text import TfIdf

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

# Weights of the parts of an advocate score; they add up to 1, so a score is in [0, 1].
WEIGHTS: dict[str, float] = {
    "reach": 0.30,  # ties into my ideal clients, one and two hops beyond them
    "sphere": 0.20,  # whom they serve overlaps whom I want to meet (contact sphere)
    "tie": 0.15,  # my tie to them
    "trust": 0.10,  # how far I would stake my reputation on them
    "give_get": 0.10,  # their give/get record with me
    "briefed": 0.05,  # they have my current referral brief
    "connected": 0.10,  # how connected they are, and how far beyond my own circle
}
INDIRECT_DISCOUNT = 0.3  # a two-hop tie into an ideal client counts this much of a direct one
# Where each amount is half-way to its maximum: one good tie (0.7) into an ideal client
# already counts, three strong ones are near the top; a degree of 50 is "well connected".
REACH_HALF = 1.0
INDIRECT_HALF = 3.0
DEGREE_HALF = float(np.log1p(50))
UNKNOWN_TRUST = 0.3  # trust not recorded: below the middle, above "barely"


def sphere_text(profile: Profile) -> str:
    """The words of an ideal client profile that whom someone serves is set against."""
    return " ".join((*profile.industries, *profile.roles, *profile.tags))


def contact_sphere(serves: Sequence[str], profile: Profile) -> Floats:
    """The contact sphere: how near whom each serves (one text each) is to PROFILE's ideal
    clients, in [0, 1] (TF-IDF cosine over SERVES); all 0 for an empty profile."""
    found: Floats = contact_spheres(serves, [profile])[0]
    return found


def contact_spheres(serves: Sequence[str], profiles: Sequence[Profile]) -> Floats:
    """contact_sphere of each of PROFILES over the same SERVES, one row each (the TF-IDF
    space of SERVES built once)."""
    found = np.zeros((len(profiles), len(serves)))
    space = TfIdf(serves) if serves and not all(p.is_empty() for p in profiles) else None
    for row, profile in enumerate(profiles):
        if space is not None and not profile.is_empty():
            found[row] = space.similarity_to(sphere_text(profile))
    return found


@dataclass(frozen=True)
class Signals:
    """What is known per node besides the graph, aligned with the graph's nodes."""

    icp: Bools
    sphere: Floats  # similarity in [0, 1] of whom they serve to my ideal client profile
    trust: Floats  # my trust in [0, 1]; NaN when not recorded
    give_get: Floats = field(default_factory=lambda: np.zeros(0))  # in [0, 1]; empty = none yet
    briefed: Bools = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))
    # profile_reach(graph, icp), when the caller keeps it cached (it changes with the profile
    # and the graph, not with each question); computed here when missing.
    client_reach: tuple[Floats, Floats] | None = None


@dataclass(frozen=True)
class Advocate:
    node: int
    score: float
    parts: dict[str, float]
    reaches: int  # ideal clients they know directly
    reaches_indirect: int  # ideal clients two hops beyond them
    tie: float  # my tie to them


@dataclass(frozen=True)
class Potential:
    """Someone I do not know yet who would be a strong advocate, and who can introduce me."""

    node: int
    score: float
    parts: dict[str, float]
    reaches: int
    introducer: int
    introduction: float  # strength of the two-hop chain me → introducer → them


PLACES = 4  # parts and scores are kept to this many decimals, so that they add up exactly


def _exact(parts: dict[str, Floats], i: int) -> tuple[float, dict[str, float]]:
    """Node I's parts to PLACES decimals, and the score as their sum (not rounded apart)."""
    kept = {name: round(float(values[i]), PLACES) for name, values in parts.items()}
    return round(sum(kept.values()), PLACES), kept


def shown(score: float, parts: Mapping[str, float], places: int = 2) -> tuple[str, dict[str, str]]:
    """SCORE and PARTS written to PLACES decimals so that the parts written add up to the
    score written (largest remainders take the odd hundredths), e.g. for a table."""
    unit = 10**places
    total = round(score * unit)
    scaled = {name: value * unit for name, value in parts.items()}
    floors = {name: math.floor(value) for name, value in scaled.items()}
    left = total - sum(floors.values())
    by_remainder = sorted(scaled, key=lambda name: (floors[name] - scaled[name], name))
    if left < 0:
        by_remainder.reverse()
    for name in by_remainder[: abs(left)]:
        floors[name] += 1 if left > 0 else -1
    return f"{total / unit:.{places}f}", {
        name: f"{value / unit:.{places}f}" for name, value in floors.items()
    }


def _sum_by(groups: npt.NDArray[np.int64], weights: Floats, minlength: int) -> Floats:
    """Sum WEIGHTS per group number (a typed np.bincount)."""
    return np.bincount(groups, weights=weights, minlength=minlength).astype(np.float64)


def _saturate(values: Floats, half: float) -> Floats:
    """Map amounts ≥ 0 into [0, 1): HALF maps to 0.5. A fixed scale keeps scores comparable
    over time and monotone (one more tie never lowers anyone's part)."""
    return values / (values + half)


def _column(values: npt.NDArray[np.generic], nodes: npt.NDArray[np.integer]) -> Floats:
    """VALUES at NODES as floats; an empty VALUES (not known yet) reads as zeros."""
    if not len(values):
        return np.zeros(len(nodes))
    return np.asarray(values[nodes], dtype=np.float64)


def profile_reach(graph: Graph, icp: Bools) -> tuple[Floats, Floats]:
    """Per node: the summed strength of its ties to ideal clients, and how many it has.

    One pass over the ideal clients' ties; worth caching while the graph and profile hold.
    """
    clients = np.flatnonzero(icp).astype(np.int64)
    n = graph.num_nodes
    if not len(clients):
        return np.zeros(n), np.zeros(n)
    _owner, peer, strength = graph.edges_from(clients)
    reach = np.bincount(peer, weights=strength, minlength=n)
    count = np.bincount(peer, minlength=n)
    return np.asarray(reach, dtype=np.float64), np.asarray(count, dtype=np.float64)


def rank_advocates(
    graph: Graph, me: int, signals: Signals, *, top: int | None = None
) -> list[Advocate]:
    """Everyone I know directly, best advocate first."""
    n = graph.num_nodes
    known, tie = graph.neighbors(me)
    known = known.astype(np.int64)
    if not len(known):
        return []
    owner, peer, strength = graph.edges_from(known)
    useful = peer != me
    owner, peer, strength = owner[useful], peer[useful], strength[useful].astype(np.float64)
    client = signals.icp[peer].astype(np.float64)
    direct = _sum_by(owner, strength * client, minlength=len(known))
    reaches = _sum_by(owner, client, minlength=len(known)).astype(np.int64)

    # Two hops: each peer's own direct reach into the profile, passed back along the tie.
    # Scattered out from the ideal clients (one pass over their ties), not gathered from
    # every peer of every contact: through hubs the second is hundreds of times larger.
    peer_reach, peer_count = signals.client_reach or profile_reach(graph, signals.icp)
    indirect = _sum_by(owner, strength * peer_reach[peer], minlength=len(known))
    indirect_count = _sum_by(owner, peer_count[peer], minlength=len(known))

    mine = np.zeros(n, dtype=np.bool_)
    mine[known] = True
    mine[me] = True
    beyond = _sum_by(owner, (~mine[peer]).astype(np.float64), minlength=len(known))
    degree = graph.degree[known].astype(np.float64)
    brokerage = np.divide(beyond, degree, out=np.zeros(len(known)), where=degree > 0)
    connected = 0.5 * _saturate(np.log1p(degree), DEGREE_HALF) + 0.5 * brokerage

    trust = signals.trust[known]
    raw = {
        "reach": (1 - INDIRECT_DISCOUNT) * _saturate(direct, REACH_HALF)
        + INDIRECT_DISCOUNT * _saturate(indirect, INDIRECT_HALF),
        "sphere": np.clip(signals.sphere[known], 0.0, 1.0),
        "tie": tie.astype(np.float64),
        "trust": np.where(np.isnan(trust), UNKNOWN_TRUST, trust),
        "give_get": _column(signals.give_get, known),
        "briefed": _column(signals.briefed, known),
        "connected": connected,
    }
    parts = {name: WEIGHTS[name] * values for name, values in raw.items()}
    score = np.sum(list(parts.values()), axis=0)
    order = np.lexsort((graph.node_ids[known], -score))
    if top is not None:
        order = order[:top]
    found = []
    for i in order:
        exact, kept = _exact(parts, int(i))
        found.append(
            Advocate(
                node=int(known[i]),
                score=exact,
                parts=kept,
                reaches=int(reaches[i]),
                reaches_indirect=int(indirect_count[i]),
                tie=float(tie[i]),
            )
        )
    return found


def potential_advocates(
    graph: Graph, me: int, signals: Signals, *, top: int = 20
) -> list[Potential]:
    """People two hops away with the strongest reach into my ideal clients, with the best
    person I know to introduce me to each."""
    known, tie = graph.neighbors(me)
    known = known.astype(np.int64)
    if not len(known):
        return []
    owner, peer, strength = graph.edges_from(known)
    chain = tie[owner].astype(np.float64) * strength
    mine = np.zeros(graph.num_nodes, dtype=np.bool_)
    mine[known] = True
    mine[me] = True
    keep = ~mine[peer]
    owner, peer, chain = owner[keep], peer[keep], chain[keep]
    if not len(peer):
        return []
    # The best introducer per candidate: sort by (candidate, chain) and take each last entry.
    order = np.lexsort((chain, peer))
    last = np.ones(len(order), dtype=np.bool_)
    last[:-1] = peer[order][1:] != peer[order][:-1]
    best = order[last]
    candidates, introducer, introduction = peer[best], known[owner[best]], chain[best]

    client_reach, client_count = signals.client_reach or profile_reach(graph, signals.icp)
    direct = client_reach[candidates]
    reaches = client_count[candidates].astype(np.int64)
    degree = graph.degree[candidates].astype(np.float64)
    raw = {
        "reach": _saturate(direct, REACH_HALF),
        "sphere": np.clip(signals.sphere[candidates], 0.0, 1.0),
        "introduction": introduction,
        "connected": _saturate(np.log1p(degree), DEGREE_HALF),
    }
    weights = {"reach": 0.6, "sphere": 0.2, "introduction": 0.1, "connected": 0.1}
    parts = {name: weights[name] * values for name, values in raw.items()}
    score = np.sum(list(parts.values()), axis=0)
    eligible = np.flatnonzero((reaches > 0) | (raw["sphere"] > 0))
    ranked = eligible[np.lexsort((graph.node_ids[candidates[eligible]], -score[eligible]))][:top]
    found = []
    for i in ranked:
        exact, kept = _exact(parts, int(i))
        found.append(
            Potential(
                node=int(candidates[i]),
                score=exact,
                parts=kept,
                reaches=int(reaches[i]),
                introducer=int(introducer[i]),
                introduction=float(introduction[i]),
            )
        )
    return found
