"""One sheet before a 1-to-1: what I know of them, what I can give, what to ask for, and
what is still open between us. Rendered as text, Markdown or JSON (the web page too)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from whoknows.core import models
from whoknows.core import prep as core
from whoknows.core.icp import match_mask
from whoknows.errors import UserError
from whoknows.services import brief, drafts, icp, ledger, plan, refs, suggest, views
from whoknows.services.snapshot import Snapshot, load_snapshot
from whoknows.services.store import Store
from whoknows.storage import events, introductions, persons, referrals, ties

if TYPE_CHECKING:
    from whoknows.storage.unit import Session

OPEN_INTROS = ("proposed", "asked", "accepted")
CLOSED_REFERRALS = ("won", "lost")
GIVE = 3  # introductions to offer in one meeting: more is a list, not a plan


@dataclass(frozen=True)
class Idea:
    """Something to do in the meeting, and why."""

    what: str
    why: str
    command: str | None = None


@dataclass(frozen=True)
class Touch:
    date: dt.date
    kind: str
    note: str | None


@dataclass(frozen=True)
class Sheet:
    person: models.Person
    met: str  # how and when we met, and how long I have known them
    tie: str | None  # my tie to them, explained ("strong (0.81): …")
    interactions: int
    recent: list[Touch]  # the last few, newest first
    balance: str  # the give/get between us over the last 12 months
    give: list[Idea]  # introductions I could make for them, information to pass on
    ask: list[Idea]  # whom to ask them to introduce me to
    open_loops: list[str]


def sheet(store: Store, ref: str, *, today: dt.date | None = None) -> Sheet:
    """The sheet for a 1-to-1 with REF."""
    day = today or dt.date.today()
    snapshot = load_snapshot(store, today=day)
    with store.read() as session:
        me = refs.me(session, store.owner_id)
        row = refs.person(session, store.owner_id, ref)
        if row.is_me:
            raise UserError("a 1-to-1 is with someone else", hint="name the person you will meet")
        person = views.person(row)
        touches = _touches(session, store.owner_id, row.id)
        met = _met(session, store.owner_id, me.id, person, touches, day)
        loops = _open_loops(session, store.owner_id, me.id, row.id)
        loops += [
            f"you owe them: {o.what} ({o.duty.value.replace('-', ' ')}, since {o.since})"
            for o in plan.obligations(refs.reader_of(session), store.owner_id, me.id)
            if o.person_id == row.id
        ]
        contacts = _their_contacts(session, snapshot, row.id, me.id)
        pid = row.id
    node = _node(snapshot, pid)
    shown = ledger.balance(store, f"#{pid}", today=day)
    return Sheet(
        person=person,
        met=met,
        tie=snapshot.my_ties.get(node) if node is not None else None,
        interactions=len(touches),
        recent=touches[:5],
        balance=f"from {shown.since}: you gave them {shown.given}, they gave you {shown.received}",
        give=_give(store, pid, day),
        ask=_ask(store, snapshot, person.name, contacts),
        open_loops=loops,
    )


def _node(snapshot: Snapshot, person_id: int) -> int | None:
    found = snapshot.graph.index_of(np.asarray([person_id], dtype=np.int64), strict=False)
    return int(found[0]) if len(found) and found[0] >= 0 else None


def _touches(session: Session, owner_id: int, person_id: int) -> list[Touch]:
    return [
        Touch(date, kind, note) for date, kind, note in ties.touches(session, owner_id, person_id)
    ]


def _met(
    session: Session,
    owner_id: int,
    me_id: int,
    person: models.Person,
    touches: list[Touch],
    day: dt.date,
) -> str:
    """ "met at the Chamber Breakfast on 2024-01-10; known since 2023-03-01 (2 years): the
    earliest evidence (connected, met, a first interaction); 14 interactions, the last …"."""
    first_event = events.first_attended(session, owner_id, person.id)
    tie = ties.tie(session, owner_id, me_id, person.id)
    tie_since = tie.since if tie is not None else None
    said = []
    if person.met_where:
        said.append(person.met_where + (f" ({person.met_on})" if person.met_on else ""))
    elif first_event is not None:
        said.append(f"at {first_event[0]} ({first_event[1]})")
    elif person.met_on:
        said.append(f"on {person.met_on}")
    evidence = [person.met_on, tie_since, first_event[1] if first_event else None]
    evidence += [t.date for t in touches[-1:]]  # the first interaction (newest first)
    known = [d for d in evidence if d is not None and d <= day]
    if known:
        since = min(known)
        said.append(f"known since {since} ({_age(since, day)})")
    if touches:
        last = touches[0]
        count = f"{len(touches)} interaction{'s' if len(touches) != 1 else ''}"
        said.append(f"{count}, the last a {last.kind} on {last.date}")
    return "; ".join(said) or "nothing recorded yet"


def _age(since: dt.date, day: dt.date) -> str:
    days = (day - since).days
    if days >= 365:
        years = round(days / 365.25)
        return "1 year" if years == 1 else f"{years} years"
    if days >= 60:
        return f"{round(days / 30.44)} months"
    return "1 day" if days == 1 else f"{days} days"


def _open_loops(session: Session, owner_id: int, me_id: int, person_id: int) -> list[str]:
    loops = []
    for row in introductions.waiting_on(session, owner_id, person_id, OPEN_INTROS):
        names = persons.names(session, {row.a_id, row.b_id, row.introducer_id})
        who = "you" if row.introducer_id == me_id else names.get(row.introducer_id, "someone")
        pair = f"{names.get(row.a_id, '?')} and {names.get(row.b_id, '?')}"
        waiting = "no outcome yet" if row.state == "made" else f"{row.state}, not made yet"
        loops.append(f"introduction #{row.id} of {pair} by {who}: {waiting}")
    for ref, about in referrals.open_of(session, owner_id, person_id, CLOSED_REFERRALS):
        whose = "from them" if ref.from_id == person_id else "to them"
        if ref.about_id == person_id:
            whose = "about them"
        loops.append(
            f"referral #{ref.id} {whose}"
            + (f" about {about}" if about and ref.about_id != person_id else "")
            + f": {ref.status} since {ref.date}"
        )
    return loops


def _their_contacts(
    session: Session, snapshot: Snapshot, person_id: int, me_id: int
) -> list[tuple[core.Contact, int]]:
    """The people they know (but me), with what each is in words, and each one's node."""
    node = _node(snapshot, person_id)
    if node is None:
        return []
    nodes, strengths = snapshot.graph.neighbors(node)
    ids = [int(x) for x in snapshot.graph.node_ids[nodes]]
    tie = {pid: float(st) for pid, st in zip(ids, strengths, strict=True)}
    at = {pid: int(n) for pid, n in zip(ids, nodes, strict=True)}
    found = []
    chosen = [x for x in ids if x != me_id]
    for pid, name, role, industry, city, org, org_industry in persons.profiles(session, chosen):
        what = " at ".join(x for x in (role, org) if x)
        trade = industry or org_industry
        profile = ", ".join(x for x in (f"{what} ({trade})" if trade else what, city) if x)
        found.append((core.Contact(pid, name, profile or name, tie[pid]), at[pid]))
    return found


def _give(store: Store, person_id: int, day: dt.date) -> list[Idea]:
    """Introductions I could make for them, through the guard; held ones become information
    to pass on (a name, not an introduction I cannot vouch for)."""
    ideas = []
    for x in suggest.for_person(store, person_id, top=GIVE, today=day):
        other = x.b if x.a.id == person_id else x.a
        if not x.guard:
            ideas.append(Idea(f"introduce them to {other.name}", x.explanation, x.command))
        else:
            ideas.append(
                Idea(
                    f"tell them about {other.name} (a name, not an introduction)",
                    f"{x.explanation}; the reputation guard would stop an introduction: {x.guard}",
                )
            )
    return ideas


def _ask(
    store: Store, snapshot: Snapshot, name: str, contacts: list[tuple[core.Contact, int]]
) -> list[Idea]:
    """Whom to ask them for: their contacts who answer my brief, else my ideal clients."""
    people = [c for c, _ in contacts]
    lines = _brief_lines(store)
    if lines:
        return [
            Idea(
                f"ask for an introduction to {w.contact.name} ({w.contact.profile})",
                f"your brief looks for \u201c{w.line}\u201d; {core.knows(name, w.contact.tie)}",
                f"whoknows path {w.contact.id}",
            )
            for w in core.wanted(lines, people)
        ]
    profile = icp.get_profile(store)
    if profile.is_empty() or not contacts:
        return []
    ideal = match_mask(profile, snapshot.attributes)
    clients = sorted((c for c, n in contacts if ideal[n]), key=lambda c: (-c.tie, c.name, c.id))[:5]
    return [
        Idea(
            f"ask for an introduction to {c.name} ({c.profile})",
            f"an ideal client of yours ({profile.describe()}); {core.knows(name, c.tie)}",
            f"whoknows path {c.id}",
        )
        for c in clients
    ]


def _brief_lines(store: Store) -> list[str]:
    try:
        return brief.show(store).intros
    except UserError:
        return []  # no brief yet


# ---------------------------------------------------------------------------- rendering


def facts(sheet: Sheet) -> Iterable[tuple[str, str]]:
    p = sheet.person
    where = " at ".join(x for x in (p.role, p.organization) if x)
    said = drafts.sayings(p.asks, p.offers, p.serves)
    asks = said["asks"] if said["asks_need"] else f"\u201c{said['asks']}\u201d"
    offers = said["offers"] if said["offers_thing"] else f"\u201c{said['offers']}\u201d"
    for label, value in (
        ("who", ", ".join(x for x in (where, p.industry, p.city) if x)),
        ("stage", p.stage.value if p.stage else ""),
        ("whom they serve", said["serves"] or ""),
        ("they are looking for", asks if said["asks"] else ""),
        ("they offer", offers if said["offers"] else ""),
        ("how we met", sheet.met),
        ("our tie", sheet.tie or ""),
        ("give and get", sheet.balance),
    ):
        if value:
            yield label, value


def render(sheet: Sheet, fmt: str) -> str:
    """The sheet as plain text ("txt") or Markdown ("md")."""
    if fmt not in ("txt", "md"):
        raise UserError(f"format {fmt!r} is not known", hint="use text, md or json")
    md = fmt == "md"
    out = [f"# Prep: {sheet.person.name}" if md else f"Prep: {sheet.person.name}", ""]
    for label, value in facts(sheet):
        out.append(f"- **{label}**: {value}" if md else f"{label}: {value}")
    for title, ideas in (
        ("Give first", sheet.give),
        ("What to ask for", sheet.ask),
    ):
        out += ["", f"## {title}" if md else title]
        if not ideas:
            out.append("- nothing found yet" if md else "  nothing found yet")
        for idea in ideas:
            out.append(f"- **{idea.what}**: {idea.why}" if md else f"  - {idea.what}: {idea.why}")
            if idea.command:
                out.append(f"  `{idea.command}`" if md else f"    {idea.command}")
    out += ["", "## Open loops" if md else "Open loops"]
    out += [f"- {x}" if md else f"  - {x}" for x in sheet.open_loops] or [
        "- none" if md else "  none"
    ]
    if sheet.recent:
        out += ["", "## Recently" if md else "Recently"]
        for t in sheet.recent:
            note = f": {t.note}" if t.note else ""
            out.append(f"- {t.date} {t.kind}{note}" if md else f"  - {t.date} {t.kind}{note}")
    return "\n".join(out) + "\n"
