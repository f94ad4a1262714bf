"""The weekly plan: who to follow up with, ranked by what pays, and a week's worth of it.

Pure: the services pass in what is stored (each person's history in brief, the pending
thanks and report-backs, advocate potential) and ``today``. The rules that make someone
due are core/followups.py's; this orders them (docs/follow-up.md says the same for users):

1. **Thank or report back** (Tier.OWED): thanks for a referral first, then report-backs on
   referrals, on introductions, then thanks for anything else; the freshest first.
2. **After an event** (Tier.AFTER_EVENT): the follow-up proposing a 1-to-1 to someone met at
   an event who gets Give to Get, then the second touch after a first 1-to-1 ("one cup of
   coffee is never enough"); the freshest first, while at most AFTER_EVENT_FRESH days late.
3. **Advocates** (Tier.ADVOCATE): keeping in touch with trusted people, advocates and
   potential advocates (advocate score ≥ ADVOCATE_POTENTIAL), by
   ``priority = (POTENTIAL_FLOOR + potential) × days overdue``, then those due soon.
4. **Keep in touch** (Tier.KEEP): everyone else due, in the same order.

**Reconnect** (Tier.RECONNECT) is a list of its own, not part of the plan: people whose
keep-in-touch reminder is long overdue (no contact for more than twice their cadence) and
who are not advocate-grade, and met or connected relationships that lapsed (see
Cadence.lapse); better advocates first, the most recently in touch next.

A week holds ``capacity`` follow-ups (a setting, DEFAULT_CAPACITY); schedule() spreads the
plan over the working days of the coming week for a calendar.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from whoknows.core.followups import (
    DEFAULT_WITHIN,
    Cadence,
    Duty,
    Item,
    Obligation,
    Reason,
    Relation,
    Tier,
    keep_in_touch,
    lapsed,
    obligation_reason,
)
from whoknows.core.models import Stage

POTENTIAL_FLOOR = 0.1  # someone with no advocate potential still rises with each day overdue
ADVOCATE_POTENTIAL = 0.45  # an advocate score this high makes a potential advocate
DEFAULT_CAPACITY = 10  # follow-ups a week holds, unless [plan] capacity says otherwise
# An event follow-up or a second touch this many days late has lost its moment: from then on
# it is planned like any keep-in-touch.
AFTER_EVENT_FRESH = 30
WORKDAYS = 5
# Most important first: what sets a person's tier and leads their line.
_KINDS = (
    Duty.THANK_REFERRAL.value,
    Duty.REPORT_REFERRAL.value,
    Duty.REPORT_INTRODUCTION.value,
    Duty.THANK_GIFT.value,
    "follow-up",
    "second-touch",
    "keep-in-touch",
    "reconnect",
)
_RANK = {kind: rank for rank, kind in enumerate(_KINDS)}
_OWED = frozenset(d.value for d in Duty)


@dataclass(frozen=True)
class Plan:
    """Everyone due within the window, in plan order, and the reconnect list apart."""

    items: tuple[Item, ...]
    reconnect: tuple[Item, ...]


def priority(potential: float, overdue_days: int) -> float:
    """(POTENTIAL_FLOOR + potential) × days overdue; 0 when not overdue."""
    return (POTENTIAL_FLOOR + max(potential, 0.0)) * max(overdue_days, 0)


def plan(
    relations: Iterable[Relation],
    obligations: Iterable[Obligation] = (),
    potential: Mapping[int, float] | None = None,
    *,
    today: dt.date,
    within: int = DEFAULT_WITHIN,
    rules: Cadence = Cadence(),
) -> Plan:
    """Everyone due within WITHIN days of TODAY (or overdue), in plan order.

    Obligations of people missing from RELATIONS are ignored (the caller passes a
    Relation for everyone it wants named).
    """
    if within < 0:
        raise ValueError("within must be 0 or more days")
    horizon = today + dt.timedelta(days=within)
    scores = potential or {}
    owed: dict[int, list[Obligation]] = {}
    for obligation in obligations:
        owed.setdefault(obligation.person_id, []).append(obligation)
    items: list[Item] = []
    reconnect: list[Item] = []
    for relation in relations:
        if relation.snoozed_until is not None and relation.snoozed_until > today:
            continue
        score = scores.get(relation.id, 0.0)
        reasons = [r for r in (obligation_reason(o, rules) for o in owed.get(relation.id, [])) if r]
        kept = keep_in_touch(relation, rules, today)
        if kept is not None:
            reasons.append(kept)
        reasons = [r for r in reasons if r.due <= horizon]
        if reasons:
            tier = _tier(relation, reasons, score, rules, today)
            (reconnect if tier is Tier.RECONNECT else items).append(
                _item(relation, reasons, score, today, tier)
            )
        elif (gone := lapsed(relation, rules, today)) is not None:
            reconnect.append(_item(relation, [gone], score, today, Tier.RECONNECT))
    return Plan(tuple(sorted(items, key=order_key)), tuple(sorted(reconnect, key=order_key)))


def _tier(
    relation: Relation, reasons: Sequence[Reason], potential: float, rules: Cadence, today: dt.date
) -> Tier:
    kinds = {r.kind for r in reasons}
    if kinds & _OWED:
        return Tier.OWED
    fresh = {r.kind for r in reasons if (today - r.due).days <= AFTER_EVENT_FRESH}
    if "second-touch" in fresh or ("follow-up" in fresh and relation.gets_it):
        return Tier.AFTER_EVENT
    stage = relation.stage or Stage.MET
    if stage in (Stage.TRUSTED, Stage.ADVOCATE) or potential >= ADVOCATE_POTENTIAL:
        return Tier.ADVOCATE
    cadence = relation.cadence_days or rules.for_stage(stage)
    history = relation.history
    if cadence and history is not None and (today - history.last.on).days > 2 * cadence:
        return Tier.RECONNECT
    return Tier.KEEP


def order_key(item: Item) -> tuple[object, ...]:
    """The plan's order (see the module doc); name and id settle what is left."""
    lead = item.reasons[0]
    if item.tier is Tier.OWED:
        within: tuple[object, ...] = (_RANK[lead.kind], -lead.due.toordinal())
    elif item.tier is Tier.AFTER_EVENT:
        within = (_RANK[lead.kind], -lead.due.toordinal(), -item.potential)
    elif item.tier is Tier.RECONNECT:
        within = (-item.potential, -item.due.toordinal())
    else:
        within = (0 if item.overdue_days > 0 else 1, -item.priority, item.due, -item.potential)
    return (item.tier, *within, item.name.casefold(), item.id)


def _item(
    relation: Relation, reasons: Sequence[Reason], potential: float, today: dt.date, tier: Tier
) -> Item:
    ordered = sorted(reasons, key=lambda r: (_RANK.get(r.kind, len(_RANK)), r.due))
    due = min(r.due for r in reasons)
    overdue = max((today - due).days, 0)
    return Item(
        id=relation.id,
        name=relation.name,
        due=due,
        overdue_days=overdue,
        reason="; ".join(r.text for r in ordered),
        action="; ".join(dict.fromkeys(r.action for r in ordered)),
        potential=round(potential, 4),
        priority=round(priority(potential, overdue), 4),
        reasons=tuple(ordered),
        tier=tier,
    )


def timing(due: dt.date, today: dt.date) -> str:
    """When something DUE is, as a person says it: "12 days late", "today", "in 3 days"."""
    ahead = (due - today).days
    if ahead < 0:
        return f"{_days(-ahead)} late"
    return "today" if ahead == 0 else f"in {_days(ahead)}"


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def schedule(
    items: Sequence[Item], *, today: dt.date, capacity: int = DEFAULT_CAPACITY, days: int = 7
) -> list[tuple[Item, dt.date]]:
    """The plan's ITEMS on the working days of the DAYS from TODAY: at most CAPACITY in all,
    an even share a day, in plan order, none before it is due. Those that do not fit wait."""
    workdays = [
        day
        for day in (today + dt.timedelta(days=n) for n in range(days))
        if day.weekday() < WORKDAYS
    ]
    if not workdays or capacity <= 0:
        return []
    per_day = math.ceil(capacity / WORKDAYS)
    taken = dict.fromkeys(workdays, 0)
    placed: list[tuple[Item, dt.date]] = []
    for item in items:
        if len(placed) >= capacity:
            break
        day = next((d for d in workdays if d >= item.due and taken[d] < per_day), None)
        if day is not None:
            taken[day] += 1
            placed.append((item, day))
    return placed
