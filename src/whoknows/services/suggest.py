"""Give-first suggestions: introductions I could make between people I know."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from whoknows.core import guard
from whoknows.core import suggest as core_suggest
from whoknows.core.graph import Graph
from whoknows.core.models import PersonRef
from whoknows.errors import BadOption, UserError
from whoknows.services import ledger, next_steps, reputation
from whoknows.services.snapshot import Snapshot, load_snapshot
from whoknows.services.store import Store
from whoknows.storage import introductions, persons
from whoknows.storage import ties as tie_rows

if TYPE_CHECKING:
    from whoknows.storage import schema as s
    from whoknows.storage.unit import Session


@dataclass(frozen=True)
class SuggestionView:
    """Introduce a (who needs, or serves) to b (who offers, or is the kind a serves)."""

    a: PersonRef
    b: PersonRef
    kind: str  # ask-offer or ideal-client
    score: float
    similarity: float
    shared: list[str]
    explanation: str
    command: str  # the command that proposes it
    # The reputation guard's reasons to hesitate (empty: it would let the introduction
    # through); only listed with held=True, after the ones it lets through.
    guard: str = ""


class _Excluded:
    """Pairs not to suggest: a tie between them exists, or an introduction of them does."""

    def __init__(
        self, graph: Graph, introduced: set[frozenset[int]], among: Sequence[int] = ()
    ) -> None:
        self.graph = graph
        self.introduced = introduced
        # The ties among AMONG (the candidates) read in one vectorised pass: a set lookup
        # per pair instead of a search in the graph per pair.
        self.among = frozenset(among)
        self.tied: set[frozenset[int]] = set()
        ids = np.asarray(sorted(self.among), dtype=np.int64)
        if len(ids):
            nodes = graph.index_of(ids, strict=False)
            ids, nodes = ids[nodes >= 0], nodes[nodes >= 0]
            owner, neighbour, strength = graph.edges_from(nodes)
            inside = np.isin(neighbour, nodes) & (strength > 0)
            other = graph.node_ids[neighbour[inside]]
            for a, b in zip(ids[owner[inside]].tolist(), other.tolist(), strict=True):
                self.tied.add(frozenset((int(a), int(b))))

    def __contains__(self, pair: object) -> bool:
        if not isinstance(pair, frozenset) or len(pair) != 2:
            return False
        if pair in self.introduced:
            return True
        if pair <= self.among:
            return pair in self.tied
        u, v = (int(x) for x in self.graph.index_of(np.asarray(sorted(pair), dtype=np.int64)))
        return self.graph.strength_of(u, v) > 0


def _profile(row: s.Person) -> str | None:
    """What someone is, in words: "Operations Director at Ferro (manufacturing)"."""
    org = row.organization
    headline = " at ".join(x for x in (row.role, org.name if org else None) if x)
    industry = row.industry or (org.industry if org else None)
    if industry:
        headline = f"{headline} ({industry})" if headline else industry
    return headline or None


def _candidates(
    session: Session, owner_id: int, me_id: int, ties: dict[int, float]
) -> list[core_suggest.Candidate]:
    rows = tie_rows.people_tied_to(session, owner_id, me_id)
    found = []
    for row in rows:
        tags = tuple(t.tag for t in row.tags)
        profile = _profile(row)
        if not (row.asks or row.offers or row.serves or profile or tags):
            continue
        found.append(
            core_suggest.Candidate(
                person=row.id,
                name=row.name,
                tie=ties.get(row.id, 0.0),
                trust=row.trust,
                asks=row.asks,
                offers=row.offers,
                serves=row.serves,
                profile=profile,
                tags=tags,
            )
        )
    return found


def suggest(
    store: Store,
    *,
    top: int = 10,
    today: dt.date | None = None,
    params: core_suggest.SuggestParams = core_suggest.DEFAULT_PARAMS,
    held: bool = False,
) -> list[SuggestionView]:
    """Introductions I could make: one person's asks meet another's offers, or one is the kind
    of client another serves; weighed by my trust and ties, never between people who already
    know each other or were already introduced. Each goes through the reputation guard, as
    `intro` would: those it would stop are left out, or with HELD listed after the others
    (at most TOP of each) with the guard's note."""
    if top < 1:
        raise BadOption("top", top, "is out of range", hint="use 1 or more")
    snapshot = load_snapshot(store, today=today)
    if snapshot.me is None:
        raise UserError("who you are is not set yet", hint=next_steps.SET_ME)
    # Every write bumps the data version, which makes a new snapshot: the same snapshot
    # object means the same people, ties and introductions, hence the same answer.
    key = (snapshot.day, top, params)
    found = store.cache.get(
        "suggest", key, snapshot.data_version, lambda: _suggest(store, snapshot, top, params)
    )
    clean = [x for x in found if not x.guard][:top]
    return clean + [x for x in found if x.guard][:top] if held else clean


def _mine(
    session: Session, store: Store, snapshot: Snapshot, me: int
) -> tuple[int, list[core_suggest.Candidate]]:
    """My id, and the people I know (first degree) as candidates, with my ties to them."""
    graph = snapshot.graph
    nodes, strengths = graph.neighbors(me)
    ties = {int(pid): float(st) for pid, st in zip(graph.node_ids[nodes], strengths, strict=True)}
    me_id = int(graph.node_ids[me])
    return me_id, _candidates(session, store.owner_id, me_id, ties)


def _suggest(
    store: Store, snapshot: Snapshot, top: int, params: core_suggest.SuggestParams
) -> list[SuggestionView]:
    if snapshot.me is None:  # checked by suggest(); kept for the type checker
        raise UserError("who you are is not set yet", hint=next_steps.SET_ME)
    graph = snapshot.graph
    with store.read() as session:
        me_id, candidates = _mine(session, store, snapshot, snapshot.me)
        introduced = introductions.pairs(session, store.owner_id)
        # Enough to fill TOP after the guard has held some back.
        found = core_suggest.suggest(
            candidates,
            exclude=_Excluded(graph, introduced, [c.person for c in candidates]),
            top=top * GUARD_MARGIN,
            params=params,
        )
        names = {c.person: c.name for c in candidates}
        verdict = _Guard(session, store, me_id, snapshot.day).read(found)
        return [_view(x, names, verdict) for x in found]


def for_person(
    store: Store,
    person_id: int,
    *,
    top: int = 5,
    today: dt.date | None = None,
    params: core_suggest.SuggestParams = core_suggest.DEFAULT_PARAMS,
) -> list[SuggestionView]:
    """The introductions I could make for one person (their asks met, their clients or the
    people they could help), best first, each with the reputation guard's note (empty when
    it would let it through)."""
    snapshot = load_snapshot(store, today=today)
    if snapshot.me is None:
        raise UserError("who you are is not set yet", hint=next_steps.SET_ME)
    graph = snapshot.graph
    with store.read() as session:
        me_id, candidates = _mine(session, store, snapshot, snapshot.me)
        if person_id not in {c.person for c in candidates}:
            return []
        introduced = introductions.pairs(session, store.owner_id, person_id)
        everyone = dataclasses.replace(params, max_per_person=len(candidates))
        found = [
            x
            for x in core_suggest.suggest(
                candidates,
                exclude=_Excluded(graph, introduced, [c.person for c in candidates]),
                top=len(candidates) ** 2,
                params=everyone,
            )
            if person_id in (x.a, x.b)
        ][: top * GUARD_MARGIN]
        names = {c.person: c.name for c in candidates}
        verdict = _Guard(session, store, me_id, snapshot.day).read(found)
        views = [_view(x, names, verdict) for x in found]
    return ([v for v in views if not v.guard] + [v for v in views if v.guard])[:top]


def _view(x: core_suggest.Suggestion, names: dict[int, str], verdict: _Guard) -> SuggestionView:
    return SuggestionView(
        a=PersonRef(x.a, names[x.a]),
        b=PersonRef(x.b, names[x.b]),
        kind=x.kind,
        score=x.score,
        similarity=x.similarity,
        shared=list(x.shared),
        explanation=x.explanation,
        command=f'whoknows intro {x.a} {x.b} --why "{_why(x)}"',
        guard=verdict.of(x.a, x.b),
    )


GUARD_MARGIN = 3  # suggestions considered per one shown: the guard may hold some back


class _Guard:
    """The reputation guard's verdict on introducing two people, as `intro` gives it."""

    def __init__(self, session: Session, store: Store, me_id: int, day: dt.date) -> None:
        self.session, self.store, self.me_id, self.day = session, store, me_id, day
        self.sides: dict[int, guard.Side] = {}
        # Read once for every side, not once per side.
        self.services = ledger.services_by_person(session, store.owner_id, me_id)
        self.rows: dict[int, s.Person] = {}

    def read(self, found: Sequence[core_suggest.Suggestion]) -> _Guard:
        """The people of FOUND in one query (kept here: the session only holds them weakly)."""
        self.rows.update(persons.by_ids(self.session, {x.a for x in found} | {x.b for x in found}))
        return self

    def _side(self, person_id: int) -> guard.Side:
        if person_id not in self.sides:
            person = self.rows.get(person_id) or persons.get(self.session, person_id)
            assert person is not None  # a candidate read in this transaction
            self.sides[person_id] = reputation.side(
                self.session, self.store, self.me_id, person, self.day, self.services
            )
        return self.sides[person_id]

    def of(self, a: int, b: int) -> str:
        """Why the guard would stop introducing A and B; empty when it would not."""
        return guard.summary(guard.check([self._side(a), self._side(b)], self.day))


def _why(found: core_suggest.Suggestion) -> str:
    first = found.explanation.split("; ")[:2]
    return "; ".join(first).replace('"', "'")
