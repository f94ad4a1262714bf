"""The identity engine: whether a record that arrives is someone already known.

Every way a person arrives (each importer, capture at an event, a referral, the web and
the API) asks `resolve` here, so one set of rules decides, and each answer carries its
reason. The rules, strongest first:

- an exact shared email, LinkedIn profile, vCard UID or identical earlier record (its
  fingerprint) is the same person;
- two *different* strong identifiers of one kind never merge on their own: two LinkedIn
  profiles are two people; two UIDs from one address book are two cards;
- a shared phone number or website alone never merges (offices, switchboards and
  companies share them): it makes a pair to review;
- a shared name alone never merges. The same name at the same organization, a similar
  name at the same organization, or a name nobody else in the network has (where one of
  the two gives no organization), makes a pair to review; --auto may merge the first kind
  when it is the only one.

Names, organizations, profile URLs and websites are folded here (pure text rules);
emails and phone numbers arrive already normalized (services.validate does that with
email-validator and phonenumbers).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol
from urllib.parse import unquote

SIMILAR = 88.0  # token-sorted similarity of two folded names that may be one person
RARE = 1  # a name shared with at most this many others in the network is rare
MAX_REVIEW = 5  # pairs to review that one record may open

# Letters that NFKD does not take apart but a person typing without accents replaces.
_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th", "ŀ": "l"}
)
_NOT_WORD = re.compile(r"[^\w]+")
_LEGAL = frozenset(
    "inc incorporated llc llp ltd limited plc gmbh ag sa sas sarl srl spa bv nv oy ab as "
    "co corp corporation company pty pte kk".split()
)
_PROFILE = re.compile(r"linkedin\.com/(in|pub)/([^/?#\s]+)", re.IGNORECASE)
_CANONICAL = re.compile(r"https://www\.linkedin\.com/(?:in|pub)/[a-z0-9_-]+")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


@functools.lru_cache(maxsize=1 << 16)  # networks repeat names: many people share them
def fold(text: str) -> str:
    """Text in its matching form: no accents, no case, words split at punctuation."""
    if text.isascii():
        return " ".join(_NOT_WORD.sub(" ", text.lower().replace("'", "")).split())
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", bare.replace("'", "").replace("’", "")).split())


def name_key(name: str) -> str:
    """A person's name as matched: folded ("José  O'Brien" → "jose obrien")."""
    return fold(name)


@functools.lru_cache(maxsize=1 << 14)
def org_key(name: str | None) -> str | None:
    """An organization as matched: folded, without legal forms ("Acme, Inc." → "acme")."""
    if not name:
        return None
    words = fold(name).split()
    kept = [w for w in words if w not in _LEGAL] or words
    return " ".join(kept) or None


def linkedin_url(url: str) -> str:
    """One form per LinkedIn profile: https://www.linkedin.com/in/<id>, lower case, bare."""
    if _CANONICAL.fullmatch(url):
        return url  # already in that form: the common case, kept cheap
    found = _PROFILE.search(unquote(url.strip()))
    if found is None:
        return url.strip()
    slug = found.group(2).lower().rstrip(".,;")
    return f"https://www.linkedin.com/{found.group(1).lower()}/{slug}"


def is_linkedin(url: str) -> bool:
    return _PROFILE.search(unquote(url)) is not None


def website(url: str) -> str:
    """A website as compared: host and path, lower case, no scheme, www, query or slash."""
    text = _SCHEME.sub("", url.strip().lower())
    text = text.split("#", 1)[0].split("?", 1)[0]
    text = text.removeprefix("www.")
    return text.rstrip("/")


class Key(StrEnum):
    """The kinds of identifier a person can be found by."""

    EMAIL = "email"
    LINKEDIN = "linkedin"
    UID = "uid"
    RECORD = "record"  # the fingerprint of a record that has no strong identifier
    PHONE = "phone"
    WEBSITE = "website"


STRONG = (Key.LINKEDIN, Key.UID, Key.EMAIL, Key.RECORD)  # in the order they win a tie
WEAK = (Key.PHONE, Key.WEBSITE)


@dataclass(frozen=True)
class Identity:
    """What one arriving record says about who someone is, in matching form."""

    name: str
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    linkedin: tuple[str, ...] = ()
    websites: tuple[str, ...] = ()
    uids: tuple[tuple[str, str], ...] = ()  # (scope, uid): the scope is the address book
    organization: str | None = None
    fingerprint: str | None = None
    name_key: str = field(init=False)
    org_key: str | None = field(init=False)
    strong: tuple[tuple[Key, str], ...] = field(init=False, repr=False)  # in STRONG's order

    def __post_init__(self) -> None:
        object.__setattr__(self, "name_key", name_key(self.name))
        object.__setattr__(self, "org_key", org_key(self.organization))
        found = [  # in STRONG's order, spelled out: it runs for every record of an import
            *((Key.LINKEDIN, value) for value in self.linkedin),
            *((Key.UID, uid) for _scope, uid in self.uids),
            *((Key.EMAIL, value) for value in self.emails),
            *(((Key.RECORD, self.fingerprint),) if self.fingerprint else ()),
        ]
        object.__setattr__(self, "strong", tuple(found))

    def keys(self, kind: Key) -> tuple[str, ...]:
        """The identifiers of one kind, as looked up."""
        if kind is Key.EMAIL:
            return self.emails
        if kind is Key.LINKEDIN:
            return self.linkedin
        if kind is Key.UID:
            return tuple(uid for _scope, uid in self.uids)
        if kind is Key.RECORD:
            return (self.fingerprint,) if self.fingerprint else ()
        if kind is Key.PHONE:
            return self.phones
        return self.websites


@functools.lru_cache(maxsize=1 << 16)
def blocks(name_key: str, org_key: str | None, *, unlinked: bool = False) -> tuple[str, ...]:
    """The blocks a person is filed under, so candidates are found without comparing all:
    the whole folded name, and (with an organization) the organization and the last name.

    People without a LinkedIn profile are filed twice, also under UNLINKED blocks: a record
    with a profile can only be one of them, so it looks there, and the many namesakes who
    have profiles of their own cost it nothing."""
    name, org = ("u", "p") if unlinked else ("n", "o")
    found = [f"{name}\x00{name_key}"] if name_key else []
    words = name_key.split()
    if org_key and words:
        found.append(f"{org}\x00{org_key}\x00{words[-1]}")
    return tuple(found)


@dataclass(frozen=True)
class Known:
    """What the engine needs to know of a person already stored."""

    person_id: int
    name_key: str
    org_key: str | None
    has_linkedin: bool = False
    uid_scopes: frozenset[str] = frozenset()
    is_me: bool = False


class People(Protocol):
    """The people already known, as the engine looks them up (a store, or an index)."""

    def find(self, kind: Key, value: str) -> Sequence[int]:
        """The people who have this identifier."""
        ...

    def block(self, block: str) -> Sequence[int]:
        """The people filed under this block."""
        ...

    def known(self, person_ids: Iterable[int]) -> dict[int, Known]:
        """What is known of these people (ids that vanished are left out)."""
        ...

    def linked(self, person_ids: Iterable[int]) -> set[int]:
        """Which of these people have a LinkedIn profile (a cheap first look)."""
        ...

    def count(self, block: str) -> int:
        """How many people are filed under this block."""
        ...


class Verdict(StrEnum):
    SAME = "same"
    REVIEW = "review"


@dataclass(frozen=True)
class Match:
    """One person the record may be, with the rule that says so and why, in words."""

    person_id: int
    verdict: Verdict
    rule: str
    reason: str
    score: float


@dataclass(frozen=True)
class Resolution:
    """The engine's answer: the one person the record is (or None: someone new), the
    pairs worth a look, and the one a rule may merge with --auto (same name and
    organization, nothing against it)."""

    person_id: int | None
    reason: str | None = None
    review: tuple[Match, ...] = ()
    likely: Match | None = None


_KEY_WORDS = {
    Key.EMAIL: "the email",
    Key.LINKEDIN: "the LinkedIn profile",
    Key.UID: "the card UID",
    Key.RECORD: "an identical record",
    Key.PHONE: "the phone number",
    Key.WEBSITE: "the website",
}


def resolve(record: Identity, people: People) -> Resolution:
    """Who RECORD is among PEOPLE, by the rules in this module's docstring."""
    hits: dict[int, list[tuple[Key, str]]] = {}
    for kind, value in record.strong:
        for pid in people.find(kind, value):
            hits.setdefault(pid, []).append((kind, value))
    facts = people.known(hits)
    same: list[tuple[int, Key, str]] = []
    review: list[Match] = []
    for pid, found in hits.items():
        known = facts.get(pid)
        if known is None:
            continue
        kind, value = found[0]
        against = _conflict(record, known, {k for k, _ in found})
        if against is None:
            same.append((pid, kind, value))
        elif not known.is_me:
            review.append(
                Match(pid, Verdict.REVIEW, "conflict", f"{_said(kind, value)}, but {against}", 90)
            )
    if same:
        same.sort(key=lambda s: (STRONG.index(s[1]), s[0]))
        pid, kind, value = same[0]
        for other, other_kind, other_value in same[1:]:
            if other != pid:
                review.append(
                    Match(
                        other,
                        Verdict.REVIEW,
                        "bridge",
                        f"one record gives {_what(kind, value)} of #{pid} and "
                        f"{_what(other_kind, other_value)} of #{other}",
                        100,
                    )
                )
        return Resolution(pid, _said(kind, value), _best(review, exclude=pid))
    review.extend(_weak(record, people, exclude=set(hits)))
    review.extend(_by_name(record, people, exclude=set(hits) | {m.person_id for m in review}))
    chosen = _best(review, exclude=None)
    named = [m for m in chosen if m.rule == "name-org"]
    likely = named[0] if len(named) == 1 and named[0] is chosen[0] else None
    return Resolution(None, None, chosen, likely)


def _what(kind: Key, value: str) -> str:
    return "an identical record" if kind is Key.RECORD else f"{_KEY_WORDS[kind]} {value}"


def _said(kind: Key, value: str) -> str:
    return f"they share {_what(kind, value)}"


def _conflict(record: Identity, known: Known, shared: set[Key]) -> str | None:
    """Why a strong identifier in common is not enough, or None."""
    if record.linkedin and known.has_linkedin and Key.LINKEDIN not in shared:
        return "their LinkedIn profiles differ"
    scopes = {scope for scope, _uid in record.uids}
    if scopes & known.uid_scopes and Key.UID not in shared:
        return "they are two cards in one address book"
    return None


def _weak(record: Identity, people: People, exclude: set[int]) -> list[Match]:
    found: dict[int, Match] = {}
    for kind in WEAK:
        for value in record.keys(kind):
            ids = [p for p in people.find(kind, value) if p not in exclude and p not in found]
            if len(ids) > 20:
                continue  # a switchboard or a company site: it says nothing of one person
            facts = people.known(ids)
            for pid in ids:
                known = facts.get(pid)
                if known is None or known.is_me:
                    continue
                what = "switchboards and offices" if kind is Key.PHONE else "colleagues"
                found[pid] = Match(
                    pid,
                    Verdict.REVIEW,
                    f"shared-{kind.value}",
                    f"{_said(kind, value)}, which {what} share too",
                    85 if known.name_key == record.name_key else 70,
                )
    return list(found.values())


def _by_name(record: Identity, people: People, exclude: set[int]) -> list[Match]:
    if not record.name_key:
        return []
    filed = blocks(record.name_key, record.org_key, unlinked=bool(record.linkedin))
    named = [p for p in people.block(filed[0]) if p not in exclude]
    nearby = [p for b in filed[1:] for p in people.block(b) if p not in exclude]
    if not named and not nearby:
        return []
    if record.linkedin:  # two profiles are two people, however alike their names
        linked = people.linked([*named, *nearby])  # (filed before they had one)
        named = [p for p in named if p not in linked]
        nearby = [p for p in nearby if p not in linked]
        namesakes = people.count(blocks(record.name_key, None)[0])
    else:
        namesakes = len(named)
    facts = people.known([*named, *nearby])
    found: dict[int, Match] = {}
    for pid in dict.fromkeys([*named, *nearby]):
        known = facts.get(pid)
        if known is None or known.is_me:
            continue
        match = _compare_names(record, known, namesakes)
        if match is not None:
            found[pid] = match
    return list(found.values())


def _compare_names(record: Identity, known: Known, namesakes: int) -> Match | None:
    same_org = bool(record.org_key) and record.org_key == known.org_key
    if known.name_key == record.name_key:
        if same_org:
            return Match(
                known.person_id, Verdict.REVIEW, "name-org", "same name and organization", 95
            )
        if namesakes <= RARE and not (record.org_key and known.org_key):
            # (at two different organizations, a name says little: people share names)
            reason = "same name, and nobody else in your network has it"
            return Match(known.person_id, Verdict.REVIEW, "rare-name", reason, 75)
        return None
    if same_org:
        from rapidfuzz import fuzz  # loaded by the few commands that compare names

        score = fuzz.token_sort_ratio(record.name_key, known.name_key)
        if score >= SIMILAR:
            return Match(
                known.person_id,
                Verdict.REVIEW,
                "similar-name-org",
                "a similar name at the same organization",
                round(score * 0.9, 1),
            )
    return None


def _best(matches: list[Match], exclude: int | None) -> tuple[Match, ...]:
    kept: dict[int, Match] = {}
    for match in sorted(matches, key=lambda m: (-m.score, m.person_id)):
        if match.person_id != exclude and match.person_id not in kept:
            kept[match.person_id] = match
    return tuple(list(kept.values())[:MAX_REVIEW])
