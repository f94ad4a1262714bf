"""Referrals: record a lead received from an advocate (or one I give) and move it to won or lost.

Status: received → contacted → meeting → proposal → won / lost. Moves go forward only
(skipping stages is fine: a referral can be won straight away); every step is kept in
referral_steps with its date, which is what the funnel and its timing are made of.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from whoknows.core.acquaintance import OPEN, PIPELINE, STATUSES
from whoknows.core.capture import parse_capture
from whoknows.errors import Conflict, NotFound, UserError
from whoknows.services import ledger, paging, refs, validate
from whoknows.services.arrivals import arrive
from whoknows.services.money import default_currency, money
from whoknows.services.store import Store, per_version
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


# ---------------------------------------------------------------------------- add


def _about(
    session: Session, store: Store, ref: str, *, new: bool = False
) -> s.Person | s.Organization:
    """A person (a reference, or "Name <email> @Org / Role" for someone new) or org:NAME."""
    if ref.strip().casefold().startswith("org:"):
        return refs.organization(session, store.owner_id, ref.strip()[4:].strip())
    captured = parse_capture(ref)
    if not new:
        try:
            return refs.person(session, store.owner_id, ref)
        except NotFound:
            if not captured.name or (captured.email is None and captured.organization is None):
                raise
    return arrive(session, store, captured, ref, new=new).person


def create(
    session: Session,
    store: Store,
    *,
    from_person: s.Person,
    about: s.Person | s.Organization,
    to_person: s.Person | None = None,
    note: str | None = None,
    value: Decimal | None = None,
    currency: str | None = None,
    on: dt.date,
) -> s.Referral:
    """Write a referral, its first step and its ledger entry inside the caller's transaction.

    Without TO_PERSON it is a referral FROM_PERSON passed to me; with it, one I give to
    TO_PERSON (then FROM_PERSON must be me). A referral from someone about themselves is
    business that came to me directly: it has no ledger entry and nobody to thank or report
    back to (thanked_on and, once closed, reported_on are set at once).
    """
    me = refs.me(session, store.owner_id)
    about_person = about if isinstance(about, s.Person) else None
    if to_person is None:
        if from_person.id == me.id:
            raise UserError(
                "a referral you receive comes from someone else",
                hint="to record one you give, add --to PERSON",
            )
        receiver = me
    else:
        if from_person.id != me.id:
            raise UserError(
                "a referral with --to is one you give, so it is from you",
                hint="use --from me (or leave --from out)",
            )
        if to_person.id == me.id:
            raise UserError("--to names yourself", hint="leave --to out for one you receive")
        if about_person is not None and about_person.id == to_person.id:
            raise UserError("nobody is referred to themselves", hint="check --about and --to")
        receiver = to_person
    if about_person is not None and about_person.id == me.id:
        raise UserError("a referral about yourself is not a lead", hint="check --about")
    row = s.Referral(
        owner_id=store.owner_id,
        direction="received" if to_person is None else "given",
        from_id=from_person.id,
        to_id=receiver.id,
        about_id=about_person.id if about_person is not None else None,
        about_org_id=about.id if isinstance(about, s.Organization) else None,
        status="received",
        value=value,
        currency=currency if value is not None else None,
        note=validate.text(note),
        date=on,
    )
    direct = about_person is not None and about_person.id == from_person.id
    if direct:
        row.thanked_on = on  # nobody referred anyone: there is nobody to thank
    session.add(row)
    session.flush()
    session.add(
        s.ReferralStep(owner_id=store.owner_id, referral_id=row.id, status="received", date=on)
    )
    if not direct:
        ledger.record(
            session,
            store,
            giver_id=from_person.id,
            receiver_id=receiver.id,
            kind="referral",
            on=on,
            note=row.note,
            value=value,
            currency=row.currency,
            other_id=about_person.id if about_person is not None else None,
            referral_id=row.id,
        )
    session.flush()
    return row


def add(
    store: Store,
    from_ref: str | None,
    about_ref: str,
    to_ref: str | None = None,
    *,
    note: str | None = None,
    value: str | None = None,
    on: dt.date,
    new: bool = False,
) -> ReferralView:
    """Record a referral FROM passed to me about ABOUT (a person or org:NAME), or with TO one
    I give. ABOUT may be a capture line "Name <email> @Org / Role" for someone new."""
    if from_ref is None and to_ref is None:
        raise UserError("who passed you this referral?", hint="add --from PERSON")
    amount, currency = money(store.settings, value)
    if not about_ref.strip():
        raise UserError("whom is the referral about?", hint="add --about PERSON or org:NAME")
    with store.write() as session:
        from_person = refs.person(session, store.owner_id, from_ref or "me")
        to_person = refs.person(session, store.owner_id, to_ref) if to_ref else None
        about = _about(session, store, about_ref, new=new)
        row = create(
            session,
            store,
            from_person=from_person,
            about=about,
            to_person=to_person,
            note=note,
            value=amount,
            currency=currency,
            on=on,
        )
        return _view(session, row)


# ---------------------------------------------------------------------------- moves


def check_status(status: str) -> str:
    value = status.strip().lower()
    if value not in STATUSES:
        raise UserError(
            f"status {status!r} is not known", hint=f"use one of: {', '.join(STATUSES)}"
        )
    return value


def _get(session: Session, store: Store, referral_id: int) -> s.Referral:
    row = session.get(s.Referral, referral_id)
    if row is None or row.owner_id != store.owner_id:
        raise NotFound(f"no referral with id {referral_id}", hint="see: whoknows referral list")
    return row


def advance(session: Session, store: Store, row: s.Referral, status: str, on: dt.date) -> None:
    """Move ROW forward to STATUS on ON and keep the step (the one way a status changes)."""
    if row.status not in OPEN:
        raise Conflict(
            f"referral #{row.id} is already {row.status} (on {row.closed_on})",
            hint="a closed referral stays closed; add a new one for new business",
        )
    if status == row.status:
        raise UserError(f"referral #{row.id} is already {status}")
    if status in PIPELINE and PIPELINE.index(status) < PIPELINE.index(row.status):
        raise UserError(
            f"referral #{row.id} is at {row.status}: it cannot move back to {status}",
            hint=f"the order is {' → '.join(PIPELINE)} (or lost)",
        )
    last = session.scalar(
        select(s.ReferralStep.date)
        .where(s.ReferralStep.referral_id == row.id)
        .order_by(s.ReferralStep.date.desc())
        .limit(1)
    )
    earliest = max(row.date, last) if last is not None else row.date
    if on < earliest:
        raise UserError(
            f"{on} is before referral #{row.id} reached {row.status} ({earliest})",
            hint="give a later --date",
        )
    row.status = status
    if status in ("won", "lost"):
        row.closed_on = on
        if row.about_id == row.from_id:
            row.reported_on = on  # direct business: no advocate to report back to
    session.add(s.ReferralStep(owner_id=store.owner_id, referral_id=row.id, status=status, date=on))
    session.flush()


def move(store: Store, referral_id: int, status: str, *, on: dt.date) -> ReferralView:
    """Move a referral forward: contacted, meeting, proposal, won or lost."""
    checked = check_status(status)
    with store.write() as session:
        row = _get(session, store, referral_id)
        advance(session, store, row, checked, on)
        return _view(session, row)


def won(store: Store, referral_id: int, value: str | None, *, on: dt.date) -> ReferralView:
    """The referral became business worth VALUE (the estimate stays when VALUE is None)."""
    default_currency(store.settings)  # a bad config.toml is said before anything is written
    with store.write() as session:
        row = _get(session, store, referral_id)
        advance(session, store, row, "won", on)
        # in the referral's own currency unless VALUE names another one
        amount, currency = money(store.settings, value, row.currency)
        if amount is not None:
            row.value, row.currency = amount, currency
        return _view(session, row)


def lost(store: Store, referral_id: int, reason: str | None = None, *, on: dt.date) -> ReferralView:
    """The referral did not become business (REASON: why, for the report back)."""
    with store.write() as session:
        row = _get(session, store, referral_id)
        advance(session, store, row, "lost", on)
        row.lost_reason = validate.text(reason)
        return _view(session, row)


# ---------------------------------------------------------------------------- read


def get(store: Store, referral_id: int) -> ReferralView:
    with store.read() as session:
        return _view(session, _get(session, store, referral_id))


@per_version()
def list_referrals(
    store: Store, status: str | None = None, *, person: int | None = None
) -> list[ReferralView]:
    """Every referral, newest first (only those at STATUS when given; "open" = not closed;
    only those PERSON, an id, gave, received or is about when given)."""
    with store.read() as session:
        rows = session.scalars(_listing(store, status, person)).all()
        names = _Names(session, rows)
        return [_view(session, row, names) for row in rows]


@per_version()
def referrals_page(
    store: Store, window: paging.Window, status: str | None = None
) -> paging.Page[ReferralView]:
    """One page of `list_referrals`, and how many there are in all."""
    with store.read() as session:
        rows, total = paging.of_query(session, _listing(store, status), window)
        names = _Names(session, rows)
        views = [_view(session, row, names) for row in rows]
        return paging.Page(views, total, window.offset, window.limit)


def _listing(store: Store, status: str | None, person: int | None = None) -> Select[s.Referral]:
    r = s.Referral
    query = select(r).where(r.owner_id == store.owner_id)
    if status is not None and status.strip().lower() == "open":
        query = query.where(r.status.in_(sorted(OPEN)))
    elif status is not None:
        query = query.where(r.status == check_status(status))
    if person is not None:
        query = query.where(or_(r.from_id == person, r.to_id == person, r.about_id == person))
    return query.order_by(r.date.desc(), r.id.desc())


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


def _view(session: Session, row: s.Referral, names: _Names | None = None) -> ReferralView:
    def person(person_id: int) -> Party:
        if names is not None:
            known = names.people.get(person_id)
            return Party(person_id, known if known is not None else f"#{person_id}")
        found = session.get(s.Person, person_id)
        return Party(person_id, found.name if found is not None else f"#{person_id}")

    about = None
    if row.about_id is not None:
        about = person(row.about_id)
    elif row.about_org_id is not None:
        if names is not None:
            org_name = names.orgs.get(row.about_org_id)
        else:
            org = session.get(s.Organization, row.about_org_id)
            org_name = org.name if org else None
        about = Party(row.about_org_id, org_name or f"#{row.about_org_id}", "organization")
    if names is not None:
        steps = [(step.status, step.date) for step in names.steps.get(row.id, [])]
    else:
        steps = [
            (status, date)
            for status, date in session.execute(
                select(s.ReferralStep.status, s.ReferralStep.date)
                .where(s.ReferralStep.referral_id == row.id)
                .order_by(s.ReferralStep.date, s.ReferralStep.id)
            )
        ]
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
        steps=tuple(Step(status, date) for status, date in steps),
    )
