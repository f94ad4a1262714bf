"""The Give/Get ledger: who gave whom what, and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from whoknows.core import ledger as core_ledger
from whoknows.core.models import PersonRef as PersonRef
from whoknows.core.tiestrength import Service
from whoknows.errors import BadOption, UserError
from whoknows.services import refs, validate
from whoknows.services.money import money
from whoknows.services.store import Store, per_version
from whoknows.storage import briefs, exchanges, introductions, lookups, persons

if TYPE_CHECKING:
    from whoknows.storage import schema as s
    from whoknows.storage.unit import Session

KINDS = (
    "introduction",
    "referral",
    "information",
    "recommendation",
    "testimonial",
    "help",
    "business",
)


def check_kind(kind: str) -> str:
    value = kind.strip().lower()
    if value not in KINDS:
        raise UserError(f"kind {kind!r} is not known", hint=f"use one of: {', '.join(KINDS)}")
    return value


def record(
    session: Session,
    store: Store,
    *,
    giver_id: int,
    receiver_id: int,
    kind: str,
    on: dt.date,
    note: str | None = None,
    value: Decimal | None = None,
    currency: str | None = None,
    other_id: int | None = None,
    introduction_id: int | None = None,
    referral_id: int | None = None,
) -> s.Exchange:
    """Write one ledger entry inside the caller's transaction (the one way entries are made)."""
    if giver_id == receiver_id:
        raise UserError("someone cannot give to themselves", hint="name two different people")
    return exchanges.add(
        session,
        store.owner_id,
        giver_id=giver_id,
        receiver_id=receiver_id,
        kind=check_kind(kind),
        date=on,
        note=note,
        value=value,
        currency=currency if value is not None else None,
        other_id=other_id,
        introduction_id=introduction_id,
        referral_id=referral_id,
    )


# -- use cases: give, got, balance -------------------------------------------------------


@dataclass(frozen=True)
class ExchangeView:
    """One ledger entry as shown: giver gave receiver KIND (to or about other)."""

    id: int
    giver: PersonRef
    receiver: PersonRef
    other: PersonRef | None
    kind: str
    date: dt.date
    note: str | None
    value: str | None  # exact decimal as text
    currency: str | None
    introduction_id: int | None
    thanked_on: dt.date | None


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    given: int  # what I gave them over the period
    received: int  # what they gave me
    unthanked: int
    last: dt.date | None


@dataclass(frozen=True)
class FlagView:
    kind: str  # "give, give, give", "taker" or "to thank"
    person: PersonRef | None  # None: about my giving as a whole
    reason: str
    ask: list[PersonRef]


@dataclass(frozen=True)
class BalanceView:
    since: dt.date
    until: dt.date
    person: PersonRef | None  # the balance of one person, or None for the whole network
    given: int
    received: int
    flags: list[FlagView]
    people: list[PersonRow]
    exchanges: list[ExchangeView]  # one person's entries over the period (empty otherwise)


def _ref(row: s.Person | None) -> PersonRef | None:
    return PersonRef(row.id, row.name) if row is not None else None


def _view(session: Session, row: s.Exchange) -> ExchangeView:
    def named(person_id: int) -> PersonRef:
        found = persons.get(session, person_id)
        return PersonRef(person_id, found.name if found is not None else f"#{person_id}")

    return ExchangeView(
        id=row.id,
        giver=named(row.giver_id),
        receiver=named(row.receiver_id),
        other=named(row.other_id) if row.other_id is not None else None,
        kind=row.kind,
        date=row.date,
        note=row.note,
        value=str(row.value) if row.value is not None else None,
        currency=row.currency,
        introduction_id=row.introduction_id,
        thanked_on=row.thanked_on,
    )


def give(
    store: Store,
    person_ref: str,
    kind: str,
    *,
    to: str | None = None,
    note: str | None = None,
    value: str | None = None,
    on: dt.date,
) -> ExchangeView:
    """I gave PERSON something of KIND (an introduction or referral to OTHER, when given)."""
    checked = check_kind(kind)
    amount, currency = money(store.settings, value)
    with store.write() as session:
        me = refs.me(session, store.owner_id)
        person = refs.person(session, store.owner_id, person_ref)
        other = refs.person(session, store.owner_id, to) if to else None
        if other is not None and other.id in (me.id, person.id):
            raise BadOption(
                "to", to, "must name someone other than you and them", hint="name a third person"
            )
        row = record(
            session,
            store,
            giver_id=me.id,
            receiver_id=person.id,
            kind=checked,
            on=on,
            note=validate.text(note),
            value=amount,
            currency=currency,
            other_id=other.id if other is not None else None,
        )
        return _view(session, row)


def got(
    store: Store,
    person_ref: str,
    kind: str,
    *,
    note: str | None = None,
    value: str | None = None,
    on: dt.date,
) -> ExchangeView:
    """PERSON gave me something of KIND."""
    checked = check_kind(kind)
    amount, currency = money(store.settings, value)
    with store.write() as session:
        me = refs.me(session, store.owner_id)
        person = refs.person(session, store.owner_id, person_ref)
        row = record(
            session,
            store,
            giver_id=person.id,
            receiver_id=me.id,
            kind=checked,
            on=on,
            note=validate.text(note),
            value=amount,
            currency=currency,
        )
        return _view(session, row)


def _entry(row: s.Exchange, me_id: int) -> core_ledger.Entry:
    return lookups.ledger_entry(
        row.giver_id, row.receiver_id, row.kind, row.date, row.thanked_on, me_id
    )


def entries(session: Session, owner_id: int, me_id: int) -> list[core_ledger.Entry]:
    """My whole ledger as core entries (what I gave and what I received)."""
    return lookups.ledger(refs.reader_of(session), owner_id, me_id)


def _wanted(session: Session, owner_id: int) -> str | None:
    """What to ask for, from my brief's wanted introductions: "introductions to A, B or C"."""
    text = briefs.wanted_intros(session, owner_id)
    items = [line.strip().lstrip("-*• ").strip() for line in (text or "").splitlines()]
    items = [item for item in items if item][:3]
    if not items:
        return None
    listed = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
    return f"introductions to {listed}"


@per_version()
def balance(
    store: Store,
    person_ref: str | None = None,
    *,
    since: dt.date | None = None,
    today: dt.date | None = None,
    thresholds: core_ledger.Thresholds = core_ledger.DEFAULT_THRESHOLDS,
) -> BalanceView:
    """Giving and receiving over the period: overall first, then per person, with the flags."""
    day = today or dt.date.today()
    if since is not None and since > day:
        raise BadOption("since", since, "is in the future", hint="give a date up to today")
    with store.read() as session:
        me = refs.me(session, store.owner_id)
        person = refs.person(session, store.owner_id, person_ref) if person_ref else None
        if person is not None and person.id == me.id:
            raise UserError("your balance with yourself is empty", hint="name someone else")
        rows = exchanges.mine(session, store.owner_id, me.id, person.id if person else None)
        found = [_entry(row, me.id) for row in rows]
        ids = {e.person for e in found}
        names = persons.names(session, ids) if ids else {}
        result = core_ledger.balance(
            found,
            today=day,
            since=since,
            names=names,
            wanted=_wanted(session, store.owner_id),
            thresholds=thresholds,
        )
        shown = (
            [_view(session, r) for r in rows if result.since <= r.date <= result.until]
            if person is not None
            else []
        )
        return BalanceView(
            since=result.since,
            until=result.until,
            person=_ref(person),
            given=result.given,
            received=result.received,
            flags=[
                FlagView(
                    kind=f.kind,
                    person=PersonRef(f.person, names[f.person]) if f.person is not None else None,
                    reason=f.reason,
                    ask=[PersonRef(p, names[p]) for p in f.ask],
                )
                for f in result.flags
            ],
            people=[
                PersonRow(p.person, names[p.person], p.given, p.received, p.unthanked, p.last)
                for p in result.people
            ],
            exchanges=shown,
        )


# -- for the tie strength and the advocate ranking ---------------------------------------


def services_by_person(session: Session, owner_id: int, me_id: int) -> dict[int, list[Service]]:
    """What I and each person exchanged, as tie-strength services (reciprocity).

    An introduction of theirs I made that turned out well counts, besides my give, as a
    service returned: both sides gained, and the tie grows as a two-way exchange does.
    """
    found = core_ledger.services(entries(session, owner_id, me_id))
    for a_id, b_id, on in introductions.good_ones_made_by(session, owner_id, me_id):
        if on is None:
            continue
        for person_id in (a_id, b_id):
            found.setdefault(person_id, []).append(Service(on, "introduction", given=False))
    return found


def give_get_scores(
    session: Session, owner_id: int, me_id: int, today: dt.date | None = None
) -> dict[int, float]:
    """Each person's give/get record with me in [0, 1) (people not listed score 0)."""
    return core_ledger.give_get_scores(entries(session, owner_id, me_id), today or dt.date.today())
