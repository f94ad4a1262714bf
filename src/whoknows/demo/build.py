"""The demo network: build it into a store in one transaction, and the tour of what is there."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shlex
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Connection, Table, case, delete, func, select, union, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from whoknows.core import models
from whoknows.core.icp import Profile
from whoknows.demo import generator, rows, vocab
from whoknows.errors import UserError
from whoknows.services import icp, refs, views
from whoknows.services.store import Store
from whoknows.storage import schema as s
from whoknows.storage.bulk import bulk_insert, deferred_indexes, finish_bulk_load
from whoknows.storage.errors import translate

Progress = Callable[[str, int, int], None]
SIZES = tuple(generator.SIZES)
# Above this many rows, dropping a table's plain indexes and building them afterwards pays off.
_DEFER_INDEXES = 200_000
UNFINISHED = "demo.unfinished"  # a setting: the network is written, the features not yet


@dataclass(frozen=True)
class DemoSummary:
    size: str
    seed: int
    database: str
    people: int
    first_degree: int
    second_degree: int
    organizations: int
    ties: int
    events: int
    interactions: int
    generate_seconds: float
    write_seconds: float
    peak_rss_mb: float | None
    ideal_client: Profile


def ideal_client() -> Profile:
    """Whom the demo's owner wants to meet: set as the ideal client profile of the demo."""
    me = vocab.ME
    low, high = me.icp_org_size
    return icp.make_profile(
        industries=me.icp_industries,
        roles=me.icp_roles,
        cities=me.icp_cities,
        org_size=f"{low}:{high}",
    )


def build_demo(
    store: Store,
    size: str,
    seed: int,
    progress: Progress | None = None,
    *,
    today: dt.date | None = None,
    with_features: bool = True,
) -> DemoSummary:
    """Generate the demo network and write it in one transaction; refuse a non-empty database.

    Then each feature adds its own data (ledger, referrals, follow-ups…) unless
    ``with_features`` is False. The same size, seed and `today` always write the same rows.
    """
    if size not in generator.SIZES:
        raise UserError(f"demo size {size!r} is not known", hint=f"use one of: {', '.join(SIZES)}")
    report = progress or (lambda _step, _done, _total: None)
    refuse_unless_empty(store)
    today = today or dt.date.today()
    started = time.perf_counter()
    net = generator.generate(generator.SIZES[size], seed, today, report)
    renderer = rows.Renderer(net, today, store.owner_id, refs.name_key)
    generated = time.perf_counter()
    _write(store, renderer, report)
    for number, feature in enumerate(features() if with_features else ()):
        if feature.add is not None:
            report(feature.title, 0, 1)
            feature.add(store, np.random.default_rng([seed, number]), today)
            report(feature.title, 1, 1)
    with store.write() as session:  # whole now: the mark of an unfinished demo goes
        session.execute(
            delete(s.Setting).where(
                s.Setting.owner_id == store.owner_id, s.Setting.key == UNFINISHED
            )
        )
    written = time.perf_counter()
    with store.read() as session:
        owner = store.owner_id
        me_id = session.scalar(
            select(s.Person.id).where(s.Person.owner_id == owner, s.Person.is_me)
        )
        first, second = _degrees(session, owner, me_id) if me_id else (0, 0)
        counted = {
            table.__tablename__: _count(session, table, owner)
            for table in (s.Person, s.Organization, s.Tie, s.Event, s.Interaction)
        }
    return DemoSummary(
        size=size,
        seed=seed,
        database=_display(store),
        people=counted["people"],
        first_degree=first,
        second_degree=second,
        organizations=counted["organizations"],
        ties=counted["ties"],
        events=counted["events"],
        interactions=counted["interactions"],
        generate_seconds=round(generated - started, 2),
        write_seconds=round(written - generated, 2),
        peak_rss_mb=_peak_rss_mb(),
        ideal_client=ideal_client(),
    )


def _write(store: Store, renderer: rows.Renderer, report: Progress) -> None:
    dbapi = store.engine.dialect.loaded_dbapi
    try:
        with store.engine.connect() as connection:
            connection.execution_options(whoknows_write=True)
            with connection.begin():
                if connection.dialect.name == "sqlite":
                    # A bigger page cache for this one connection: index pages stay in memory.
                    connection.exec_driver_sql("PRAGMA cache_size = -262144")
                # again, now holding the write lock; an unfinished demo is built again
                if _unfinished(store, connection):
                    _wipe(store, connection)
                _refuse_unless_empty(store, connection)
                tables = [_write_table(connection, part, report) for part in renderer.tables()]
                finish_bulk_load(connection, tables)
                # rollback_only: the session's commit only flushes into this one transaction.
                with Session(bind=connection, join_transaction_mode="rollback_only") as session:
                    icp.save(session, store.owner_id, ideal_client())
                    # Marks the demo unfinished until its features are written too: on
                    # PostgreSQL (built in place) a demo killed half-way is built again.
                    session.add(s.Setting(owner_id=store.owner_id, key=UNFINISHED, value="1"))
                    session.commit()
                connection.execute(
                    update(s.Account)
                    .where(s.Account.id == store.owner_id)
                    .values(data_version=s.Account.data_version + 1)
                )
                report("saving", 0, 1)
            report("saving", 1, 1)
    except (dbapi.Error, DBAPIError) as exc:
        raise translate(exc, _display(store)) from exc


def _write_table(connection: Connection, part: rows.TableRows, report: Progress) -> Table:
    table = s.Base.metadata.tables[part.table]
    step = f"writing {part.table.replace('_', ' ')}"
    report(step, 0, part.count)
    written = _rows_written(report, step, part.count)
    if part.count <= _DEFER_INDEXES:
        bulk_insert(connection, table, part.columns, part.rows(), progress=written)
        return table
    indexing = f"indexing {part.table.replace('_', ' ')}"
    with deferred_indexes(connection, table):
        bulk_insert(connection, table, part.columns, part.rows(), progress=written)
        report(indexing, 0, 1)
    report(indexing, 1, 1)
    return table


def _rows_written(report: Progress, step: str, total: int) -> Callable[[int], None]:
    return lambda done: report(step, done, total)


def refuse_unless_empty(store: Store) -> None:
    """Refuse a database holding a network, unless it is an unfinished demo (built again)."""
    with store.engine.connect() as connection:
        if not _unfinished(store, connection):
            _refuse_unless_empty(store, connection)


def _unfinished(store: Store, connection: Connection) -> bool:
    found = connection.scalar(
        select(s.Setting.key).where(
            s.Setting.owner_id == store.owner_id, s.Setting.key == UNFINISHED
        )
    )
    return found is not None


def _wipe(store: Store, connection: Connection) -> None:
    """Remove what an unfinished demo wrote for this owner (nobody else's rows)."""
    for table in reversed(s.Base.metadata.sorted_tables):
        if "owner_id" in table.c:
            connection.execute(table.delete().where(table.c.owner_id == store.owner_id))


def _refuse_unless_empty(store: Store, connection: Connection) -> None:
    for table in (s.Person, s.Organization, s.Event, s.Interaction):
        found = connection.scalar(
            select(func.count()).select_from(table).where(table.owner_id == store.owner_id)
        )
        if found:
            raise UserError(
                f"{_display(store)} is not empty ({found} {table.__tablename__})",
                hint="the demo only writes into an empty database; leave out --db to use its own",
            )


def _display(store: Store) -> str:
    url = store.engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        return url.database
    return url.render_as_string(hide_password=True)


def _peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


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
        first, second = _degrees(session, owner, me.id) if me else (0, 0)
        strongest = _strongest(session, owner, me.id if me else None, today, top)
        busiest = _busiest_events(session, owner, top)
        profile = icp.load(session, owner)
        made = Tour(
            database=_display(store),
            people=_count(session, s.Person, owner),
            first_degree=first,
            second_degree=second,
            ties=_count(session, s.Tie, owner),
            organizations=_count(session, s.Organization, owner),
            events=_count(session, s.Event, owner),
            interactions=_count(session, s.Interaction, owner),
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


def _count(session: Session, table: Owned, owner: int) -> int:
    query = select(func.count()).select_from(table).where(table.owner_id == owner)
    return session.scalar(query) or 0


def _degrees(session: Session, owner: int, me: int) -> tuple[int, int]:
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
