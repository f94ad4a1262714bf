"""Introductions with double opt-in, behind the reputation guard.

States: proposed → asked → accepted (both sides said yes) → made, or declined; a made
introduction gets an outcome (good, neutral, bad) that feeds the guard and tie strength.
Most are mine to make (I introduce A and B); one I ask for (`request`: someone I know
introduces me to someone they know) runs the same states with that person as introducer.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from whoknows.core import guard
from whoknows.errors import Conflict, NotFound, Refused, UserError
from whoknows.services import ledger, paging, refs, validate
from whoknows.services.drafts import Draft, Recipient, render, sayings
from whoknows.services.ledger import PersonRef
from whoknows.services.reputation import side
from whoknows.services.store import Store, per_version
from whoknows.storage import schema as s

STATES = ("proposed", "asked", "accepted", "made", "declined")
OPEN_STATES = ("proposed", "asked", "accepted")
OUTCOMES = ("good", "neutral", "bad")


@dataclass(frozen=True)
class IntroView:
    id: int
    a: PersonRef
    b: PersonRef
    why: str | None
    state: str
    a_accepted: bool
    b_accepted: bool
    proposed_on: dt.date
    asked_on: dt.date | None
    made_on: dt.date | None
    declined_on: dt.date | None
    outcome: str | None
    outcome_note: str | None
    outcome_on: dt.date | None
    forced: bool
    warnings: list[str]  # the guard's reasons, kept when it was overridden with --force
    introducer: PersonRef | None = None  # who makes it, when not me (an introduction I asked for)


@dataclass(frozen=True)
class IntroDrafts:
    """An introduction and the emails drafted for it (nothing is sent)."""

    introduction: IntroView
    drafts: list[Draft]
    sender: Recipient | None


_Names = dict[int, tuple[str, bool]]  # a person's id: their name, whether they are me


def _names(session: Session, rows: Sequence[s.Introduction]) -> _Names:
    """The names of the people of ROWS in one query (not a person read, with their emails,
    phones and tags, per side)."""
    ids = {row.a_id for row in rows} | {row.b_id for row in rows}
    ids |= {row.introducer_id for row in rows}
    if not ids:
        return {}
    found = session.execute(
        select(s.Person.id, s.Person.name, s.Person.is_me).where(s.Person.id.in_(ids))
    )
    return {pid: (name, bool(is_me)) for pid, name, is_me in found}


def _view(session: Session, row: s.Introduction, names: _Names | None = None) -> IntroView:
    names = _names(session, [row]) if names is None else names
    maker = names.get(row.introducer_id)
    return IntroView(
        id=row.id,
        a=PersonRef(row.a_id, names.get(row.a_id, (f"#{row.a_id}", False))[0]),
        b=PersonRef(row.b_id, names.get(row.b_id, (f"#{row.b_id}", False))[0]),
        why=row.why,
        state=row.state,
        a_accepted=row.a_accepted,
        b_accepted=row.b_accepted,
        proposed_on=row.proposed_on,
        asked_on=row.asked_on,
        made_on=row.made_on,
        declined_on=row.declined_on,
        outcome=row.outcome,
        outcome_note=row.outcome_note,
        outcome_on=row.outcome_on,
        forced=row.forced,
        warnings=row.warnings.splitlines() if row.warnings else [],
        introducer=None if maker is None or maker[1] else PersonRef(row.introducer_id, maker[0]),
    )


def check(
    store: Store,
    a_ref: str,
    b_ref: str,
    *,
    today: dt.date | None = None,
    rules: guard.GuardRules = guard.DEFAULT_RULES,
) -> list[guard.Warning]:
    """The guard's reasons to hesitate over introducing A and B (nothing is written)."""
    day = today or dt.date.today()
    with store.read() as session:
        me, a, b = _pair(session, store, a_ref, b_ref)
        return guard.check([side(session, store, me.id, p, day) for p in (a, b)], day, rules)


def _pair(
    session: Session, store: Store, a_ref: str, b_ref: str
) -> tuple[s.Person, s.Person, s.Person]:
    me = refs.me(session, store.owner_id)
    a = refs.person(session, store.owner_id, a_ref)
    b = refs.person(session, store.owner_id, b_ref)
    if a.id == b.id:
        raise UserError(f"{a.name} cannot be introduced to themselves", hint="name two people")
    if me.id in (a.id, b.id):
        raise UserError(
            "you introduce two other people to each other",
            hint="to meet someone yourself, see: whoknows path PERSON",
        )
    return me, a, b


# -- the use cases -----------------------------------------------------------------------


def propose(
    store: Store,
    a_ref: str,
    b_ref: str,
    *,
    why: str | None = None,
    force: bool = False,
    today: dt.date | None = None,
    rules: guard.GuardRules = guard.DEFAULT_RULES,
) -> IntroView:
    """Propose introducing A and B; the guard refuses (exit 3, nothing written) unless FORCE."""
    day = today or dt.date.today()
    reason = validate.text(why)
    with store.write() as session:
        me, a, b = _pair(session, store, a_ref, b_ref)
        warnings = guard.check([side(session, store, me.id, p, day) for p in (a, b)], day, rules)
        return _open(
            session,
            store,
            (me, a, b),
            reason,
            day,
            warnings,
            force=force,
            refusal=(
                f"introducing {a.name} and {b.name} could cost you your reputation: ",
                "nothing was written; get to know them first, or run again with --force",
            ),
        )


def _open(
    session: Session,
    store: Store,
    people: tuple[s.Person, s.Person, s.Person],
    why: str | None,
    day: dt.date,
    warnings: list[guard.Warning],
    *,
    force: bool,
    refusal: tuple[str, str],
) -> IntroView:
    """A new proposed introduction of A and B made by INTRODUCER (PEOPLE), unless one of them
    is open already, or the guard's WARNINGS refuse it (REFUSAL: what, hint) without FORCE."""
    introducer, a, b = people
    _refuse_pending(session, store, a, b)
    if warnings and not force:
        reasons = [str(w) for w in warnings]
        raise Refused(refusal[0] + guard.summary(warnings), hint=refusal[1], reasons=reasons)
    row = s.Introduction(
        owner_id=store.owner_id,
        introducer_id=introducer.id,
        a_id=a.id,
        b_id=b.id,
        why=why,
        state="proposed",
        a_accepted=a.is_me,  # an introduction I asked for: my side said yes already
        proposed_on=day,
        forced=bool(warnings),
        warnings="\n".join(str(w) for w in warnings) or None,
    )
    session.add(row)
    session.flush()
    return _view(session, row)


def _asked_for(
    session: Session, store: Store, via_ref: str, to_ref: str
) -> tuple[s.Person, s.Person, s.Person]:
    me = refs.me(session, store.owner_id)
    via = refs.person(session, store.owner_id, via_ref)
    to = refs.person(session, store.owner_id, to_ref)
    if me.id in (via.id, to.id):
        raise UserError(
            "you ask someone you know to introduce you to someone else",
            hint="name two other people",
        )
    if via.id == to.id:
        raise UserError(f"{via.name} cannot introduce you to themselves", hint="name two people")
    return me, via, to


def check_request(
    store: Store,
    via_ref: str,
    to_ref: str,
    *,
    today: dt.date | None = None,
    rules: guard.GuardRules = guard.DEFAULT_RULES,
) -> list[guard.Warning]:
    """The guard's reasons to hesitate before asking VIA for an introduction: a favour asked
    of someone I barely know costs as much as one made for them."""
    day = today or dt.date.today()
    with store.read() as session:
        me, via, _ = _asked_for(session, store, via_ref, to_ref)
        return guard.check([side(session, store, me.id, via, day)], day, rules)


def request(
    store: Store,
    via_ref: str,
    to_ref: str,
    *,
    why: str | None = None,
    force: bool = False,
    today: dt.date | None = None,
    rules: guard.GuardRules = guard.DEFAULT_RULES,
) -> IntroView:
    """Ask VIA to introduce me to TO (a hop of a warm path): an introduction VIA makes, my
    side accepted already; the guard refuses (nothing written) unless FORCE."""
    day = today or dt.date.today()
    reason = validate.text(why)
    with store.write() as session:
        me, via, to = _asked_for(session, store, via_ref, to_ref)
        warnings = guard.check([side(session, store, me.id, via, day)], day, rules)
        return _open(
            session,
            store,
            (via, me, to),
            reason,
            day,
            warnings,
            force=force,
            refusal=(
                f"asking {via.name} for an introduction could cost you: ",
                "nothing was written; get to know them first, or ask anyway",
            ),
        )


def _refuse_pending(session: Session, store: Store, a: s.Person, b: s.Person) -> None:
    pending = session.scalar(
        select(s.Introduction).where(
            s.Introduction.owner_id == store.owner_id,
            s.Introduction.state.in_(OPEN_STATES),
            or_(
                (s.Introduction.a_id == a.id) & (s.Introduction.b_id == b.id),
                (s.Introduction.a_id == b.id) & (s.Introduction.b_id == a.id),
            ),
        )
    )
    if pending is not None:
        raise Conflict(
            f"{a.name} and {b.name} already have introduction #{pending.id} ({pending.state})",
            hint=f"carry it on: whoknows intro ask {pending.id}",
        )


def _get(session: Session, owner_id: int, intro_id: int) -> s.Introduction:
    row = session.get(s.Introduction, intro_id)
    if row is None or row.owner_id != owner_id:
        raise NotFound(f"no introduction #{intro_id}", hint="see: whoknows intro list")
    return row


_NEXT = {
    "proposed": "ask both sides first: whoknows intro ask {id}",
    "asked": "wait until both accept: whoknows intro accept {id} A|B",
    "accepted": "make it: whoknows intro make {id}",
    "made": "record how it went: whoknows intro outcome {id} good|neutral|bad",
    "declined": "it is closed; propose a new one if things changed",
}


def _require(row: s.Introduction, allowed: Sequence[str], action: str) -> None:
    if row.state not in allowed:
        raise UserError(
            f"introduction #{row.id} is {row.state}: it cannot be {action}",
            hint=_NEXT[row.state].format(id=row.id),
        )


def _facts(person: s.Person) -> dict[str, Any]:
    org = person.organization.name if person.organization else None
    headline = " at ".join(x for x in (person.role, org) if x)
    return {
        "name": person.name,
        "first_name": person.name.split()[0] if person.name.split() else person.name,
        "email": person.emails[0].email if person.emails else None,
        "role": person.role,
        "organization": org,
        "industry": person.industry
        or (person.organization.industry if person.organization else None),
        "headline": headline or None,
        **sayings(person.asks, person.offers, person.serves),
    }


def _recipient(person: s.Person) -> Recipient:
    return Recipient(person.name, person.emails[0].email if person.emails else None)


def ask(store: Store, intro_id: int, *, today: dt.date | None = None) -> IntroDrafts:
    """Draft the opt-in message to each side and mark the introduction asked."""
    day = today or dt.date.today()
    with store.write() as session:
        row = _get(session, store.owner_id, intro_id)
        _require(row, ("proposed", "asked"), "asked")
        me = refs.me(session, store.owner_id)
        a, b = session.get(s.Person, row.a_id), session.get(s.Person, row.b_id)
        assert a is not None
        assert b is not None
        pairs: tuple[tuple[s.Person, s.Person], ...] = ((a, b), (b, a))
        template = "email/intro_ask.txt"
        if row.introducer_id != me.id:  # asked for: the introducer asks the other side
            via = session.get(s.Person, row.introducer_id)
            assert via is not None
            pairs, template = ((via, b),), "email/intro_request.txt"
        found = [
            render(
                store.settings,
                template,
                to=[_recipient(person)],
                name=f"intro-{row.id}-ask-{person.name}",
                me=_facts(me),
                person=_facts(person),
                other=_facts(other),
                why=row.why,
            )
            for person, other in pairs
        ]
        if row.state == "proposed":
            row.state = "asked"
            row.asked_on = day
        session.flush()
        return IntroDrafts(_view(session, row), found, _recipient(me))


def accept(store: Store, intro_id: int, side_name: str) -> IntroView:
    """Record that side A or B said yes; when both have, the introduction is accepted."""
    which = side_name.strip().upper()
    if which not in ("A", "B"):
        raise UserError(f"side {side_name!r} is not A or B", hint="see: whoknows intro list")
    with store.write() as session:
        row = _get(session, store.owner_id, intro_id)
        _require(row, ("asked",), "accepted")
        if which == "A":
            row.a_accepted = True
        else:
            row.b_accepted = True
        if row.a_accepted and row.b_accepted:
            row.state = "accepted"
        session.flush()
        return _view(session, row)


def make(store: Store, intro_id: int, *, today: dt.date | None = None) -> IntroDrafts:
    """Draft the introduction email to both and record it as a give to each side."""
    day = today or dt.date.today()
    with store.write() as session:
        row = _get(session, store.owner_id, intro_id)
        _require(row, ("accepted",), "made")
        me = refs.me(session, store.owner_id)
        a, b = session.get(s.Person, row.a_id), session.get(s.Person, row.b_id)
        assert a is not None
        assert b is not None
        if row.introducer_id != me.id:  # asked for: they made it, and gave me a service
            ledger.record(
                session,
                store,
                giver_id=row.introducer_id,
                receiver_id=me.id,
                kind="introduction",
                on=day,
                note=row.why,
                other_id=b.id,
                introduction_id=row.id,
            )
            row.state, row.made_on = "made", day
            session.flush()
            return IntroDrafts(_view(session, row), [], _recipient(me))
        draft = render(
            store.settings,
            "email/intro_make.txt",
            to=[_recipient(a), _recipient(b)],
            name=f"intro-{row.id}-{a.name}-{b.name}",
            me=_facts(me),
            a=_facts(a),
            b=_facts(b),
            why=row.why,
        )
        for person, other in ((a, b), (b, a)):
            ledger.record(
                session,
                store,
                giver_id=me.id,
                receiver_id=person.id,
                kind="introduction",
                on=day,
                note=row.why,
                other_id=other.id,
                introduction_id=row.id,
            )
        row.state = "made"
        row.made_on = day
        session.flush()
        return IntroDrafts(_view(session, row), [draft], _recipient(me))


def decline(store: Store, intro_id: int, *, today: dt.date | None = None) -> IntroView:
    """One side said no (or I changed my mind): the introduction is closed."""
    day = today or dt.date.today()
    with store.write() as session:
        row = _get(session, store.owner_id, intro_id)
        _require(row, OPEN_STATES, "declined")
        row.state = "declined"
        row.declined_on = day
        session.flush()
        return _view(session, row)


def outcome(
    store: Store,
    intro_id: int,
    result: str,
    *,
    note: str | None = None,
    today: dt.date | None = None,
) -> IntroView:
    """How a made introduction went: a bad one makes the guard warn about both sides next time;
    a good one counts as a service returned in their tie strength."""
    value = result.strip().lower()
    if value not in OUTCOMES:
        raise UserError(f"outcome {result!r} is not known", hint="use good, neutral or bad")
    day = today or dt.date.today()
    with store.write() as session:
        row = _get(session, store.owner_id, intro_id)
        _require(row, ("made",), "given an outcome")
        row.outcome = value
        row.outcome_note = validate.text(note)
        row.outcome_on = day
        session.flush()
        return _view(session, row)


@per_version()
def list_introductions(
    store: Store, *, state: str | None = None, person: int | None = None
) -> list[IntroView]:
    """Introductions, newest first; STATE keeps one state only, PERSON (an id) those they are
    introduced in or made (the ones I made are not listed as made by me)."""
    with store.read() as session:
        rows = session.scalars(_listing(store, state, person)).all()
        names = _names(session, rows)
        return [_view(session, row, names) for row in rows]


@per_version()
def introductions_page(
    store: Store, window: paging.Window, *, state: str | None = None
) -> paging.Page[IntroView]:
    """One page of `list_introductions`, and how many there are in all."""
    with store.read() as session:
        rows, total = paging.of_query(session, _listing(store, state), window)
        names = _names(session, rows)
        views = [_view(session, row, names) for row in rows]
        return paging.Page(views, total, window.offset, window.limit)


def _listing(store: Store, state: str | None, person: int | None = None) -> Select[s.Introduction]:
    if state is not None and state.strip().lower() not in STATES:
        raise UserError(f"state {state!r} is not known", hint=f"use one of: {', '.join(STATES)}")
    i = s.Introduction
    query = select(i).where(i.owner_id == store.owner_id)
    if state is not None:
        query = query.where(i.state == state.strip().lower())
    if person is not None:
        mine = select(s.Person.id).where(s.Person.owner_id == store.owner_id, s.Person.is_me)
        made = and_(i.introducer_id == person, i.introducer_id.not_in(mine))
        query = query.where(or_(i.a_id == person, i.b_id == person, made))
    return query.order_by(s.Introduction.id.desc())


def counts(store: Store) -> Counter[str]:
    """How many introductions are in each state."""
    with store.read() as session:
        rows = session.execute(
            select(s.Introduction.state, func.count())
            .where(s.Introduction.owner_id == store.owner_id)
            .group_by(s.Introduction.state)
        ).all()
        return Counter({state: int(n) for state, n in rows})
