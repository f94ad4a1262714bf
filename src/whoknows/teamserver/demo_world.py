"""The team demo's world as arrays (numpy, one seed): people, organizations, members, ties.

People are drawn from the local demo's word lists (names repeat, as real ones do);
organizations' sizes follow a Zipf law; members know from a few thousand to a hundred
thousand people, popular people are known by many members, and members know each other.
teamserver/demo.py writes it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from whoknows.demo import vocab

I64 = npt.NDArray[np.int64]

FIRM_SLUG = "demo-firm"
CHAPTER_SLUG = "demo-chapter"
FIRM_DOMAIN = "harbourpartners.test"
PASSWORD = "demo-password-2026"  # printed by the demo: every demo login uses it
LEVEL_SHARES = (("who", 0.70), ("name", 0.25), ("nothing", 0.05))
BAND_SHARES = (0.6, 0.3, 0.1)  # weak, good, strong


@dataclass(frozen=True)
class Size:
    members: int
    people: int
    ties: int
    chapter: int = 25
    chapter_ties: int = 300  # per chapter member


SIZES = {
    "small": Size(members=20, people=2_000, ties=10_000, chapter=8, chapter_ties=40),
    "medium": Size(members=200, people=100_000, ties=1_000_000),
    "large": Size(members=200, people=1_000_000, ties=10_000_000),
}


@dataclass(frozen=True)
class People:
    """Everyone in the world, by index: names, roles and organizations as codes into lists."""

    first: list[str]
    last: list[str]
    roles: list[str]
    orgs: list[str]
    first_code: I64
    last_code: I64
    role_code: I64
    org_code: I64

    def __len__(self) -> int:
        return len(self.first_code)

    def name(self, i: int) -> str:
        return f"{self.first[self.first_code[i]]} {self.last[self.last_code[i]]}"

    def email(self, i: int) -> str:
        first = _ascii(self.first[self.first_code[i]])
        last = _ascii(self.last[self.last_code[i]])
        return f"{first}.{last}.{i}@{_domain(self.orgs[self.org_code[i]])}"


@dataclass(frozen=True)
class Space:
    """One space of the demo: its members (person indices) and their shared ties."""

    slug: str
    name: str
    kind: str
    members: I64  # person index of each member
    levels: list[str]  # each member's sharing level
    tie_member: I64  # position in ``members``
    tie_person: I64
    tie_band: I64  # 1..3


@dataclass(frozen=True)
class World:
    people: People
    firm: Space
    chapter: Space


def world(size: Size, seed: int = 17) -> World:
    rng = np.random.default_rng(seed)
    people = _people(size.people + size.members + size.chapter, rng)
    # The last indices are the members: the firm's, then the chapter's own (some firm members
    # are in the chapter too, as a person may belong to several spaces).
    firm_members = np.arange(size.people, size.people + size.members, dtype=np.int64)
    own = np.arange(size.people + size.members, len(people), dtype=np.int64)
    both = firm_members[: size.chapter // 3]
    chapter_members = np.concatenate([both, own[: size.chapter - len(both)]])
    firm = _space(FIRM_SLUG, "Harbour Partners", "firm", firm_members, size.people, size.ties, rng)
    chapter = _space(
        CHAPTER_SLUG,
        "Riverside Chapter",
        "group",
        chapter_members,
        size.people,
        size.chapter_ties * size.chapter,
        rng,
    )
    return World(people, firm, chapter)


def _people(n: int, rng: np.random.Generator) -> People:
    pools = vocab.NAME_POOLS
    shares = np.array([p.share for p in pools])
    pool_of = rng.choice(len(pools), size=n, p=shares / shares.sum())
    first: list[str] = []
    last: list[str] = []
    first_code = np.zeros(n, dtype=np.int64)
    last_code = np.zeros(n, dtype=np.int64)
    for number, pool in enumerate(pools):
        mine = np.flatnonzero(pool_of == number)
        first_code[mine] = len(first) + _zipf(len(pool.first), len(mine), rng, 0.8)
        last_code[mine] = len(last) + _zipf(len(pool.last), len(mine), rng, 0.6)
        first.extend(pool.first)
        last.extend(pool.last)
    industries = vocab.INDUSTRIES
    orgs: list[str] = []
    org_roles: list[int] = []  # the industry of each organization
    n_orgs = max(50, n // 25)
    for i in range(n_orgs):
        industry = int(_zipf(len(industries), 1, rng, 1.0)[0])
        words = industries[industry].org_words
        base = vocab.ORG_BASES[i % len(vocab.ORG_BASES)]
        suffix = vocab.COMPANY_SUFFIXES[(i // 7) % len(vocab.COMPANY_SUFFIXES)]
        name = f"{base} {words[(i // len(vocab.ORG_BASES)) % len(words)]} {suffix}"
        if i >= len(vocab.ORG_BASES) * len(words):
            name = f"{name} {i // (len(vocab.ORG_BASES) * len(words)) + 1}"
        orgs.append(name)
        org_roles.append(industry)
    org_code = _zipf(n_orgs, n, rng, 0.8)  # a few big organizations, a long tail of small
    roles = sorted({r for ind in industries for r in ind.roles} | set(vocab.GENERAL_ROLES))
    role_at = {r: i for i, r in enumerate(roles)}
    role_choices = [
        np.array([role_at[r] for r in (*industries[k].roles, *vocab.GENERAL_ROLES)])
        for k in range(len(industries))
    ]
    role_code = np.zeros(n, dtype=np.int64)
    industry_of = np.array(org_roles)[org_code]
    for k, choices in enumerate(role_choices):
        mine = np.flatnonzero(industry_of == k)
        role_code[mine] = choices[_zipf(len(choices), len(mine), rng, 1.0)]
    return People(first, last, roles, orgs, first_code, last_code, role_code, org_code)


def _space(
    slug: str,
    name: str,
    kind: str,
    members: I64,
    n_people: int,
    n_ties: int,
    rng: np.random.Generator,
) -> Space:
    m = len(members)
    levels = [
        str(x)
        for x in rng.choice(
            [name for name, _ in LEVEL_SHARES], size=m, p=[p for _, p in LEVEL_SHARES]
        )
    ]
    # How many people each member knows: skewed, from a few thousand to many more.
    weights = rng.lognormal(0.0, 0.8, size=m)
    # (a few percent more draws than ties: some draws repeat a tie and are merged)
    degree = np.maximum(1, (weights / weights.sum() * n_ties * 1.07).astype(np.int64))
    # Who they know: popular people are known by many members.
    popularity = 1.0 / np.arange(1, n_people + 1) ** 0.35
    popularity = rng.permutation(popularity)
    popularity /= popularity.sum()
    owner = np.repeat(np.arange(m, dtype=np.int64), degree)
    person = rng.choice(n_people, size=len(owner), p=popularity).astype(np.int64)
    # Members know some of each other (a tie to a member is a tie to their node).
    knows = min(m - 1, 12)
    if knows > 0:
        colleague_owner = np.repeat(np.arange(m, dtype=np.int64), knows)
        colleague = members[rng.integers(0, m, size=len(colleague_owner))]
        owner = np.concatenate([owner, colleague_owner])
        person = np.concatenate([person, colleague])
    pair = np.unique(owner * (n_people + 1 << 20) + person)
    owner, person = pair // (n_people + 1 << 20), pair % (n_people + 1 << 20)
    self_tie = members[owner] == person
    owner, person = owner[~self_tie], person[~self_tie]
    band = rng.choice(3, size=len(owner), p=BAND_SHARES).astype(np.int64) + 1
    return Space(slug, name, kind, members, levels, owner, person, band)


def _zipf(n: int, count: int, rng: np.random.Generator, exponent: float) -> I64:
    """COUNT draws from 0..n-1, rank r with weight 1 / (r + 1) ** exponent."""
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return rng.choice(n, size=count, p=weights / weights.sum()).astype(np.int64)


def _ascii(word: str) -> str:
    bare = unicodedata.normalize("NFKD", word.lower())
    folded = "".join(c for c in bare if c.isascii() and c.isalnum())
    return folded or "x"


def _domain(org: str) -> str:
    return "".join(c for c in org.lower() if c.isascii() and c.isalnum())[:30] + ".test"


def member_email(people: People, i: int) -> str:
    first = _ascii(people.first[people.first_code[i]])
    last = _ascii(people.last[people.last_code[i]])
    return f"{first}.{last}.{i}@{FIRM_DOMAIN}"
