"""The records attribution reads (core/acquaintance.py), gathered from the store in a
handful of queries, in the caller's transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from whoknows.core import acquaintance as facts
from whoknows.core.money import to_cents
from whoknows.storage import schema as s

_CHUNK = 500  # ids per IN list


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def gather(
    session: Session, owner_id: int, me_id: int
) -> tuple[dict[int, facts.Acquaintance], list[facts.ReferralRecord], list[facts.ExchangeRecord]]:
    """The plain records attribution needs, read in a handful of queries."""
    steps: dict[int, list[facts.StepRecord]] = defaultdict(list)
    for referral_id, status, date in session.execute(
        select(s.ReferralStep.referral_id, s.ReferralStep.status, s.ReferralStep.date)
        .where(s.ReferralStep.owner_id == owner_id)
        .order_by(s.ReferralStep.date, s.ReferralStep.id)
    ):
        steps[referral_id].append(facts.StepRecord(status, date))
    r = s.Referral
    org = s.Organization
    referrals = [
        facts.ReferralRecord(
            id=row.id,
            from_id=row.from_id,
            to_id=row.to_id,
            date=row.date,
            status=row.status,
            direction=row.direction,
            about_id=row.about_id,
            about_org=row.org_name,
            value_cents=to_cents(row.value) if row.value is not None else None,
            currency=row.currency,
            closed_on=row.closed_on,
            steps=tuple(steps.get(row.id, ())),
        )
        for row in session.execute(
            select(
                r.id,
                r.from_id,
                r.to_id,
                r.date,
                r.status,
                r.direction,
                r.about_id,
                org.name.label("org_name"),
                r.value,
                r.currency,
                r.closed_on,
            )
            .outerjoin(org, org.id == r.about_org_id)
            .where(r.owner_id == owner_id)
            .order_by(r.date, r.id)
        )
    ]
    x = s.Exchange
    exchanges = [
        facts.ExchangeRecord(
            giver_id=row.giver_id,
            receiver_id=row.receiver_id,
            kind=row.kind,
            date=row.date,
            value_cents=to_cents(row.value) if row.value is not None else None,
            currency=row.currency,
            referral_id=row.referral_id,
        )
        for row in session.execute(
            select(
                x.giver_id, x.receiver_id, x.kind, x.date, x.value, x.currency, x.referral_id
            ).where(x.owner_id == owner_id, or_(x.giver_id == me_id, x.receiver_id == me_id))
        )
    ]
    ids = {p for ref in referrals for p in (ref.from_id, ref.about_id) if p is not None}
    ids |= {e.giver_id for e in exchanges if e.kind == "business"}
    ids.discard(me_id)
    return _people(session, owner_id, me_id, ids), referrals, exchanges


def _people(
    session: Session, owner_id: int, me_id: int, ids: set[int]
) -> dict[int, facts.Acquaintance]:
    found: dict[int, dict[str, Any]] = {}
    visits: dict[int, list[facts.EventVisit]] = defaultdict(list)
    for chunk in _chunks(ids):
        for pid, name, met_on, met_where in session.execute(
            select(s.Person.id, s.Person.name, s.Person.met_on, s.Person.met_where).where(
                s.Person.id.in_(chunk)
            )
        ):
            found[pid] = {"id": pid, "name": name, "met_on": met_on, "met_where": met_where}
        for pid, event_id, name, date in session.execute(
            select(s.EventAttendee.person_id, s.Event.id, s.Event.name, s.Event.date)
            .join(s.Event, s.Event.id == s.EventAttendee.event_id)
            .where(s.EventAttendee.person_id.in_(chunk))
        ):
            visits[pid].append(facts.EventVisit(event_id, name, date))
        t = s.Tie
        for a, b, source in session.execute(
            select(t.person_a_id, t.person_b_id, t.source).where(
                t.owner_id == owner_id,
                or_(
                    and_(t.person_a_id == me_id, t.person_b_id.in_(chunk)),
                    and_(t.person_b_id == me_id, t.person_a_id.in_(chunk)),
                ),
            )
        ):
            pid = b if a == me_id else a
            if pid in found:
                found[pid]["tie_source"] = source
        i = s.Introduction
        for a, b in session.execute(
            select(i.a_id, i.b_id).where(
                i.owner_id == owner_id,
                i.state == "made",
                i.introducer_id != me_id,
                or_(
                    and_(i.a_id == me_id, i.b_id.in_(chunk)),
                    and_(i.b_id == me_id, i.a_id.in_(chunk)),
                ),
            )
        ):
            pid = b if a == me_id else a
            if pid in found:
                found[pid]["introduced"] = True
        for pid in session.scalars(
            select(s.PersonLink.person_id).where(
                s.PersonLink.person_id.in_(chunk), s.PersonLink.kind == "linkedin"
            )
        ):
            if pid in found:
                found[pid]["linkedin"] = True
    return {
        pid: facts.Acquaintance(**values, events=tuple(visits.get(pid, ())))
        for pid, values in found.items()
    }
