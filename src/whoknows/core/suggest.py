"""Give-first suggestions: introductions I could make between people I know, on meaning."""

from __future__ import annotations

import math
from collections.abc import Container, Sequence
from dataclasses import dataclass

from scipy import sparse

from whoknows.core.phrases import need_phrase, offer_phrase, reads_as_need
from whoknows.core.text import TfIdf, shared_terms
from whoknows.core.tiestrength import band

ASK_OFFER = "ask-offer"
IDEAL_CLIENT = "ideal-client"


@dataclass(frozen=True)
class Candidate:
    """Someone I know, with what they need, offer and whom they serve.

    profile says what they are (role, organization, industry, tags) in plain words: it is
    matched against other people's ideal clients and shown in explanations.
    """

    person: int
    name: str
    tie: float  # my tie strength to them, in [0, 1]
    trust: int | None = None  # my trust, 1-5
    asks: str | None = None
    offers: str | None = None
    serves: str | None = None
    profile: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class SuggestParams:
    """The knobs of the suggestions; defaults documented in docs/give-to-get.md."""

    min_similarity: float = 0.15  # cosine similarity below this is no match
    unknown_trust: float = 0.3  # trust not recorded counts as this, in [0, 1]
    tie_share: float = 0.5  # confidence in a side = tie_share·tie + (1 − tie_share)·trust
    ideal_client_weight: float = 0.8  # meeting a potential client is a step less direct
    # what someone is (role, industry) meets an ask less surely than what they say they offer
    profile_weight: float = 0.6
    max_per_person: int = 2  # a person appears in at most this many of the suggestions


DEFAULT_PARAMS = SuggestParams()


@dataclass(frozen=True)
class Suggestion:
    """Introduce A (who needs, or serves) to B (who offers, or is the kind A serves)."""

    a: int
    b: int
    kind: str  # ask-offer or ideal-client
    score: float
    similarity: float
    shared: tuple[str, ...]
    explanation: str


def _how_well(tie: float) -> str:
    return {"strong": "well", "good": "well", "weak": "a little"}.get(band(tie), "barely")


def _knowing(a: Candidate, b: Candidate) -> str:
    first, second = _how_well(a.tie), _how_well(b.tie)
    if first == second:
        return f"you know both {first}"
    return f"you know {a.name} {first} and {b.name} {second}"


def _confidence(c: Candidate, p: SuggestParams) -> float:
    trust = p.unknown_trust if c.trust is None else (min(max(c.trust, 1), 5) - 1) / 4
    return p.tie_share * min(max(c.tie, 0.0), 1.0) + (1 - p.tie_share) * trust


def _what(c: Candidate) -> str:
    """What someone is, for matching: role, organization and industry, and their tags."""
    return " ".join(x for x in (c.profile, *c.tags) if x)


def _need(c: Candidate) -> str:
    text = " ".join((c.asks or "").split()).rstrip(" .;")
    # "needs a bookkeeper" reads as "is looking for a bookkeeper"; "wants the factory to run
    # better" or a problem told in their own words is quoted as it was said.
    if reads_as_need(text):
        return f"{c.name} is looking for {need_phrase(text)}"
    return f"{c.name}\u2019s ask: \u201c{text}\u201d"


def _explain(kind: str, a: Candidate, b: Candidate, by_offer: bool) -> str:
    if kind == ASK_OFFER:
        need = _need(a)
        if by_offer and b.offers:
            give = f"{b.name} offers {offer_phrase(b.offers)}"
        else:
            give = f"{b.name} is {b.profile or ', '.join(b.tags)}"
    else:
        need = f"{a.name} serves {offer_phrase(a.serves or '')}"
        give = f"{b.name} is {b.profile}"
    return f"{need}; {give}; {_knowing(a, b)}"


def _pairs(
    queries: Sequence[Candidate],
    documents: Sequence[Candidate],
    query_text: Sequence[str],
    document_text: Sequence[str],
    min_similarity: float,
) -> list[tuple[Candidate, Candidate, float]]:
    if not queries or not documents:
        return []
    space = TfIdf(document_text)
    product = sparse.coo_matrix(space.query(query_text) @ space.matrix.T)
    found = []
    for row, col, value in zip(product.row, product.col, product.data, strict=True):
        if value >= min_similarity and queries[row].person != documents[col].person:
            found.append((queries[row], documents[col], float(min(value, 1.0))))
    return found


def suggest(
    candidates: Sequence[Candidate],
    *,
    exclude: Container[frozenset[int]] = (),
    top: int = 10,
    params: SuggestParams = DEFAULT_PARAMS,
) -> list[Suggestion]:
    """The best introductions to make among CANDIDATES, best first, one per pair.

    A pair matches when one's asks meet the other's offers (or what they are), or when
    one is the kind of client the other serves; EXCLUDE holds pairs that already know
    each other or were already introduced.
    """
    p = params
    askers = [c for c in candidates if c.asks and c.asks.strip()]
    offerers = [c for c in candidates if c.offers and c.offers.strip()]
    servers = [c for c in candidates if c.serves and c.serves.strip()]
    profiled = [c for c in candidates if _what(c)]
    asks = [c.asks or "" for c in askers]
    # (kind, a, b, similarity, weight, matched on b's offers)
    matches = [
        (ASK_OFFER, a, b, sim, 1.0, True)
        for a, b, sim in _pairs(
            askers, offerers, asks, [c.offers or "" for c in offerers], p.min_similarity
        )
    ]
    matches += [
        (ASK_OFFER, a, b, sim, p.profile_weight, False)
        for a, b, sim in _pairs(
            askers, profiled, asks, [_what(c) for c in profiled], p.min_similarity
        )
    ]
    matches += [
        (IDEAL_CLIENT, a, b, sim, p.ideal_client_weight, False)
        for a, b, sim in _pairs(
            servers,
            profiled,
            [c.serves or "" for c in servers],
            [_what(c) for c in profiled],
            p.min_similarity,
        )
    ]
    # The best match of each pair; its shared words and explanation only once it is chosen
    # (most pairs never are, and those words cost more than the scores).
    best: dict[frozenset[int], tuple[float, str, Candidate, Candidate, float, bool]] = {}
    for kind, a, b, sim, weight, by_offer in matches:
        pair = frozenset((a.person, b.person))
        if pair in exclude:
            continue
        score = round(weight * sim * math.sqrt(_confidence(a, p) * _confidence(b, p)), 6)
        if pair in best and best[pair][0] >= score:
            continue
        best[pair] = (score, kind, a, b, sim, by_offer)
    ranked = sorted(
        best.values(),
        key=lambda m: (-m[0], min(m[2].person, m[3].person), max(m[2].person, m[3].person)),
    )
    # A few people with broad asks or offers would fill the list: spread it over more people.
    chosen: list[Suggestion] = []
    seen: dict[int, int] = {}
    for score, kind, a, b, sim, by_offer in ranked:
        if len(chosen) >= top:
            break
        if max(seen.get(a.person, 0), seen.get(b.person, 0)) >= p.max_per_person:
            continue
        source = a.asks if kind == ASK_OFFER else a.serves
        target = b.offers if by_offer else _what(b)
        chosen.append(
            Suggestion(
                a=a.person,
                b=b.person,
                kind=kind,
                score=score,
                similarity=round(sim, 6),
                shared=tuple(shared_terms(source, target)),
                explanation=_explain(kind, a, b, by_offer),
            )
        )
        for person in (a.person, b.person):
            seen[person] = seen.get(person, 0) + 1
    return chosen
