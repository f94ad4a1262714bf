"""Referrals: record a lead received from an advocate (or one I give) and move it to won or lost.

Status: received → contacted → meeting → proposal → won / lost. Moves go forward only
(skipping stages is fine: a referral can be won straight away); every step is kept in
referral_steps with its date, which is what the funnel and its timing are made of.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from whoknows.core.acquaintance import OPEN, PIPELINE, STATUSES
from whoknows.core.capture import parse_capture
from whoknows.errors import Conflict, NotFound, UserError
from whoknows.services import ledger, next_steps, paging, refs, validate
from whoknows.services.arrivals import arrive
from whoknows.services.money import default_currency, money
from whoknows.services.store import Store, per_version
from whoknows.storage import referrals as rows
from whoknows.storage import schema as s
from whoknows.storage.referrals import Party as Party
from whoknows.storage.referrals import ReferralView as ReferralView
from whoknows.storage.referrals import Step as Step

if TYPE_CHECKING:
    from whoknows.storage.unit import Session


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
                hint="to record one you give, name whom you give it to",
            )
        receiver = me
    else:
        if from_person.id != me.id:
            raise UserError(
                "a referral to someone is one you give, so it is from you",
                hint="leave out whom it is from: it is from you",
            )
        if to_person.id == me.id:
            raise UserError(
                "a referral you give goes to someone else",
                hint="for one you receive, leave out whom it goes to",
            )
        if about_person is not None and about_person.id == to_person.id:
            raise UserError(
                "nobody is referred to themselves",
                hint="check whom it is about and whom it goes to",
            )
        receiver = to_person
    if about_person is not None and about_person.id == me.id:
        raise UserError("a referral about yourself is not a lead", hint="check whom it is about")
    direct = about_person is not None and about_person.id == from_person.id
    row = rows.add(
        session,
        store.owner_id,
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
        thanked_on=on if direct else None,  # nobody referred anyone: nobody to thank
    )
    rows.add_step(session, row, "received", on)
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
        raise UserError("who passed you this referral?", hint="name who passed it to you")
    amount, currency = money(store.settings, value)
    if not about_ref.strip():
        raise UserError("whom is the referral about?", hint="name a person, or org:NAME")
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
        return rows.view(session, row)


# ---------------------------------------------------------------------------- moves


def check_status(status: str) -> str:
    value = status.strip().lower()
    if value not in STATUSES:
        raise UserError(
            f"status {status!r} is not known", hint=f"use one of: {', '.join(STATUSES)}"
        )
    return value


def _get(session: Session, store: Store, referral_id: int) -> s.Referral:
    row = rows.get(session, store.owner_id, referral_id)
    if row is None:
        raise NotFound(
            f"no referral with id {referral_id}", hint=next_steps.LISTINGS["referral list"]
        )
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
    last = rows.last_step_on(session, row.id)
    earliest = max(row.date, last) if last is not None else row.date
    if on < earliest:
        raise UserError(
            f"{on} is before referral #{row.id} reached {row.status} ({earliest})",
            hint="give a later date",
        )
    row.status = status
    if status in ("won", "lost"):
        row.closed_on = on
        if row.about_id == row.from_id:
            row.reported_on = on  # direct business: no advocate to report back to
    rows.add_step(session, row, status, on)
    session.flush()


def move(store: Store, referral_id: int, status: str, *, on: dt.date) -> ReferralView:
    """Move a referral forward: contacted, meeting, proposal, won or lost."""
    checked = check_status(status)
    with store.write() as session:
        row = _get(session, store, referral_id)
        advance(session, store, row, checked, on)
        return rows.view(session, row)


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
        return rows.view(session, row)


def lost(store: Store, referral_id: int, reason: str | None = None, *, on: dt.date) -> ReferralView:
    """The referral did not become business (REASON: why, for the report back)."""
    with store.write() as session:
        row = _get(session, store, referral_id)
        advance(session, store, row, "lost", on)
        row.lost_reason = validate.text(reason)
        return rows.view(session, row)


# ---------------------------------------------------------------------------- read


def get(store: Store, referral_id: int) -> ReferralView:
    with store.read() as session:
        return rows.view(session, _get(session, store, referral_id))


@per_version()
def list_referrals(
    store: Store, status: str | None = None, *, person: int | None = None
) -> list[ReferralView]:
    """Every referral, newest first (only those at STATUS when given; "open" = not closed;
    only those PERSON, an id, gave, received or is about when given)."""
    with store.read() as session:
        return rows.views(session, rows.matching(session, _listing(store, status, person)))


@per_version()
def referrals_page(
    store: Store, window: paging.Window, status: str | None = None
) -> paging.Page[ReferralView]:
    """One page of `list_referrals`, and how many there are in all."""
    with store.read() as session:
        found, total = paging.of_query(session, _listing(store, status), window)
        return paging.Page(rows.views(session, found), total, window.offset, window.limit)


def _listing(store: Store, status: str | None, person: int | None = None) -> Any:
    if status is not None and status.strip().lower() == "open":
        return rows.listing(store.owner_id, sorted(OPEN), person)
    statuses = None if status is None else [check_status(status)]
    return rows.listing(store.owner_id, statuses, person)
