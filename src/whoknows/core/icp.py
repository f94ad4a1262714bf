"""The ideal client profile: who I want to meet, and who in the network matches it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from whoknows.core.text import terms

Codes = npt.NDArray[np.int32]


@dataclass(frozen=True)
class Profile:
    """Rules for my ideal clients: every criterion given must hold; any value within one does."""

    industries: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    min_org_size: int | None = None
    max_org_size: int | None = None
    tags: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not (
            self.industries
            or self.roles
            or self.cities
            or self.tags
            or self.min_org_size is not None
            or self.max_org_size is not None
        )

    def describe(self) -> str:
        parts = []
        if self.roles:
            parts.append(" or ".join(self.roles))
        if self.industries:
            parts.append("in " + " or ".join(self.industries))
        if self.min_org_size is not None or self.max_org_size is not None:
            low = self.min_org_size if self.min_org_size is not None else 0
            high = self.max_org_size if self.max_org_size is not None else "∞"
            parts.append(f"at organizations of {low}–{high} people")
        if self.cities:
            parts.append("in " + " or ".join(self.cities))
        if self.tags:
            parts.append("tagged " + " or ".join(self.tags))
        return ", ".join(parts) if parts else "anyone (no profile set)"


def _wanted(values: Sequence[str]) -> list[frozenset[str]]:
    return [frozenset(t) for t in (terms(v) for v in values) if t]


def text_matches(wanted: Sequence[str], value: str | None) -> bool:
    """True when all the terms of any wanted value appear in VALUE ("CFO" ⊆ "Chief Financial…")."""
    if not value:
        return False
    have = set(terms(value))
    return any(want <= have for want in _wanted(wanted))


def _key(value: str) -> str:
    return " ".join(value.casefold().split())


@dataclass(frozen=True)
class Attributes:
    """Person attributes as columns aligned with the graph's nodes (codes into vocabularies).

    A code of -1 means unknown. ``org_size`` is -1 when unknown. Tags are a sparse list of
    (node, tag code) pairs.
    """

    industry: Codes
    industries: tuple[str, ...]
    role: Codes
    roles: tuple[str, ...]
    city: Codes
    cities: tuple[str, ...]
    org_size: npt.NDArray[np.int32]
    tag_nodes: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    tag_codes: Codes = field(default_factory=lambda: np.zeros(0, np.int32))
    tags: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return int(self.industry.shape[0])


def _vocabulary_mask(
    vocabulary: Sequence[str], codes: Codes, accept: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    # Decide once per distinct value, then spread to every node by its code (-1 → False).
    padded = np.append(accept, False)
    return np.asarray(padded[np.where(codes < 0, len(vocabulary), codes)], dtype=np.bool_)


def match_mask(profile: Profile, attributes: Attributes) -> npt.NDArray[np.bool_]:
    """Which nodes match PROFILE (all False for an empty profile: nobody is an ideal client)."""
    n = attributes.size
    if profile.is_empty():
        return np.zeros(n, dtype=np.bool_)
    mask = np.ones(n, dtype=np.bool_)
    if profile.industries:
        accept = np.array([text_matches(profile.industries, v) for v in attributes.industries])
        mask &= _vocabulary_mask(attributes.industries, attributes.industry, accept)
    if profile.roles:
        accept = np.array([text_matches(profile.roles, v) for v in attributes.roles])
        mask &= _vocabulary_mask(attributes.roles, attributes.role, accept)
    if profile.cities:
        wanted = {_key(c) for c in profile.cities}
        accept = np.array([_key(v) in wanted for v in attributes.cities])
        mask &= _vocabulary_mask(attributes.cities, attributes.city, accept)
    if profile.min_org_size is not None or profile.max_org_size is not None:
        size = attributes.org_size
        low = profile.min_org_size if profile.min_org_size is not None else 0
        high = profile.max_org_size if profile.max_org_size is not None else np.iinfo(np.int32).max
        mask &= (size >= 0) & (size >= low) & (size <= high)
    if profile.tags:
        wanted = {_key(t) for t in profile.tags}
        accept = np.array([_key(t) in wanted for t in attributes.tags], dtype=np.bool_)
        tagged = np.zeros(n, dtype=np.bool_)
        if attributes.tag_codes.size:
            hits = accept[attributes.tag_codes]
            tagged[attributes.tag_nodes[hits]] = True
        mask &= tagged
    return mask


def reasons(
    profile: Profile,
    *,
    industry: str | None,
    role: str | None,
    city: str | None,
    org_size: int | None,
    tags: Sequence[str] = (),
) -> list[str]:
    """Why one person matches (the parts of the profile they meet), for explanations."""
    found = []
    if profile.roles and text_matches(profile.roles, role):
        found.append(f"a {role}")
    if profile.industries and text_matches(profile.industries, industry):
        found.append(f"in {industry}")
    if org_size is not None and (
        profile.min_org_size is not None or profile.max_org_size is not None
    ):
        found.append(f"at an organization of {org_size}")
    if profile.cities and city and _key(city) in {_key(c) for c in profile.cities}:
        found.append(f"in {city}")
    wanted = {_key(t) for t in profile.tags}
    found.extend(f"tagged {t}" for t in tags if _key(t) in wanted)
    return found
