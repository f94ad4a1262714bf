"""Carrying an introduction on: ask both sides, record who accepted, make it (drafting the
emails, recording the give in the ledger), decline it, and say how it went."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from whoknows.errors import Hint, NotFound, UserError
from whoknows.services import ledger, next_steps, refs, validate
from whoknows.services.drafts import Draft, Recipient, render, sayings
from whoknows.services.store import Store
from whoknows.storage import introductions as rows
from whoknows.storage.introductions import OPEN_STATES, OUTCOMES, IntroView

if TYPE_CHECKING:
    from whoknows.storage import schema as s
    from whoknows.storage.unit import Session


@dataclass(frozen=True)
class IntroDrafts:
    """An introduction and the emails drafted for it (nothing is sent)."""

    introduction: IntroView
    drafts: list[Draft]
    sender: Recipient | None

    def as_json(self) -> dict[str, Any]:
        """The introduction and its drafts (the sender is me: the From: of written drafts)."""
        return {"introduction": self.introduction, "drafts": self.drafts}


def _get(session: Session, owner_id: int, intro_id: int) -> s.Introduction:
    row = rows.get(session, owner_id, intro_id)
    if row is None:
        raise NotFound(f"no introduction #{intro_id}", hint=next_steps.INTROS)
    return row


_NEXT = {  # a state's next step, in words, and its command ("" when none)
    "proposed": ("ask both sides first", "whoknows intro ask {id}"),
    "asked": ("wait until both accept", "whoknows intro accept {id} A|B"),
    "accepted": ("make it", "whoknows intro make {id}"),
    "made": ("record how it went", "whoknows intro outcome {id} good|neutral|bad"),
    "declined": ("it is closed; propose a new one if things changed", ""),
}


def _next(row: s.Introduction) -> Hint:
    said, command = _NEXT[row.state]
    return Hint(cli=f"{said}: {command.format(id=row.id)}" if command else said, web=said)


def _require(row: s.Introduction, allowed: Sequence[str], action: str) -> None:
    if row.state not in allowed:
        raise UserError(
            f"introduction #{row.id} is {row.state}: it cannot be {action}",
            hint=_next(row),
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
        a, b = rows.person(session, row.a_id), rows.person(session, row.b_id)
        pairs: tuple[tuple[s.Person, s.Person], ...] = ((a, b), (b, a))
        template = "email/intro_ask.txt"
        if row.introducer_id != me.id:  # asked for: the introducer asks the other side
            via = rows.person(session, row.introducer_id)
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
        return IntroDrafts(rows.view(session, row), found, _recipient(me))


def accept(store: Store, intro_id: int, side_name: str) -> IntroView:
    """Record that side A or B said yes; when both have, the introduction is accepted."""
    which = side_name.strip().upper()
    if which not in ("A", "B"):
        raise UserError(f"side {side_name!r} is not A or B", hint=next_steps.INTROS)
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
        return rows.view(session, row)


def make(store: Store, intro_id: int, *, today: dt.date | None = None) -> IntroDrafts:
    """Draft the introduction email to both and record it as a give to each side."""
    day = today or dt.date.today()
    with store.write() as session:
        row = _get(session, store.owner_id, intro_id)
        _require(row, ("accepted",), "made")
        me = refs.me(session, store.owner_id)
        a, b = rows.person(session, row.a_id), rows.person(session, row.b_id)
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
            return IntroDrafts(rows.view(session, row), [], _recipient(me))
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
        return IntroDrafts(rows.view(session, row), [draft], _recipient(me))


def decline(store: Store, intro_id: int, *, today: dt.date | None = None) -> IntroView:
    """One side said no (or I changed my mind): the introduction is closed."""
    day = today or dt.date.today()
    with store.write() as session:
        row = _get(session, store.owner_id, intro_id)
        _require(row, OPEN_STATES, "declined")
        row.state = "declined"
        row.declined_on = day
        session.flush()
        return rows.view(session, row)


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
        return rows.view(session, row)
