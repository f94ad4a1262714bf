"""Explained traffic lights of a chapter's members (pure).

Each part (referrals given, absences, thanks received, confirmed 1-to-1s) is counted over the
last six months of closed weeks and gets red, amber or green by the chapter's thresholds; the
member's light is their weakest part's, or grey while they have too few closed weeks to judge.
Every light says its parts and thresholds in words, so a colour never stands without reasons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

WINDOW_WEEKS = 26  # six months of weekly meetings
MIN_WEEKS = 4  # fewer closed weeks since joining: grey
COLORS = ("red", "amber", "green")  # worst first


@dataclass(frozen=True)
class Rule:
    part: str
    label: str
    better: str  # "more" (green from a number up) or "less" (green up to a number)
    amber: int
    green: int


DEFAULT_RULES = (
    Rule("referrals", "Referrals given", "more", 6, 12),
    Rule("absences", "Absences", "less", 2, 1),
    Rule("thanks", "Thanks for closed business received", "more", 1, 3),
    Rule("one_to_ones", "1-to-1s", "more", 6, 12),
)
PARTS = {rule.part: rule for rule in DEFAULT_RULES}


def with_thresholds(part: str, amber: int, green: int) -> Rule:
    """PART's rule with new thresholds, checked; ValueError says what is wrong."""
    if part not in PARTS:
        raise ValueError(f"unknown part {part!r}: use one of {', '.join(PARTS)}")
    base = PARTS[part]
    if amber < 0 or green < 0:
        raise ValueError("thresholds are counts: 0 or more")
    if base.better == "more" and amber > green:
        raise ValueError(f"{base.label}: amber ({amber}) must not be above green ({green})")
    if base.better == "less" and amber < green:
        raise ValueError(f"{base.label}: amber ({amber}) must not be below green ({green})")
    return Rule(part, base.label, base.better, amber, green)


def color(rule: Rule, value: int) -> str:
    if rule.better == "more":
        return "green" if value >= rule.green else "amber" if value >= rule.amber else "red"
    return "green" if value <= rule.green else "amber" if value <= rule.amber else "red"


def words(rule: Rule, value: int) -> str:
    """The part in words: its count, and where amber and green begin."""
    if rule.better == "more":
        limits = f"amber from {rule.amber}, green from {rule.green}"
    else:
        limits = f"green up to {rule.green}, amber up to {rule.amber}, red above"
    return f"{rule.label}: {value} in 6 months; {limits}"


@dataclass(frozen=True)
class Part:
    part: str
    value: int
    color: str
    words: str


@dataclass(frozen=True)
class Light:
    color: str  # grey, red, amber or green
    reason: str
    parts: tuple[Part, ...]


def light(values: Mapping[str, int], rules: Sequence[Rule], weeks: int) -> Light:
    """The light of one member from their counts, over WEEKS closed weeks since they joined."""
    parts = tuple(
        Part(
            r.part,
            values.get(r.part, 0),
            color(r, values.get(r.part, 0)),
            words(r, values.get(r.part, 0)),
        )
        for r in rules
    )
    if weeks < MIN_WEEKS:
        reason = f"{weeks} closed week(s) since joining: lights start after {MIN_WEEKS}"
        return Light("grey", reason, parts)
    worst = min(parts, key=lambda p: COLORS.index(p.color)) if parts else None
    if worst is None:
        return Light("grey", "no parts are configured", parts)
    if worst.color == "green":
        return Light("green", "every part is green", parts)
    return Light(worst.color, f"weakest part: {worst.words}", parts)
