"""The tour of a network: what there is to see, the commands to try, and each feature's part
(its demo data and its lines of the tour, `features()`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import case, func, select, union
from sqlalchemy.orm import Session

from whoknows.core import models
from whoknows.services import icp, refs, views
from whoknows.services.store import Store
from whoknows.storage import schema as s


def database_label(store: Store) -> str:
    """The database as the tour and messages name it: a SQLite file's path, else its URL."""
    url = store.engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        return url.database
    return url.render_as_string(hide_password=True)


@dataclass(frozen=True)
class Relationship:
    """One of my relationships, with how much and how lately we have been in touch."""

    id: int
    name: str
    organization: str | None
    stage: str | None
    interactions: int
    first: dt.date
    last: dt.date


@dataclass(frozen=True)
class BusyEvent:
    id: int
    name: str
    date: dt.date
    place: str | None
    people_met: int
    gets_it: int


@dataclass(frozen=True)
class TourSection:
    """A part of the tour a later feature adds: a title and lines of plain text."""

    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Tour:
    """What there is to see in a network; the CLI prints it, --json gives it as is."""

    database: str
    people: int
    first_degree: int
    second_degree: int
    ties: int
    organizations: int
    events: int
    interactions: int
    me: models.Person | None
    ideal_client: str | None  # the profile, described; None when not set
    strongest: tuple[Relationship, ...]
    busiest_events: tuple[BusyEvent, ...]
    try_commands: tuple[str, ...]
    sections: tuple[TourSection, ...] = field(default=())


@dataclass(frozen=True)
class Feature:
    """A part of whoknows that adds its own demo data and its own part of the tour."""

    title: str
    tour: Callable[[Store, dt.date], list[str]]
    add: Callable[[Store, np.random.Generator, dt.date], dict[str, int]] | None = None


def features() -> tuple[Feature, ...]:
    """Each feature's demo data and tour, in the order the tour shows them."""
    from whoknows.demo import followups as demo_followups
    from whoknows.demo import ledger as demo_ledger
    from whoknows.demo import reach as demo_reach
    from whoknows.demo import referrals as demo_referrals

    return (
        Feature("Give and get", demo_ledger.tour, demo_ledger.add),
        Feature("Referrals and the business they brought", demo_referrals.tour, demo_referrals.add),
        Feature("Follow up", demo_followups.tour, demo_followups.add),
        Feature("Your best advocates, and a warm path", demo_reach.tour),
    )


def tour(store: Store, *, top: int = 5, today: dt.date | None = None) -> Tour:
    """The facts worth showing about the network in the store (the demo's or anyone's)."""
    today = today or dt.date.today()
    with store.read() as session:
        owner = store.owner_id
        me = session.scalar(select(s.Person).where(s.Person.owner_id == owner, s.Person.is_me))
        first, second = degrees(session, owner, me.id) if me else (0, 0)
        strongest = _strongest(session, owner, me.id if me else None, today, top)
        busiest = _busiest_events(session, owner, top)
        profile = icp.load(session, owner)
        made = Tour(
            database=database_label(store),
            people=count_rows(session, s.Person, owner),
            first_degree=first,
            second_degree=second,
            ties=count_rows(session, s.Tie, owner),
            organizations=count_rows(session, s.Organization, owner),
            events=count_rows(session, s.Event, owner),
            interactions=count_rows(session, s.Interaction, owner),
            me=views.person(me) if me else None,
            ideal_client=profile.describe() if not profile.is_empty() else None,
            strongest=strongest,
            busiest_events=busiest,
            try_commands=_commands(session, owner, strongest, busiest),
        )
    sections = []
    for feature in features():
        lines = feature.tour(store, today) if me is not None else []
        if lines:
            sections.append(TourSection(feature.title, tuple(lines)))
    return dataclasses.replace(made, sections=tuple(sections))


Owned = type[s.Person | s.Tie | s.Organization | s.Event | s.Interaction]


def count_rows(session: Session, table: Owned, owner: int) -> int:
    query = select(func.count()).select_from(table).where(table.owner_id == owner)
    return session.scalar(query) or 0


def degrees(session: Session, owner: int, me: int) -> tuple[int, int]:
    """How many people I know, and how many more they know (IN lists use the tie indexes)."""
    t = s.Tie
    ties = select(t).where(t.owner_id == owner).subquery()
    mine = union(
        select(ties.c.person_b_id).where(ties.c.person_a_id == me),
        select(ties.c.person_a_id).where(ties.c.person_b_id == me),
    ).cte("mine")
    reached = union(
        select(ties.c.person_b_id.label("p")).where(ties.c.person_a_id.in_(select(mine))),
        select(ties.c.person_a_id.label("p")).where(ties.c.person_b_id.in_(select(mine))),
    ).subquery()
    first = session.scalar(select(func.count()).select_from(mine)) or 0
    second = session.scalar(
        select(func.count())
        .select_from(reached)
        .where(reached.c.p != me, reached.c.p.not_in(select(mine)))
    )
    return first, second or 0


def _strongest(
    session: Session, owner: int, me: int | None, today: dt.date, top: int
) -> tuple[Relationship, ...]:
    ip, i = s.InteractionPerson, s.Interaction
    query = select(ip.person_id, i.date).join(i, i.id == ip.interaction_id)
    query = query.where(ip.owner_id == owner, ip.person_id != (me or 0))
    score: dict[int, float] = {}
    count: dict[int, int] = {}
    span: dict[int, tuple[dt.date, dt.date]] = {}
    for person, day in session.execute(query):
        # Every interaction counts, recent ones most (a half-life of six months).
        score[person] = score.get(person, 0.0) + 0.5 ** (max((today - day).days, 0) / 182)
        count[person] = count.get(person, 0) + 1
        first, last = span.get(person, (day, day))
        span[person] = (min(first, day), max(last, day))
    best = sorted(score, key=lambda p: (-score[p], p))[:top]
    people = {p.id: p for p in session.scalars(select(s.Person).where(s.Person.id.in_(best)))}
    found = []
    for p in best:
        row = people[p]
        organization = row.organization.name if row.organization is not None else None
        found.append(Relationship(p, row.name, organization, row.stage, count[p], *span[p]))
    return tuple(found)


def _busiest_events(session: Session, owner: int, top: int) -> tuple[BusyEvent, ...]:
    e, a = s.Event, s.EventAttendee
    met = func.count(a.person_id)
    query = (
        select(e.id, e.name, e.date, e.place, met, func.sum(case((a.gets_it, 1), else_=0)))
        .join(a, a.event_id == e.id)
        .where(e.owner_id == owner)
        .group_by(e.id, e.name, e.date, e.place)
        .order_by(met.desc(), e.date.desc(), e.id)
        .limit(top)
    )
    return tuple(
        BusyEvent(id, name, date, place, people, int(gets_it or 0))
        for id, name, date, place, people, gets_it in session.execute(query)
    )


def _commands(
    session: Session,
    owner: int,
    strongest: tuple[Relationship, ...],
    busiest: tuple[BusyEvent, ...],
) -> tuple[str, ...]:
    """Commands worth trying, with real names from the data (quoted for a POSIX shell)."""
    q = shlex.quote
    commands = []
    if strongest:
        # Show off a name when one of them is unambiguous; an email works for anyone.
        options = [(_person_ref(session, owner, r), r) for r in strongest]
        named = [(ref, r) for ref, r in options if ref == r.name]
        ref, best = (named or options)[0]
        ref = q(ref)
        commands.append(f"whoknows person show {ref}")
        if best.organization:
            commands.append(f"whoknows org show {q(best.organization)}")
        commands.append(f"whoknows log coffee {ref} --note {q('Caught up on referrals')}")
    commands += ["whoknows person list --stage advocate", "whoknows person find manufacturers"]
    if busiest:
        commands.append(f"whoknows event show {q(busiest[0].name)}")
    return tuple(commands)


def _person_ref(session: Session, owner: int, person: Relationship) -> str:
    """The person's name when it names nobody else, else their email, else their id."""
    namesakes = session.scalar(
        select(func.count())
        .select_from(s.Person)
        .where(s.Person.owner_id == owner, s.Person.name_key == refs.name_key(person.name))
    )
    if namesakes == 1:
        return person.name
    email = session.scalar(
        select(s.PersonEmail.email)
        .where(s.PersonEmail.person_id == person.id)
        .order_by(s.PersonEmail.position)
        .limit(1)
    )
    return email or str(person.id)
