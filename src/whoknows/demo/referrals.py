"""Demo referrals: advocates passing leads over the last years, won, lost, open and chained."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

import numpy as np
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from whoknows.core.models import InteractionKind
from whoknows.core.money import format_money, from_cents
from whoknows.services import network, refs, report_view
from whoknows.services import referrals as service
from whoknows.services import report as reports
from whoknows.services.store import Store
from whoknows.storage import schema as s

HORIZON = 1000  # days back the referrals go (about two years and nine months)
CURRENCY = "USD"
# how many referrals a contact passes me, by stage (Poisson means)
_RATE = {"advocate": 2.2, "trusted": 0.9, "one-to-one": 0.25}
_OUTCOME = ("won", "lost", "open")
_OUTCOME_P = (0.5, 0.3, 0.2)
_CHAIN_P = 0.4  # a won client later refers others
_DIRECT = 5  # people met at events who became clients themselves
_GIVEN = 10  # referrals I pass on


def _value(rng: np.random.Generator) -> Decimal:
    """A deal size: log-normal around 6,000, in whole hundreds."""
    amount = float(rng.lognormal(np.log(6000.0), 0.7))
    return Decimal(max(5, round(amount / 100))) * 100


def _day(rng: np.random.Generator, low: dt.date, high: dt.date) -> dt.date | None:
    span = (high - low).days
    return None if span < 0 else low + dt.timedelta(days=int(rng.integers(0, span + 1)))


class _Demo:
    def __init__(self, session: Session, store: Store, rng: np.random.Generator, today: dt.date):
        self.session, self.store, self.rng, self.today = session, store, rng, today
        self.me = refs.me(session, store.owner_id)
        self.used: set[int] = {self.me.id}
        self.counts: dict[str, int] = defaultdict(int)
        self.mine = {self.me.id} | set(
            session.scalars(
                select(s.Person.id).where(
                    s.Person.owner_id == store.owner_id, s.Person.stage.is_not(None)
                )
            )
        )

    def known_by(self, person_ids: list[int]) -> dict[int, list[int]]:
        """Whom each of PERSON_IDS knows, besides me and my own contacts (as the demo had them)."""
        t = s.Tie
        found: dict[int, list[int]] = defaultdict(list)
        wanted = set(person_ids)
        for start in range(0, len(person_ids), 500):
            chunk = person_ids[start : start + 500]
            query = select(t.person_a_id, t.person_b_id).where(
                t.owner_id == self.store.owner_id,
                or_(t.person_a_id.in_(chunk), t.person_b_id.in_(chunk)),
            )
            for a, b in self.session.execute(query.order_by(t.id)):
                for who, other in ((a, b), (b, a)):
                    if who in wanted and other not in self.mine:
                        found[who].append(other)
        return found

    def refer(
        self, advocate: s.Person, about: s.Person, on: dt.date, *, direct: bool = False
    ) -> s.Referral:
        estimate = _value(self.rng)
        row = service.create(
            self.session,
            self.store,
            from_person=advocate,
            about=about,
            value=estimate,
            currency=CURRENCY,
            on=on,
        )
        self.used.add(about.id)
        self.counts["direct" if direct else "referrals"] += 1
        outcome = "won" if direct else str(self.rng.choice(_OUTCOME, p=_OUTCOME_P))
        self.play(row, advocate, about, outcome)
        return row

    def play(self, row: s.Referral, advocate: s.Person, about: s.Person, outcome: str) -> None:
        """Walk the referral along the pipeline as far as today allows."""
        day = row.date
        stages = ["contacted", "meeting", "proposal"]
        if outcome == "lost":
            stages = stages[: int(self.rng.integers(0, 4))]
        elif outcome == "open":
            stages = stages[: int(self.rng.integers(0, 3))]
        for status in [*stages, *([outcome] if outcome != "open" else [])]:
            day = day + dt.timedelta(days=int(self.rng.integers(3, 40)))
            if day > self.today:
                break
            if status == "won":
                # the deal closes at 70–130% of the estimate, in whole hundreds
                percent = int(self.rng.integers(70, 131))
                hundreds = (row.value or _value(self.rng)) * percent / 10_000
                row.value = hundreds.quantize(Decimal(1)) * 100
            if status == "lost":
                row.lost_reason = str(
                    self.rng.choice(["went with a competitor", "no budget this year", "timing"])
                )
            service.advance(self.session, self.store, row, status, day)
            if status == "meeting" and about.stage is None and row.from_id != about.id:
                network.record_interaction(
                    self.session,
                    self.store,
                    InteractionKind.MEETING,
                    [about],
                    on=day,
                    note="First meeting after a referral",
                    where=f"Referred by {advocate.name}",
                )
        self.counts[row.status if row.status in ("won", "lost") else "open"] += 1
        self._follow_up_done(row)

    def _follow_up_done(self, row: s.Referral) -> None:
        """Older referrals were thanked for and reported back on long ago."""
        month_ago = self.today - dt.timedelta(days=30)
        if row.date < month_ago and row.from_id != row.about_id:
            row.thanked_on = row.date + dt.timedelta(days=int(self.rng.integers(0, 5)))
            for entry in self.session.scalars(
                select(s.Exchange).where(s.Exchange.referral_id == row.id)
            ):
                entry.thanked_on = row.thanked_on
        if row.closed_on is not None and row.closed_on < month_ago:
            row.reported_on = row.closed_on + dt.timedelta(days=int(self.rng.integers(1, 10)))


def add(store: Store, rng: np.random.Generator, today: dt.date) -> dict[str, int]:
    """Referrals from the demo's advocates over the last years (some chained), a few clients
    met at events who came directly, and referrals I gave; returns what was added."""
    with store.write() as session:
        demo = _Demo(session, store, rng, today)
        contacts = session.scalars(
            select(s.Person)
            .where(
                s.Person.owner_id == store.owner_id,
                s.Person.stage.in_(list(_RATE)),
                s.Person.id != demo.me.id,
            )
            .order_by(s.Person.id)
        ).all()
        reach = demo.known_by([p.id for p in contacts])
        start = today - dt.timedelta(days=HORIZON)
        won: list[tuple[s.Referral, s.Person]] = []
        for advocate in contacts:
            count = int(rng.poisson(_RATE[advocate.stage or ""]))
            earliest = max(start, (advocate.met_on or start) + dt.timedelta(days=30))
            for _ in range(count):
                about = _pick(demo, reach.get(advocate.id, []))
                on = _day(rng, earliest, today - dt.timedelta(days=5))
                if about is None or on is None:
                    continue
                row = demo.refer(advocate, about, on)
                if row.status == "won":
                    won.append((row, about))
        _chain(demo, won)
        _direct(demo, start)
        _given(demo, contacts, start)
        return dict(demo.counts)


def _pick(demo: _Demo, candidates: list[int]) -> s.Person | None:
    free = [c for c in candidates if c not in demo.used]
    if not free:
        return None
    return demo.session.get(s.Person, free[int(demo.rng.integers(0, len(free)))])


def _chain(demo: _Demo, won: list[tuple[s.Referral, s.Person]]) -> None:
    """Some clients an advocate brought me later refer others (second-tier business)."""
    queue = list(won)
    while queue:
        row, client = queue.pop(0)
        if demo.rng.random() >= _CHAIN_P or row.closed_on is None:
            continue
        reach = demo.known_by([client.id]).get(client.id, [])
        for _ in range(int(demo.rng.integers(1, 3))):
            low = row.closed_on + dt.timedelta(days=20)
            on = _day(demo.rng, low, min(low + dt.timedelta(days=300), demo.today))
            about = _pick(demo, reach)
            if on is None or about is None:
                break
            spun = demo.refer(client, about, on)
            demo.counts["chained"] += 1
            if spun.status == "won":
                queue.append((spun, about))


def _direct(demo: _Demo, start: dt.date) -> None:
    """A few people met at events became clients themselves (the essays say: rarely)."""
    met_at_events = demo.session.scalars(
        select(s.Person)
        .join(s.EventAttendee, s.EventAttendee.person_id == s.Person.id)
        .where(s.Person.owner_id == demo.store.owner_id, s.Person.id.not_in(demo.used))
        .order_by(s.Person.id)
        .distinct()
    ).all()
    if not met_at_events:
        return
    picks = demo.rng.choice(len(met_at_events), min(_DIRECT, len(met_at_events)), replace=False)
    for index in sorted(int(i) for i in picks):
        client = met_at_events[index]
        low = max(start, (client.met_on or start) + dt.timedelta(days=14))
        on = _day(demo.rng, low, demo.today - dt.timedelta(days=60))
        if on is not None:
            demo.refer(client, client, on, direct=True)


def _given(demo: _Demo, contacts: Sequence[s.Person], start: dt.date) -> None:
    """Referrals I passed on to my contacts, about other people I know."""
    if len(contacts) < 2:
        return
    for _ in range(_GIVEN):
        to, about = (contacts[int(i)] for i in demo.rng.choice(len(contacts), 2, replace=False))
        on = _day(demo.rng, start, demo.today - dt.timedelta(days=3))
        if on is None:
            continue
        row = service.create(
            demo.session, demo.store, from_person=demo.me, about=about, to_person=to, on=on
        )
        demo.counts["given"] += 1
        if demo.rng.random() < 0.5:
            contacted = on + dt.timedelta(days=int(demo.rng.integers(2, 20)))
            if contacted <= demo.today:
                service.advance(demo.session, demo.store, row, "contacted", contacted)


def tour(store: Store, today: dt.date) -> list[str]:
    """A few lines on the business the network brought: advocates against direct, the top one."""
    built = reports.build(store, today=today)
    result = built.result
    if not result.received and not result.thesis.direct_from_events_won:
        return []
    lines = [report_view.thesis_line(built)]
    if result.advocates:
        top = result.advocates[0]
        cur = built.currency
        where = f", first met at {top.event.name}" if top.event else ""
        wait = (
            f"; first referral {top.days_to_first_referral} days after meeting"
            if top.days_to_first_referral is not None
            else ""
        )
        lines.append(
            f"Top advocate by value: {top.name}: "
            f"{format_money(from_cents(top.first_tier.get(cur)), cur)} won from their "
            f"referrals, {format_money(from_cents(top.second_tier.get(cur)), cur)} "
            f"from referrals of the people they referred{where}{wait}."
        )
    lines.append("See it all: whoknows report --format html --out report.html")
    return lines
