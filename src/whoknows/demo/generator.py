"""The demo network as numpy arrays, from a seed: organizations, people and who knows whom."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from whoknows.demo import details, draws, history, vocab

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Int32s = NDArray[np.int32]  # the ten million ties at large: half the memory of int64
Progress = Callable[[str, int, int], None]

# Tie sources, in the priority that decides the source of a pair found by several mechanisms.
SOURCES = ("told", "colleague", "calendar", "email", "event", "linkedin", "manual")
_S = {name: i for i, name in enumerate(SOURCES)}
# Beta(a, b) of tie strength per source: a LinkedIn connection is weak, "told" (close) strong.
_BETA = np.array([(6, 2), (4, 3), (3.5, 3), (3, 4), (2, 5), (1.5, 6), (3, 3)], dtype=np.float64)


@dataclass(frozen=True)
class Size:
    """How big a demo network is."""

    name: str
    people: int  # everyone, me included
    first_degree: int
    organizations: int
    ties: int
    events: int
    anchored: float  # share of the others tied to at least one of my contacts (second degree)
    lean: bool  # no texts or tags beyond my contacts: keeps a million rows small


SIZES = {
    "small": Size("small", 2_301, 300, 400, 15_000, 30, 1.0, lean=False),
    "medium": Size("medium", 20_301, 300, 3_000, 150_000, 30, 1.0, lean=False),
    "large": Size("large", 1_000_000, 1_000, 50_000, 10_000_000, 30, 0.1, lean=True),
}

N_CITIES = len(vocab.CITIES)
N_INDUSTRIES = len(vocab.INDUSTRIES)
INDUSTRY = {industry.name: i for i, industry in enumerate(vocab.INDUSTRIES)}
CITY = {city.name: i for i, city in enumerate(vocab.CITIES)}
PROVIDER = np.array([industry.provider for industry in vocab.INDUSTRIES])
# Every role once: general roles first, then each industry's own.
ROLES = tuple(
    dict.fromkeys(
        [*vocab.GENERAL_ROLES, *(r for industry in vocab.INDUSTRIES for r in industry.roles)]
    )
)
_ROLE = {role: i for i, role in enumerate(ROLES)}
_GENERAL = np.array([_ROLE[r] for r in vocab.GENERAL_ROLES])
_BY_INDUSTRY = [np.array([_ROLE[r] for r in industry.roles]) for industry in vocab.INDUSTRIES]
_POOL_SHARE = np.array([pool.share for pool in vocab.NAME_POOLS])
FIRST_OFFSET = np.cumsum([0] + [len(pool.first) for pool in vocab.NAME_POOLS])
LAST_OFFSET = np.cumsum([0] + [len(pool.last) for pool in vocab.NAME_POOLS])


@dataclass(frozen=True)
class World:
    """Organizations and people (index 0 is me, in organization 0: my own firm)."""

    org_industry: Ints
    org_city: Ints
    org_size: Ints
    org_base: Ints  # index into vocab.ORG_BASES followed by the Latin last names
    org_word: Ints  # index into the industry's org_words
    org_suffix: Ints
    industry: Ints
    city: Ints
    organization: Ints  # -1: independent
    role: Ints  # index into ROLES
    client_industry: Ints  # whom they serve
    name_pool: Ints
    first: Ints  # index into the pools' first names, all pools one after the other
    last: Ints
    weight: Floats  # sociability: heavy-tailed, drives the degree


@dataclass(frozen=True)
class Ties:
    """Undirected ties, a < b, sorted by (a, b); days are counted back from today."""

    a: Int32s
    b: Int32s
    source: NDArray[np.int8]  # index into SOURCES
    strength: Floats
    since_days: Int32s
    last_seen_days: Int32s  # -1: unknown


@dataclass(frozen=True)
class Network:
    size: Size
    seed: int
    world: World
    ties: Ties
    history: history.History
    details: details.Details

    @property
    def second_degree(self) -> int:
        """People tied to one of my contacts but not to me."""
        contact = np.zeros(self.size.people, dtype=bool)
        contact[self.history.contacts] = True
        ends = np.concatenate(
            [self.ties.b[contact[self.ties.a]], self.ties.a[contact[self.ties.b]]]
        )
        beyond = np.ones(self.size.people, dtype=bool)
        beyond[self.history.contacts] = False
        beyond[0] = False
        return int(np.count_nonzero(beyond[np.unique(ends)]))


def generate(size: Size, seed: int, today: dt.date, progress: Progress | None = None) -> Network:
    """The whole demo network; the same size, seed and today always give the same arrays.

    Dates are days before `today` (events and meetings fall on working days).
    """
    rng = np.random.default_rng(seed)
    report = progress or (lambda _step, _done, _total: None)
    report("generating", 0, 4)
    world = _world(rng, size)
    report("generating", 1, 4)
    past = history.generate(rng, size.first_degree, size.events, _history_input(world), today)
    report("generating", 2, 4)
    known = details.generate(
        rng, world.industry, world.organization, past.contacts, past.stage, lean=size.lean
    )
    ties = _ties(rng, size, world, past, lambda: report("generating", 3, 4))
    report("generating", 4, 4)
    return Network(size, seed, world, ties, past, known)


def _world(rng: np.random.Generator, size: Size) -> World:
    n_orgs, n = size.organizations, size.people
    org_industry = draws.zipf(rng, N_INDUSTRIES, n_orgs, 0.9)
    org_city = draws.zipf(rng, N_CITIES, n_orgs, 1.0)
    org_size = np.clip(np.rint(rng.lognormal(3.2, 1.5, n_orgs)), 1, 20_000).astype(np.int64)
    # Organization 0 is my own small consulting firm.
    org_industry[0], org_city[0], org_size[0] = INDUSTRY[vocab.ME.industry], CITY[vocab.ME.city], 4
    n_bases = len(vocab.ORG_BASES) + len(vocab.NAME_POOLS[0].last)
    words = np.array([len(vocab.INDUSTRIES[i].org_words) for i in range(N_INDUSTRIES)])
    org_word = draws.skewed(rng, words[org_industry])
    org_suffix = rng.integers(0, 8, n_orgs)
    org_base = rng.integers(0, n_bases, n_orgs)

    # We know more people at a bigger organization, but not in proportion to its size.
    pull = org_size.astype(np.float64) ** 0.6
    pull[0] = 0.0
    organization = rng.choice(n_orgs, size=n, p=pull / pull.sum()).astype(np.int64)
    independent = rng.random(n) < 0.08
    organization[independent] = -1
    organization[0] = 0
    providers = np.flatnonzero(PROVIDER)
    industry = np.where(
        independent, providers[draws.zipf(rng, len(providers), n, 0.8)], org_industry[organization]
    )
    city = np.where(independent, draws.zipf(rng, N_CITIES, n, 1.0), org_city[organization])

    lengths = np.array([len(r) for r in _BY_INDUSTRY])
    own = np.concatenate(_BY_INDUSTRY)[
        np.cumsum(np.r_[0, lengths[:-1]])[industry] + draws.skewed(rng, lengths[industry])
    ]
    general = _GENERAL[draws.skewed(rng, np.full(n, len(_GENERAL)))]
    role = np.where(rng.random(n) < 0.75, own, general)

    client = draws.zipf(rng, N_INDUSTRIES, n, 0.9)
    client = np.where(client == industry, 0, client)  # most often then: manufacturers

    pool = rng.choice(len(_POOL_SHARE), size=n, p=_POOL_SHARE / _POOL_SHARE.sum())
    first_len = np.diff(FIRST_OFFSET)[pool]
    last_len = np.diff(LAST_OFFSET)[pool]
    first = FIRST_OFFSET[pool] + np.minimum(
        (rng.random(n) * first_len).astype(np.int64), first_len - 1
    )
    last = LAST_OFFSET[pool] + draws.skewed(rng, last_len)

    # Pareto sociability, capped: a power-law degree tail without absurd hubs.
    weight = np.minimum(1.0 + rng.pareto(1.8, n), n / 40 + 2.0)
    weight[0] = 0.0  # my own ties are my contacts, made by the history
    return World(
        org_industry=org_industry,
        org_city=org_city,
        org_size=org_size,
        org_base=org_base,
        org_word=org_word,
        org_suffix=org_suffix,
        industry=industry.astype(np.int64),
        city=city.astype(np.int64),
        organization=organization,
        role=role.astype(np.int64),
        client_industry=client.astype(np.int64),
        name_pool=pool.astype(np.int64),
        first=first,
        last=last,
        weight=weight,
    )


def _history_input(world: World) -> history.People:
    my_city = CITY[vocab.ME.city]
    region = np.isin(world.city, [CITY[c] for c in vocab.ME.icp_cities])
    icp = np.isin(world.industry, [INDUSTRY[i] for i in vocab.ME.icp_industries])
    serves_icp = PROVIDER[world.industry] & np.isin(
        world.client_industry, [INDUSTRY[i] for i in vocab.ME.icp_industries]
    )
    # A networker meets people of their own city and of their clients' and advocates' trades.
    pull = np.sqrt(world.weight) * np.where(world.city == my_city, 12.0, np.where(region, 4.0, 1.0))
    pull *= np.where(PROVIDER[world.industry], 3.0, 1.0) * np.where(icp, 2.0, 1.0)
    return history.People(
        pull=pull,
        organization=world.organization,
        city=world.city,
        industry=world.industry,
        affinity=icp | serves_icp,
    )


def _queries(rng: np.random.Generator, weight: Floats, budget: float) -> Ints:
    """Who reaches out, how often: about `budget` queries, ∝ sociability."""
    counts = rng.poisson(budget * weight / weight.sum())
    return np.repeat(np.arange(len(weight)), counts)


def _edges(rng: np.random.Generator, size: Size, world: World, past: history.History) -> Ints:
    """Candidate pairs from every mechanism, packed as key = pair * 8 + source."""
    w, n = world.weight, size.people
    community = world.industry * N_CITIES + world.city
    parts: list[Ints] = []

    def add(a: Ints, b: Ints, source: Ints | int) -> None:
        # Nobody but the history makes ties with me (index 0): my contacts are its choice.
        ok = (a > 0) & (b > 0) & (a != b)
        low, high = np.minimum(a, b)[ok], np.maximum(a, b)[ok]
        src = source[ok] if isinstance(source, np.ndarray) else source
        parts.append((low * n + high) * 8 + src)

    mine = past.contacts
    how = np.array([_S[h.value] for h in history.MET_HOW])
    parts.append(mine * 8 + how[past.met_how])  # (me, contact): me is index 0
    add(past.extra_a, past.extra_b, how[past.extra_how])

    # Second degree: the others are people my contacts know, mostly in their own world.
    others = np.ones(n, dtype=bool)
    others[mine], others[0] = False, False
    anchored = np.flatnonzero(others & (rng.random(n) < size.anchored))
    pull = np.zeros(n)
    pull[mine] = w[mine] ** 0.7
    anchor = np.full(len(anchored), -1)
    mode = rng.random(len(anchored))
    for keys, use in ((community, mode < 0.55), (world.city, mode < 0.8), (np.zeros(n, int), True)):
        todo = (anchor < 0) & use
        anchor[todo] = draws.pick_in_groups(rng, keys, pull, keys[anchored[todo]])
    add(anchored, anchor, _mix(rng, len(anchored), linkedin=4, email=2, told=1.5, calendar=1.5))

    # Colleagues: a chain through each organization in random order closes triangles.
    member = np.flatnonzero(world.organization > 0)
    member = member[np.lexsort((rng.random(len(member)), world.organization[member]))]
    org = world.organization[member]
    for step in (1, 2):
        same = org[:-step] == org[step:]
        add(member[:-step][same], member[step:][same], _S["colleague"])

    budget = max(size.ties * 1.12 - sum(len(p) for p in parts), size.ties * 0.3)
    alone = -2 - np.arange(n)  # independents have no colleagues
    modes: list[tuple[Ints, float, dict[str, float]]] = [
        (community, 0.42, {"linkedin": 4.5, "email": 2, "event": 1.5, "told": 1}),
        (world.city, 0.12, {"linkedin": 5, "event": 3, "email": 1, "told": 1}),
        (world.industry, 0.08, {"linkedin": 7, "event": 2, "email": 1}),
        (np.where(world.organization >= 0, world.organization, alone), 0.05, {"colleague": 1}),
        (np.zeros(n, dtype=np.int64), 0.05, {"linkedin": 1}),
    ]
    for keys, share, mix in modes:
        q = _queries(rng, w, budget * share)
        add(q, draws.pick_in_groups(rng, keys, w, keys[q]), _mix(rng, len(q), **mix))
    # Suppliers know their clients: an accountant serving manufacturers knows manufacturers.
    q = _queries(rng, w * PROVIDER[world.industry], budget * 0.1)
    clients = world.client_industry[q] * N_CITIES + world.city[q]
    add(
        q,
        draws.pick_in_groups(rng, community, w, clients),
        _mix(rng, len(q), email=3, told=2, calendar=2),
    )
    packed = _unique_pairs(np.concatenate(parts))

    # Triadic closure: friends of friends meet (vectorised over random wedges u–v–w).
    # Both directions of every tie, sorted by (from, to): a CSR adjacency in one array.
    pair = packed // 8
    directed = np.concatenate([pair, (pair % n) * n + pair // n])
    del pair
    directed.sort()
    indptr = np.searchsorted(directed, np.arange(n + 1, dtype=np.int64) * n)
    degree = np.diff(indptr)
    pick = rng.integers(0, len(directed), int(budget * 0.18))
    centre, u = directed[pick] // n, directed[pick] % n
    v = directed[indptr[centre] + (rng.random(len(pick)) * degree[centre]).astype(np.int64)] % n
    del directed
    parts = [packed]
    add(u, v, _mix(rng, len(pick), told=3, email=2.5, linkedin=2.5, calendar=1, event=1))
    return _unique_pairs(np.concatenate(parts))


def _mix(rng: np.random.Generator, count: int, **shares: float) -> Ints:
    names = list(shares)
    p = np.array([shares[k] for k in names])
    codes = np.array([_S[k] for k in names])
    return codes[rng.choice(len(names), size=count, p=p / p.sum())]


def _unique_pairs(packed: Ints) -> Ints:
    """One key per pair, keeping the highest-priority (lowest) source, sorted by pair."""
    packed = np.sort(packed)
    pair = packed // 8
    first = np.ones(len(packed), dtype=bool)
    first[1:] = pair[1:] != pair[:-1]
    return packed[first]


def _quiet_for(
    draw: NDArray[np.float64], strength: NDArray[np.float64], since: NDArray[np.int32]
) -> NDArray[np.int32]:
    """Days since a tie was last seen, within its SINCE days: close ties are mostly recent
    (recency predicts strength best, Gilbert & Karahalios 2009) and loose ones may have gone
    quiet years ago; ties age from then (core/tiestrength.py)."""
    return (draw ** (1 + 4 * strength) * since).astype(np.int32)


def _ties(
    rng: np.random.Generator,
    size: Size,
    world: World,
    past: history.History,
    step: Callable[[], None],
) -> Ties:
    n = size.people
    packed = _edges(rng, size, world, past)
    step()
    extra = np.minimum(past.extra_a, past.extra_b) * n + np.maximum(past.extra_a, past.extra_b)
    # The mechanisms overshoot on purpose; top up in the rare case duplicates ate too much.
    while len(packed) < size.ties:
        q = _queries(rng, world.weight, size.ties * 0.05 + 100)
        other = draws.pick_in_groups(
            rng, np.zeros(n, np.int64), world.weight, np.zeros(len(q), np.int64)
        )
        ok = (q != other) & (other > 0)
        more = (np.minimum(q, other)[ok] * n + np.maximum(q, other)[ok]) * 8 + _S["linkedin"]
        packed = _unique_pairs(np.concatenate([packed, more]))
    pair = packed // 8
    kept = (pair < n) | np.isin(pair, extra)  # my ties and those the history implies
    spare = np.flatnonzero(~kept)
    kept[rng.choice(spare, size.ties - np.count_nonzero(kept), replace=False)] = True
    packed = packed[kept]
    del pair, kept, spare
    source = (packed % 8).astype(np.int8)
    strength = np.round(np.clip(rng.beta(_BETA[source, 0], _BETA[source, 1]), 0.01, 1.0), 3)
    since = rng.integers(60, 15 * 365, len(packed), dtype=np.int32)
    last_seen = _quiet_for(rng.random(len(packed)), strength, since)
    # Ties the history implies date from the introduction or the meeting (the earliest).
    extra_since = np.full(len(packed), -1, dtype=np.int64)
    np.maximum.at(extra_since, np.searchsorted(packed // 8, extra), past.extra_since)
    known = extra_since >= 0
    since[known] = extra_since[known]
    last_seen[known] = _quiet_for(
        rng.random(np.count_nonzero(known)), strength[known], since[known]
    )
    # My own ties carry what the history says: how and when we met, and how close we are.
    rows = np.searchsorted(packed // 8, past.contacts)
    strength[rows], since[rows] = past.contact_strength, past.contact_since
    last_seen[rows] = past.contact_last_seen
    pair = packed // 8
    a, b = (pair // n).astype(np.int32), (pair % n).astype(np.int32)
    return Ties(a, b, source, strength, since, last_seen)
