"""Introductions with double opt-in, behind the reputation guard.

States: proposed → asked → accepted (both sides said yes) → made, or declined; a made
introduction gets an outcome (good, neutral, bad) that feeds the guard and tie strength.
Most are mine to make (I introduce A and B); one I ask for (`request`: someone I know
introduces me to someone they know) runs the same states with that person as introducer.
Proposing and listing are here; carrying one on (ask, accept, make, …) is in intro_steps.py;
their rows are read and written in storage/introductions.py.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

from whoknows.core import guard
from whoknows.core.models import PersonRef as PersonRef
from whoknows.errors import Conflict, Hint, Refused, UserError
from whoknows.services import paging, refs, validate
from whoknows.services.intro_steps import IntroDrafts as IntroDrafts
from whoknows.services.intro_steps import accept as accept
from whoknows.services.intro_steps import ask as ask
from whoknows.services.intro_steps import decline as decline
from whoknows.services.intro_steps import make as make
from whoknows.services.intro_steps import outcome as outcome
from whoknows.services.reputation import side
from whoknows.services.store import Store, per_version
from whoknows.storage import introductions as rows
from whoknows.storage.introductions import OPEN_STATES as OPEN_STATES
from whoknows.storage.introductions import OUTCOMES as OUTCOMES
from whoknows.storage.introductions import STATES as STATES
from whoknows.storage.introductions import IntroView as IntroView

if TYPE_CHECKING:
    from whoknows.storage import schema as s
    from whoknows.storage.unit import Session


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
            hint=Hint(
                cli="to meet someone yourself, see: whoknows path PERSON",
                web="to meet someone yourself, see Paths",
                api="to meet someone yourself, GET /api/v1/paths",
            ),
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
            refusal=f"introducing {a.name} and {b.name} could cost you your reputation: ",
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
    refusal: str,
) -> IntroView:
    """A new proposed introduction of A and B made by INTRODUCER (PEOPLE), unless one of them
    is open already, or the guard's WARNINGS refuse it (REFUSAL says what) without FORCE."""
    introducer, a, b = people
    _refuse_pending(session, store, a, b)
    if warnings and not force:
        reasons = [str(w) for w in warnings]
        raise Refused(
            refusal + guard.summary(warnings),
            hint="nothing was written; get to know them first",
            reasons=reasons,
            go_ahead="force",  # each adapter says how: --force, force=true, a button
        )
    row = rows.add(
        session,
        store.owner_id,
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
    return rows.view(session, row)


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
            refusal=f"asking {via.name} for an introduction could cost you: ",
        )


def _refuse_pending(session: Session, store: Store, a: s.Person, b: s.Person) -> None:
    pending = rows.open_between(session, store.owner_id, a.id, b.id, OPEN_STATES)
    if pending is not None:
        raise Conflict(
            f"{a.name} and {b.name} already have introduction #{pending.id} ({pending.state})",
            hint=Hint(
                cli=f"carry it on: whoknows intro ask {pending.id}",
                web=f"carry #{pending.id} on in Introductions",
                api=f"carry it on: POST /api/v1/introductions/{pending.id}",
            ),
        )


@per_version()
def list_introductions(
    store: Store, *, state: str | None = None, person: int | None = None
) -> list[IntroView]:
    """Introductions, newest first; STATE keeps one state only, PERSON (an id) those they are
    introduced in or made (the ones I made are not listed as made by me)."""
    with store.read() as session:
        return rows.views(session, rows.matching(session, _listing(store, state, person)))


@per_version()
def introductions_page(
    store: Store, window: paging.Window, *, state: str | None = None
) -> paging.Page[IntroView]:
    """One page of `list_introductions`, and how many there are in all."""
    with store.read() as session:
        found, total = paging.of_query(session, _listing(store, state), window)
        return paging.Page(rows.views(session, found), total, window.offset, window.limit)


def _listing(store: Store, state: str | None, person: int | None = None) -> Any:
    if state is not None and state.strip().lower() not in STATES:
        raise UserError(f"state {state!r} is not known", hint=f"use one of: {', '.join(STATES)}")
    return rows.listing(store.owner_id, None if state is None else state.strip().lower(), person)


def counts(store: Store) -> Counter[str]:
    """How many introductions are in each state."""
    with store.read() as session:
        return rows.counts(session, store.owner_id)
