"""Referrals' rows: every query of them and their steps, and the one row → ReferralView
mapping (names and steps read for many rows at once)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from whoknows.storage import schema as s


@dataclass(frozen=True)
class Party:
    """A person or organization as a referral names them."""

    id: int
    name: str
    kind: str = "person"  # or "organization"


@dataclass(frozen=True)
class Step:
    status: str
    date: dt.date


@dataclass(frozen=True)
class ReferralView:
    id: int
    direction: str  # received (to me) or given (by me)
    from_: Party
    to: Party
    about: Party | None
    status: str
    value: Decimal | None
    currency: str | None
    note: str | None
    lost_reason: str | None
    date: dt.date
    closed_on: dt.date | None
    thanked_on: dt.date | None
    reported_on: dt.date | None
    steps: tuple[Step, ...]

    def as_json(self) -> dict[str, object]:
        """The JSON shape scripts read (money as an exact decimal string)."""
        return {
            "id": self.id,
            "direction": self.direction,
            "from": {"id": self.from_.id, "name": self.from_.name, "kind": "person"},
            "to": {"id": self.to.id, "name": self.to.name, "kind": "person"},
            "about": (
                {"id": self.about.id, "name": self.about.name, "kind": self.about.kind}
                if self.about
                else None
            ),
            "status": self.status,
            "value": str(self.value) if self.value is not None else None,
            "currency": self.currency,
            "note": self.note,
            "lost_reason": self.lost_reason,
            "date": self.date.isoformat(),
            "closed_on": self.closed_on.isoformat() if self.closed_on else None,
            "thanked_on": self.thanked_on.isoformat() if self.thanked_on else None,
            "reported_on": self.reported_on.isoformat() if self.reported_on else None,
            "steps": [{"status": x.status, "date": x.date.isoformat()} for x in self.steps],
        }


def get(session: Session, owner_id: int, referral_id: int) -> s.Referral | None:
    row = session.get(s.Referral, referral_id)
    return row if row is not None and row.owner_id == owner_id else None


def add(session: Session, owner_id: int, **values: object) -> s.Referral:
    """A new referral row, flushed (it has its id)."""
    row = s.Referral(owner_id=owner_id, **values)
    session.add(row)
    session.flush()
    return row


def add_step(session: Session, row: s.Referral, status: str, on: dt.date) -> None:
    session.add(s.ReferralStep(owner_id=row.owner_id, referral_id=row.id, status=status, date=on))


def last_step_on(session: Session, referral_id: int) -> dt.date | None:
    """The date of the referral's latest step."""
    return session.scalar(
        select(s.ReferralStep.date)
        .where(s.ReferralStep.referral_id == referral_id)
        .order_by(s.ReferralStep.date.desc())
        .limit(1)
    )


def listing(
    owner_id: int, statuses: Sequence[str] | None, person: int | None = None
) -> Select[s.Referral]:
    """Referrals newest first; STATUSES keeps those at one of them, PERSON (an id) those they
    gave, received or are about."""
    r = s.Referral
    query = select(r).where(r.owner_id == owner_id)
    if statuses is not None:
        query = query.where(r.status.in_(statuses))
    if person is not None:
        query = query.where(or_(r.from_id == person, r.to_id == person, r.about_id == person))
    return query.order_by(r.date.desc(), r.id.desc())


def open_of(
    session: Session, owner_id: int, person_id: int, closed: Sequence[str]
) -> list[tuple[s.Referral, str | None]]:
    """A person's referrals (from, to or about them) not in CLOSED, oldest first, each with
    the name of whom or what it is about."""
    r = s.Referral
    rows = session.scalars(
        select(r)
        .where(r.owner_id == owner_id, r.status.not_in(closed))
        .where(or_(r.from_id == person_id, r.to_id == person_id, r.about_id == person_id))
        .order_by(r.date, r.id)
    ).all()
    found = []
    for row in rows:
        about = session.scalar(select(s.Person.name).where(s.Person.id == row.about_id))
        org = session.scalar(
            select(s.Organization.name).where(s.Organization.id == row.about_org_id)
        )
        found.append((row, about or org))
    return found


def matching(session: Session, query: Select[s.Referral]) -> list[s.Referral]:
    return list(session.scalars(query).all())


def views(session: Session, rows: Sequence[s.Referral]) -> list[ReferralView]:
    names = _Names(session, rows)
    return [view(session, row, names) for row in rows]


_CHUNK = 500  # ids per IN (...) list: well under every backend's limit on bound values


class _Names:
    """The names and steps of many referrals read in a few queries (not three per row)."""

    def __init__(self, session: Session, rows: Sequence[s.Referral]) -> None:
        people = {r.from_id for r in rows} | {r.to_id for r in rows}
        people |= {r.about_id for r in rows if r.about_id is not None}
        orgs = sorted({r.about_org_id for r in rows if r.about_org_id is not None})
        self.people: dict[int, str] = {}
        self.orgs: dict[int, str] = {}
        self.steps: dict[int, list[Step]] = {r.id: [] for r in rows}
        ids = sorted(people)
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            found = session.execute(
                select(s.Person.id, s.Person.name).where(s.Person.id.in_(chunk))
            )
            for pid, name in found:
                self.people[pid] = name
        for i in range(0, len(orgs), _CHUNK):
            chunk = orgs[i : i + _CHUNK]
            found = session.execute(
                select(s.Organization.id, s.Organization.name).where(s.Organization.id.in_(chunk))
            )
            for oid, name in found:
                self.orgs[oid] = name
        referral_ids = sorted(self.steps)
        for i in range(0, len(referral_ids), _CHUNK):
            chunk = referral_ids[i : i + _CHUNK]
            for rid, status, date in session.execute(
                select(s.ReferralStep.referral_id, s.ReferralStep.status, s.ReferralStep.date)
                .where(s.ReferralStep.referral_id.in_(chunk))
                .order_by(s.ReferralStep.date, s.ReferralStep.id)
            ):
                self.steps[rid].append(Step(status, date))


def view(session: Session, row: s.Referral, names: _Names | None = None) -> ReferralView:
    """ROW as shown, its people, organization and steps named (NAMES: read for many rows)."""
    session.flush()  # its newest step is read back
    names = _Names(session, [row]) if names is None else names

    def person(person_id: int) -> Party:
        known = names.people.get(person_id)
        return Party(person_id, known if known is not None else f"#{person_id}")

    about = None
    if row.about_id is not None:
        about = person(row.about_id)
    elif row.about_org_id is not None:
        org_name = names.orgs.get(row.about_org_id)
        about = Party(row.about_org_id, org_name or f"#{row.about_org_id}", "organization")
    return ReferralView(
        id=row.id,
        direction=row.direction,
        from_=person(row.from_id),
        to=person(row.to_id),
        about=about,
        status=row.status,
        value=row.value,
        currency=row.currency,
        note=row.note,
        lost_reason=row.lost_reason,
        date=row.date,
        closed_on=row.closed_on,
        thanked_on=row.thanked_on,
        reported_on=row.reported_on,
        steps=tuple(names.steps.get(row.id, [])),
    )


def pipeline(session: Session, owner_id: int) -> tuple[dict[str, int], dict[str, Decimal]]:
    """How many referrals are at each status, and what the won ones are worth per currency
    (exact: the sum of whole cents), in one GROUP BY query."""
    r = s.Referral
    counts: dict[str, int] = {}
    won: dict[str, Decimal] = {}
    for status, currency, count, total in session.execute(
        select(r.status, r.currency, func.count(), func.sum(r.value))
        .where(r.owner_id == owner_id)
        .group_by(r.status, r.currency)
        .order_by(r.status, r.currency)
    ):
        counts[status] = counts.get(status, 0) + count
        if status == "won" and currency and total is not None:
            won[currency] = total
    return counts, won


def received_from(session: Session, owner_id: int, person_id: int) -> list[s.Referral]:
    """The referrals PERSON_ID gave me (received), any status."""
    r = s.Referral
    return list(
        session.scalars(
            select(r).where(
                r.owner_id == owner_id, r.direction == "received", r.from_id == person_id
            )
        )
    )
