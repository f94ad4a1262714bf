"""The facts attribution and referral chains read (pure): the pipeline's statuses, the plain
records the services gather, how I first met someone, and how far a referral moved.

core/attribution.py credits business from them; core/chain.py follows referrals through them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from whoknows.core.money import Money

PIPELINE = ("received", "contacted", "meeting", "proposal", "won")
STATUSES = (*PIPELINE, "lost")
OPEN = frozenset(PIPELINE[:-1])
SOURCES = ("event", "introduction", "linkedin", "import", "other")
_IMPORT_TIES = frozenset({"email", "calendar"})


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


def first_met(person: Acquaintance, referred_on: dt.date | None) -> dt.date | None:
    dates = [d for d in (person.met_on, referred_on) if d is not None]
    dates += [v.date for v in person.events]
    return min(dates) if dates else None


# --------------------------------------------------------------- how far a referral moved


def closed_on(referral: ReferralRecord) -> dt.date:
    return referral.closed_on or referral.date


def within(day: dt.date, since: dt.date | None) -> bool:
    return since is None or day >= since


def reached(referral: ReferralRecord) -> int:
    """How far along the pipeline a referral got (an index into PIPELINE)."""
    if referral.status == "won":
        return len(PIPELINE) - 1
    furthest = 0
    for status in [*(step.status for step in referral.steps), referral.status]:
        if status in PIPELINE:
            furthest = max(furthest, PIPELINE.index(status))
    return furthest


def bringers(received: Sequence[ReferralRecord]) -> dict[int, ReferralRecord]:
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
