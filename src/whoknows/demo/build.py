"""The demo network: build it into a store in one transaction (the tour of it is tour.py)."""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, Table, delete, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from whoknows.core.icp import Profile
from whoknows.demo import generator, rows, vocab
from whoknows.demo.tour import count_rows, database_label, degrees, features
from whoknows.errors import UserError
from whoknows.services import icp, refs
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
        first, second = degrees(session, owner, me_id) if me_id else (0, 0)
        counted = {
            table.__tablename__: count_rows(session, table, owner)
            for table in (s.Person, s.Organization, s.Tie, s.Event, s.Interaction)
        }
    return DemoSummary(
        size=size,
        seed=seed,
        database=database_label(store),
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
        raise translate(exc, database_label(store)) from exc


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
                f"{database_label(store)} is not empty ({found} {table.__tablename__})",
                hint="the demo only writes into an empty database; leave out --db to use its own",
            )


def _peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)
