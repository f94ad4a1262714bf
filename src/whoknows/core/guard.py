"""The reputation guard: before I introduce two people, do I know each of them well enough?"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class GuardRules:
    """When the guard warns. The defaults are documented in docs/give-to-get.md."""

    min_days_known: int = 90  # a relationship younger than this is too young
    min_interactions: int = 3  # fewer interactions than this is too few
    min_tie_strength: float = 0.3  # a tie below this (weak or dormant) is too weak
    min_trust: int = 3  # trust recorded below this (1-5) is too low


DEFAULT_RULES = GuardRules()


@dataclass(frozen=True)
class BadOutcome:
    """An earlier introduction involving the person that went badly."""

    on: dt.date | None
    other: str  # the other side's name
    note: str | None = None


@dataclass(frozen=True)
class Side:
    """What I know of one side of a proposed introduction."""

    person: int
    name: str
    known_since: dt.date | None  # the first evidence of us knowing each other
    interactions: int
    tie_strength: float | None  # None: no tie with me at all
    trust: int | None
    bad_outcomes: tuple[BadOutcome, ...] = field(default=())


@dataclass(frozen=True)
class Warning:
    """One reason to hesitate; code is young, few, weak, bad or untrusted."""

    person: int
    name: str
    code: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


def _days(n: int) -> str:
    return "today" if n == 0 else ("1 day" if n == 1 else f"{n} days")


def check_side(side: Side, today: dt.date, rules: GuardRules = DEFAULT_RULES) -> list[Warning]:
    """The reasons I barely know SIDE, each naming them; empty when I know them well enough."""
    found: list[tuple[str, str]] = []
    if side.known_since is None:
        found.append(("young", "you have no record of when you met them"))
    else:
        age = (today - side.known_since).days
        if age < rules.min_days_known:
            since = "you met them today" if age <= 0 else f"you met them {_days(age)} ago"
            found.append(("young", f"{since} (under {rules.min_days_known} days)"))
    if side.interactions < rules.min_interactions:
        found.append(
            (
                "few",
                f"{side.interactions} interaction{'' if side.interactions == 1 else 's'} "
                f"with you (fewer than {rules.min_interactions})",
            )
        )
    if side.tie_strength is None:
        found.append(("weak", "you have no tie with them"))
    elif side.tie_strength < rules.min_tie_strength:
        found.append(
            (
                "weak",
                f"your tie is weak ({side.tie_strength:.2f}, below {rules.min_tie_strength:.2f})",
            )
        )
    for bad in side.bad_outcomes:
        when = f" on {bad.on}" if bad.on else ""
        note = f": {bad.note}" if bad.note else ""
        found.append(("bad", f"your introduction of them to {bad.other}{when} went badly{note}"))
    if side.trust is None:
        found.append(("untrusted", "no trust recorded"))
    elif side.trust < rules.min_trust:
        found.append(("untrusted", f"you trust them {side.trust}/5 (below {rules.min_trust})"))
    return [Warning(side.person, side.name, code, reason) for code, reason in found]


def check(
    sides: Iterable[Side], today: dt.date, rules: GuardRules = DEFAULT_RULES
) -> list[Warning]:
    """Every reason to hesitate over an introduction of SIDES, side by side."""
    return [w for side in sides for w in check_side(side, today, rules)]


def summary(warnings: Sequence[Warning]) -> str:
    """One line naming each person once with their reasons: "Dana: a; b. Omar: c"."""
    by_person: dict[int, list[Warning]] = {}
    for w in warnings:
        by_person.setdefault(w.person, []).append(w)
    return ". ".join(
        f"{found[0].name}: " + "; ".join(w.reason for w in found) for found in by_person.values()
    )
