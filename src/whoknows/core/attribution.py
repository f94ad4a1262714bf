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

from whoknows.core.money import Money, total

PIPELINE = ("received", "contacted", "meeting", "proposal", "won")
STATUSES = (*PIPELINE, "lost")
OPEN = frozenset(PIPELINE[:-1])
SOURCES = ("event", "introduction", "linkedin", "import", "other")
_IMPORT_TIES = frozenset({"email", "calendar"})
_PersonOf = Callable[[int], "Acquaintance"]


# ---------------------------------------------------------------------------- input records


@dataclass(frozen=True)
class EventVisit:
    """An event a person attended with me."""

    event_id: int
    name: str
    date: dt.date


@dataclass(frozen=True)
class Acquaintance:
    """What attribution needs to know about a person: how and where I first met them."""

    id: int
    name: str
    met_on: dt.date | None = None
    met_where: str | None = None
    events: tuple[EventVisit, ...] = ()
    tie_source: str | None = None  # the source of my tie to them (event, linkedin, told …)
    introduced: bool = False  # someone introduced us (an introduction made to me)
    linkedin: bool = False  # a LinkedIn profile is on record (usually from an import)


@dataclass(frozen=True)
class StepRecord:
    status: str
    date: dt.date


@dataclass(frozen=True)
class ReferralRecord:
    """A referral: received (an advocate passed me a lead) or given (I passed one)."""

    id: int
    from_id: int
    to_id: int
    date: dt.date
    status: str = "received"
    direction: str = "received"
    about_id: int | None = None
    about_org: str | None = None
    value_cents: int | None = None
    currency: str | None = None
    closed_on: dt.date | None = None
    steps: tuple[StepRecord, ...] = ()

    @property
    def direct(self) -> bool:
        """The person came to me themselves: they are both the source and the client."""
        return self.direction == "received" and self.about_id == self.from_id

    @property
    def won_money(self) -> Money:
        if self.status != "won" or self.value_cents is None or self.currency is None:
            return Money()
        return Money.of(self.value_cents, self.currency)


@dataclass(frozen=True)
class ExchangeRecord:
    """One Give/Get ledger entry."""

    giver_id: int
    receiver_id: int
    kind: str
    date: dt.date
    value_cents: int | None = None
    currency: str | None = None
    referral_id: int | None = None


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


# ---------------------------------------------------------------------------- how I met someone


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def first_event(person: Acquaintance) -> EventVisit | None:
    """The event where I first met PERSON, or None when we first met elsewhere.

    met_where naming one of their events wins (on the met_on date if several); else the
    event they attended on the day we first met; else, when that day is unknown, the
    earliest event they attended.
    """
    visits = sorted(person.events, key=lambda v: (v.date, v.event_id))
    if not visits:
        return None
    if person.met_where:
        named = [v for v in visits if _key(v.name) == _key(person.met_where)]
        if named:
            same_day = [v for v in named if v.date == person.met_on]
            return (same_day or named)[0]
    if person.met_on is None:
        return visits[0]
    on_the_day = [v for v in visits if v.date == person.met_on]
    return on_the_day[0] if on_the_day else None


def source_of(person: Acquaintance, referred_on: dt.date | None = None) -> str:
    """How I came to know PERSON: event, introduction, linkedin, import or other.

    REFERRED_ON is the date a referral about them first reached me; when that is no later
    than our first meeting, a referral introduced us.
    """
    if first_event(person) is not None:
        return "event"
    where = _key(person.met_where or "")
    referred = referred_on is not None and (person.met_on is None or referred_on <= person.met_on)
    if (
        person.introduced
        or referred
        or person.tie_source == "told"
        or where.startswith(("introduced by", "referred by"))
    ):
        return "introduction"
    if person.tie_source == "linkedin" or person.linkedin or "linkedin" in where:
        return "linkedin"
    if person.tie_source in _IMPORT_TIES:
        return "import"
    return "other"


def _first_met(person: Acquaintance, referred_on: dt.date | None) -> dt.date | None:
    dates = [d for d in (person.met_on, referred_on) if d is not None]
    dates += [v.date for v in person.events]
    return min(dates) if dates else None


# ---------------------------------------------------------------------------- attribution


def _closed(referral: ReferralRecord) -> dt.date:
    return referral.closed_on or referral.date


def _in(day: dt.date, since: dt.date | None) -> bool:
    return since is None or day >= since


def _reached(referral: ReferralRecord) -> int:
    """How far along the pipeline a referral got (an index into PIPELINE)."""
    if referral.status == "won":
        return len(PIPELINE) - 1
    furthest = 0
    for status in [*(step.status for step in referral.steps), referral.status]:
        if status in PIPELINE:
            furthest = max(furthest, PIPELINE.index(status))
    return furthest


def _bringers(received: Sequence[ReferralRecord]) -> dict[int, ReferralRecord]:
    """For each person an advocate referred to me, the first referral about them."""
    found: dict[int, ReferralRecord] = {}
    for r in sorted(received, key=lambda r: (r.date, r.id)):
        if r.about_id is not None and not r.direct and r.about_id not in found:
            found[r.about_id] = r
    return found


def is_second_tier(referral: ReferralRecord, bringer: ReferralRecord, me: int) -> bool:
    """Whether REFERRAL, from a client an advocate brought me with BRINGER, is that
    advocate's second tier: it came after, and the advocate is neither me nor the client."""
    return bringer.date <= referral.date and bringer.from_id not in (me, referral.from_id)


# The names other modules (core/chain.py) use for the rules above.
bringers = _bringers
closed_on = _closed
within = _in


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
    bringers = _bringers(received)
    referred_on = {person: r.date for person, r in bringers.items()}

    def person(pid: int) -> Acquaintance:
        return people.get(pid) or Acquaintance(id=pid, name=f"#{pid}")

    def won_in_period(r: ReferralRecord) -> bool:
        return r.status == "won" and _in(_closed(r), since)

    # first tier, second tier, counts per advocate
    first: dict[int, list[ReferralRecord]] = defaultdict(list)
    for r in through:
        first[r.from_id].append(r)
    second: dict[int, list[ReferralRecord]] = defaultdict(list)
    for r in through:
        bringer = bringers.get(r.from_id)
        if bringer is not None and is_second_tier(r, bringer, me):
            second[bringer.from_id].append(r)

    advocates: list[AdvocateCredit] = []
    for pid in set(first) | set(second):
        mine = first.get(pid, [])
        spin = [r for r in second.get(pid, []) if won_in_period(r)]
        period = [r for r in mine if _in(r.date, since)]
        won = [r for r in mine if won_in_period(r)]
        if not period and not won and not spin:
            continue
        who = person(pid)
        met = _first_met(who, referred_on.get(pid))
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
                lost=sum(1 for r in mine if r.status == "lost" and _in(_closed(r), since)),
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
        and _in(x.date, since)
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

    in_period = [r for r in through if _in(r.date, since)]
    waits = [a.days_to_first_referral for a in advocates if a.days_to_first_referral is not None]
    given = [r for r in referrals if r.direction == "given" and _in(r.date, since)]
    return Attribution(
        since=since,
        received=len(in_period),
        won=sum(1 for r in through if won_in_period(r)),
        lost=sum(1 for r in through if r.status == "lost" and _in(_closed(r), since)),
        open=sum(1 for r in in_period if r.status in OPEN),
        given=len(given),
        value_won=total(r.won_money for r in through if won_in_period(r)),
        advocates=tuple(advocates),
        events=tuple(events),
        sources=tuple(sources),
        thesis=thesis,
        funnel=_funnel(in_period),
        months=_months(through, exchanges, me=me, today=today, since=since),
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


def _funnel(referrals: Sequence[ReferralRecord]) -> tuple[FunnelStage, ...]:
    reached = Counter(_reached(r) for r in referrals)
    now = Counter(r.status for r in referrals)
    stages = []
    for index, status in enumerate(PIPELINE):
        got_here = sum(n for at, n in reached.items() if at >= index)
        stages.append(FunnelStage(status, got_here, now[status]))
    stages.append(FunnelStage("lost", now["lost"], now["lost"]))
    return tuple(stages)


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _month_range(first: dt.date, last: dt.date) -> list[str]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _months(
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
        if _in(r.date, since):
            received[month_of(r.date)] += 1
            days.append(r.date)
        if r.status == "won" and _in(_closed(r), since):
            key = month_of(_closed(r))
            won[key] += 1
            value[key] = value[key] + r.won_money
            days.append(_closed(r))
    for x in exchanges:
        if not _in(x.date, since):
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
        for m in _month_range(start, end)
    )
