"""How referrals and the ledger moved over time (pure): the report's funnel and its months."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from whoknows.core.acquaintance import (
    PIPELINE,
    ExchangeRecord,
    ReferralRecord,
    closed_on,
    reached,
    within,
)
from whoknows.core.money import Money


@dataclass(frozen=True)
class FunnelStage:
    status: str
    reached: int  # referrals that got at least this far
    now: int  # referrals at this status now


@dataclass(frozen=True)
class Month:
    month: str  # YYYY-MM
    received: int
    won: int
    value_won: Money
    given: int  # ledger entries I gave
    got: int  # ledger entries I received


def funnel(referrals: Sequence[ReferralRecord]) -> tuple[FunnelStage, ...]:
    furthest = Counter(reached(r) for r in referrals)
    now = Counter(r.status for r in referrals)
    stages = []
    for index, status in enumerate(PIPELINE):
        got_here = sum(n for at, n in furthest.items() if at >= index)
        stages.append(FunnelStage(status, got_here, now[status]))
    stages.append(FunnelStage("lost", now["lost"], now["lost"]))
    return tuple(stages)


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_range(first: dt.date, last: dt.date) -> list[str]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def months(
    referrals: Sequence[ReferralRecord],
    exchanges: Sequence[ExchangeRecord],
    *,
    me: int,
    today: dt.date,
    since: dt.date | None,
) -> tuple[Month, ...]:
    received: Counter[str] = Counter()
    won: Counter[str] = Counter()
    value: dict[str, Money] = defaultdict(Money)
    given: Counter[str] = Counter()
    got: Counter[str] = Counter()
    days: list[dt.date] = []
    for r in referrals:
        if within(r.date, since):
            received[month_of(r.date)] += 1
            days.append(r.date)
        if r.status == "won" and within(closed_on(r), since):
            key = month_of(closed_on(r))
            won[key] += 1
            value[key] = value[key] + r.won_money
            days.append(closed_on(r))
    for x in exchanges:
        if not within(x.date, since):
            continue
        if x.giver_id == me:
            given[month_of(x.date)] += 1
            days.append(x.date)
        elif x.receiver_id == me:
            got[month_of(x.date)] += 1
            days.append(x.date)
    if not days:
        return ()
    # From SINCE, but never before the first record: a far "since" charts no empty centuries.
    first = min([*(r.date for r in referrals), *(x.date for x in exchanges)])
    start = max(since, first) if since is not None else min(days)
    end = max([today, *days])
    return tuple(
        Month(m, received[m], won[m], value.get(m, Money()), given[m], got[m])
        for m in month_range(start, end)
    )
