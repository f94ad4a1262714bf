"""Before a 1-to-1: whom to ask them for, matched on meaning, and the sheet as plain text (pure).

What to ask for comes from my referral brief's "introductions I am looking for" (a role, an
organization, a person, in my words), matched against the people they know: what each is
(role, organization, industry, city) on meaning, as suggestions are (core/text), weighed by
how well they know them. Without a brief, their contacts who are my ideal clients stand in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from whoknows.core.text import TfIdf, shared_terms
from whoknows.core.tiestrength import band

MIN_SIMILARITY = 0.3  # below this a contact does not answer a line of the brief (a city alone)


@dataclass(frozen=True)
class Contact:
    """Someone they know: who, what they are in words, and how well they know them."""

    id: int
    name: str
    profile: str  # "Operations Director at Brown Foods (food manufacturing), Leeds"
    tie: float  # their tie to this contact, in (0, 1]


@dataclass(frozen=True)
class Wanted:
    """One line of my brief met by one of their contacts."""

    line: str
    contact: Contact
    similarity: float
    shared: tuple[str, ...]

    @property
    def score(self) -> float:
        return self.similarity * self.contact.tie


def wanted(
    lines: Sequence[str], contacts: Sequence[Contact], *, top: int = 5, per_line: int = 2
) -> list[Wanted]:
    """Their contacts who answer the lines of my brief, best first: at most PER_LINE a line
    and one line a contact, TOP in all."""
    lines = [x for x in lines if x.strip()]
    if not lines or not contacts:
        return []
    space = TfIdf([c.profile for c in contacts])
    scores = (space.query(lines) @ space.matrix.T).toarray()
    found = [
        Wanted(line, contact, float(min(scores[i, j], 1.0)), ())
        for i, line in enumerate(lines)
        for j, contact in enumerate(contacts)
        if scores[i, j] >= MIN_SIMILARITY
    ]
    found.sort(key=lambda w: (-w.score, w.contact.name, w.contact.id))
    chosen: list[Wanted] = []
    per: dict[str, int] = {}
    seen: set[int] = set()
    for w in found:
        if len(chosen) >= top:
            break
        if per.get(w.line, 0) >= per_line or w.contact.id in seen:
            continue
        per[w.line] = per.get(w.line, 0) + 1
        seen.add(w.contact.id)
        shared = tuple(shared_terms(w.line, w.contact.profile))
        chosen.append(Wanted(w.line, w.contact, w.similarity, shared))
    return chosen


def knows(name: str, tie: float) -> str:
    """ "Dana knows her well (0.81)": how well, in the word of the number."""
    how = {"strong": "well", "good": "well", "weak": "a little"}.get(band(tie), "barely")
    return f"{name} knows them {how} ({tie:.2f})"
