"""Attribution: which advocates, events and sources produced which business (pure).

Everything is computed from plain records the services gather. Money is exact: amounts are
whole hundredths of the currency unit (cents, as the store keeps two decimals) in ints, and
totals are kept per currency; nothing here ever goes through a float.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from whoknows.core.acquaintance import (
    OPEN,
    SOURCES,
    Acquaintance,
    EventVisit,
    ExchangeRecord,
    ReferralRecord,
    bringers,
    closed_on,
    first_event,
    first_met,
    is_second_tier,
    source_of,
    within,
)
from whoknows.core.money import Money, total
from whoknows.core.series import FunnelStage, Month, funnel, months

_PersonOf = Callable[[int], "Acquaintance"]


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True)
class AdvocateCredit:
    """The business one advocate brought: first tier (their referrals won) and second tier
    (won referrals from people they had referred to me: BNI's "spin-off" business)."""

    person_id: int
    name: str
    source: str
    event: EventVisit | None
    first_met: dt.date | None
    referrals: int
    won: int
    lost: int
    open: int
    first_tier: Money
    second_tier: Money
    spin_offs: int
    first_referral_on: dt.date | None
    days_to_first_referral: int | None

    @property
    def total(self) -> Money:
        return self.first_tier + self.second_tier


@dataclass(frozen=True)
class EventCredit:
    """Business attributed to an event: through the advocates first met there (both tiers)
    and directly from clients first met there."""

    event_id: int
    name: str
    date: dt.date
    advocates: int
    referrals: int
    first_tier: Money
    second_tier: Money
    direct: Money

    @property
    def total(self) -> Money:
        return self.first_tier + self.second_tier + self.direct


@dataclass(frozen=True)
class SourceCredit:
    source: str
    advocates: int
    referrals: int
    won: int
    first_tier: Money
    second_tier: Money
    direct: Money


@dataclass(frozen=True)
class Thesis:
    """The essays' claim on this data: business comes through advocates, not from the people
    met at events becoming clients themselves."""

    through_advocates: Money
    through_advocates_won: int
    direct_from_events: Money
    direct_from_events_won: int
    direct_other: Money
    direct_other_won: int


@dataclass(frozen=True)
class Attribution:
    since: dt.date | None
    received: int
    won: int
    lost: int
    open: int
    given: int  # referrals I gave
    value_won: Money
    advocates: tuple[AdvocateCredit, ...]
    events: tuple[EventCredit, ...]
    sources: tuple[SourceCredit, ...]
    thesis: Thesis
    funnel: tuple[FunnelStage, ...]
    months: tuple[Month, ...]
    median_days_to_first_referral: float | None
    currency: str | None = None  # the main currency (most money won); rankings use it
    notes: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------------------- attribution


def attribute(
    people: Mapping[int, Acquaintance],
    referrals: Sequence[ReferralRecord],
    exchanges: Sequence[ExchangeRecord],
    *,
    me: int,
    today: dt.date,
    since: dt.date | None = None,
) -> Attribution:
    """Credit the business won to advocates, the events where I met them, and their sources.

    Referrals count when received on or after SINCE; money counts when won on or after SINCE
    (a win in the period counts whenever the referral came). Chains and first referrals are
    read over the whole history. Ledger entries of kind "business" given to me that belong
    to no referral count as direct business from the giver.
    """
    received = [r for r in referrals if r.direction == "received" and r.to_id == me]
    through = [r for r in received if not r.direct]
    brought = bringers(received)
    referred_on = {person: r.date for person, r in brought.items()}

    def person(pid: int) -> Acquaintance:
        return people.get(pid) or Acquaintance(id=pid, name=f"#{pid}")

    def won_in_period(r: ReferralRecord) -> bool:
        return r.status == "won" and within(closed_on(r), since)

    # first tier, second tier, counts per advocate
    first: dict[int, list[ReferralRecord]] = defaultdict(list)
    for r in through:
        first[r.from_id].append(r)
    second: dict[int, list[ReferralRecord]] = defaultdict(list)
    for r in through:
        bringer = brought.get(r.from_id)
        if bringer is not None and is_second_tier(r, bringer, me):
            second[bringer.from_id].append(r)

    advocates: list[AdvocateCredit] = []
    for pid in set(first) | set(second):
        mine = first.get(pid, [])
        spin = [r for r in second.get(pid, []) if won_in_period(r)]
        period = [r for r in mine if within(r.date, since)]
        won = [r for r in mine if won_in_period(r)]
        if not period and not won and not spin:
            continue
        who = person(pid)
        met = first_met(who, referred_on.get(pid))
        first_referral = min((r.date for r in mine), default=None)
        days = None
        if met is not None and first_referral is not None:
            # a referral before the recorded first meeting: we had met by then
            days = max((first_referral - met).days, 0)
        advocates.append(
            AdvocateCredit(
                person_id=pid,
                name=who.name,
                source=source_of(who, referred_on.get(pid)),
                event=first_event(who),
                first_met=met,
                referrals=len(period),
                won=len(won),
                lost=sum(1 for r in mine if r.status == "lost" and within(closed_on(r), since)),
                open=sum(1 for r in period if r.status in OPEN),
                first_tier=total(r.won_money for r in won),
                second_tier=total(r.won_money for r in spin),
                spin_offs=len(spin),
                first_referral_on=first_referral,
                days_to_first_referral=days,
            )
        )

    # direct business: the client came themselves (a referral from them about them, or a
    # "business" ledger entry from them that belongs to no referral)
    direct: list[tuple[int, Money]] = [
        (r.from_id, r.won_money) for r in received if r.direct and won_in_period(r)
    ]
    direct += [
        (
            x.giver_id,
            Money.of(x.value_cents, x.currency)
            if x.value_cents is not None and x.currency
            else Money(),
        )
        for x in exchanges
        if x.kind == "business"
        and x.receiver_id == me
        and x.referral_id is None
        and within(x.date, since)
    ]

    currency = _main_currency([*(a.total for a in advocates), *(m for _, m in direct)])
    advocates.sort(key=lambda a: (-a.total.get(currency or ""), -a.won, -a.referrals, a.name))

    events = _events(advocates, direct, person)
    events.sort(key=lambda e: (-e.total.get(currency or ""), -e.referrals, e.date, e.event_id))
    sources = _sources(advocates, direct, person, referred_on)

    from_events = [m for pid, m in direct if first_event(person(pid)) is not None]
    elsewhere = [m for pid, m in direct if first_event(person(pid)) is None]
    thesis = Thesis(
        through_advocates=total(a.first_tier for a in advocates),
        through_advocates_won=sum(a.won for a in advocates),
        direct_from_events=total(from_events),
        direct_from_events_won=len(from_events),
        direct_other=total(elsewhere),
        direct_other_won=len(elsewhere),
    )

    in_period = [r for r in through if within(r.date, since)]
    waits = [a.days_to_first_referral for a in advocates if a.days_to_first_referral is not None]
    given = [r for r in referrals if r.direction == "given" and within(r.date, since)]
    return Attribution(
        since=since,
        received=len(in_period),
        won=sum(1 for r in through if won_in_period(r)),
        lost=sum(1 for r in through if r.status == "lost" and within(closed_on(r), since)),
        open=sum(1 for r in in_period if r.status in OPEN),
        given=len(given),
        value_won=total(r.won_money for r in through if won_in_period(r)),
        advocates=tuple(advocates),
        events=tuple(events),
        sources=tuple(sources),
        thesis=thesis,
        funnel=funnel(in_period),
        months=months(through, exchanges, me=me, today=today, since=since),
        median_days_to_first_referral=float(statistics.median(waits)) if waits else None,
        currency=currency,
    )


def _main_currency(amounts: Iterable[Money]) -> str | None:
    """The currency most money was won in (ties: alphabetical), None when nothing was won."""
    summed = total(amounts)
    ranked = sorted(((-cents, cur) for cur, cents in summed.cents if cents), key=lambda x: x)
    if ranked:
        return ranked[0][1]
    return summed.cents[0][0] if summed.cents else None


def _events(
    advocates: Sequence[AdvocateCredit],
    direct: Sequence[tuple[int, Money]],
    person: _PersonOf,
) -> list[EventCredit]:
    by_event: dict[int, EventVisit] = {}
    credit: dict[int, list[Money]] = defaultdict(lambda: [Money(), Money(), Money()])
    counts: Counter[int] = Counter()
    referrals: Counter[int] = Counter()
    for a in advocates:
        if a.event is None:
            continue
        by_event[a.event.event_id] = a.event
        parts = credit[a.event.event_id]
        parts[0] = parts[0] + a.first_tier
        parts[1] = parts[1] + a.second_tier
        counts[a.event.event_id] += 1
        referrals[a.event.event_id] += a.referrals
    for pid, money in direct:
        visit = first_event(person(pid))
        if visit is None:
            continue
        by_event[visit.event_id] = visit
        credit[visit.event_id][2] = credit[visit.event_id][2] + money
    return [
        EventCredit(
            event_id=eid,
            name=visit.name,
            date=visit.date,
            advocates=counts[eid],
            referrals=referrals[eid],
            first_tier=credit[eid][0],
            second_tier=credit[eid][1],
            direct=credit[eid][2],
        )
        for eid, visit in by_event.items()
    ]


def _sources(
    advocates: Sequence[AdvocateCredit],
    direct: Sequence[tuple[int, Money]],
    person: _PersonOf,
    referred_on: Mapping[int, dt.date],
) -> list[SourceCredit]:
    rows = []
    for source in SOURCES:
        mine = [a for a in advocates if a.source == source]
        straight = [
            m for pid, m in direct if source_of(person(pid), referred_on.get(pid)) == source
        ]
        rows.append(
            SourceCredit(
                source=source,
                advocates=len(mine),
                referrals=sum(a.referrals for a in mine),
                won=sum(a.won for a in mine) + len(straight),
                first_tier=total(a.first_tier for a in mine),
                second_tier=total(a.second_tier for a in mine),
                direct=total(straight),
            )
        )
    return rows
