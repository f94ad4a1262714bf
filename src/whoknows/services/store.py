"""The Store: an open database and its transactions (one unit of work per use case)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from types import TracebackType
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from whoknows.config import Settings
from whoknows.services.cache import Cache, fresh
from whoknows.storage import changes, locks, schema
from whoknows.storage.engine import display, make_engine, migrate
from whoknows.storage.errors import translate

P = ParamSpec("P")
T = TypeVar("T")

# Versions read in this context (one web request), by store: see Store.one_version.
_versions: ContextVar[dict[int, str] | None] = ContextVar("whoknows_versions", default=None)


class Store:
    """An open database. Use ``write()`` or ``read()`` for a transaction; close when done."""

    def __init__(self, settings: Settings, *, upgrade: bool = True) -> None:
        self.settings = settings
        self.owner_id = schema.DEFAULT_OWNER
        self.engine: Engine = make_engine(settings.database_url)
        self.where = display(settings.database_url)  # how messages name the database
        self.upgraded = migrate(self.engine) if upgrade else False
        self.cache = Cache()  # answers kept per data version (snapshot, due list, …)

    def data_version(self) -> str:
        """Which database, in which state: the owner's creation time and change counter.

        The counter alone is not enough: a database deleted and made again (a new demo, a
        test that empties its database) counts from zero again and would match a stale cache.
        """
        known = _versions.get()
        if known is not None and id(self) in known:
            return known[id(self)]
        with self.read() as session:
            row = session.execute(
                select(schema.Account.created_at, schema.Account.data_version).where(
                    schema.Account.id == self.owner_id
                )
            ).first()
        created = "?" if row is None or row.created_at is None else row.created_at.isoformat()
        version = "none" if row is None else f"{created}#{row.data_version}"
        if known is not None:
            known[id(self)] = version
        return version

    @contextmanager
    def one_version(self) -> Iterator[None]:
        """Within this block (a web request), the data version is read once: every cached
        answer of one page is of one state of the data, for one query instead of one per answer.
        A write in the block reads it again."""
        token = _versions.set({})
        try:
            yield
        finally:
            _versions.reset(token)

    @contextmanager
    def write(self, *, bulk: bool = False) -> Iterator[Session]:
        """One all-or-nothing write transaction; bumps the owner's data version.

        BULK: one of many large transactions in a row (an import); SQLite checkpoints its WAL
        less often for them.

        The bump comes first: it locks the owner's row, so writers of one owner take turns
        (on PostgreSQL too, as SQLite does anyway), and the change log's triggers stamp this
        transaction's rows with the version it commits (storage/changes.py).
        """
        known = _versions.get()
        if known is not None:
            known.pop(id(self), None)
        with locks.writer_turn(self.engine), self._session(write=True, bulk=bulk) as session:
            version = session.execute(
                update(schema.Account)
                .where(schema.Account.id == self.owner_id)
                .values(data_version=schema.Account.data_version + 1)
                .returning(schema.Account.data_version)
            ).scalar()
            if version is not None:
                changes.prune(session.connection(), self.owner_id, version)
            try:
                yield session
            finally:
                if known is not None:
                    known.pop(id(self), None)  # read during the write: the one before it

    @contextmanager
    def read(self, *, consistent: bool = False) -> Iterator[Session]:
        """A read-only transaction (never takes the write lock on SQLite).

        CONSISTENT: every query sees one state of the database while others write (REPEATABLE
        READ on PostgreSQL; a SQLite read transaction is one snapshot already).
        """
        with self._session(write=False, consistent=consistent) as session:
            yield session
            session.rollback()

    @contextmanager
    def _session(
        self, *, write: bool, consistent: bool = False, bulk: bool = False
    ) -> Iterator[Session]:
        try:
            with self.engine.connect() as connection:
                connection.execution_options(whoknows_write=write, whoknows_bulk=bulk)
                if consistent and connection.dialect.name == "postgresql":
                    connection.execution_options(
                        isolation_level="REPEATABLE READ", postgresql_readonly=True
                    )
                with Session(bind=connection, expire_on_commit=False) as session:
                    try:
                        yield session
                        session.commit()
                    except BaseException:
                        session.rollback()
                        raise
        except DBAPIError as exc:
            raise translate(exc, self.where) from exc

    def close(self) -> None:
        self.cache.close()
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.close()


def per_version(
    *, stale: bool = False
) -> Callable[[Callable[Concatenate[Store, P], T]], Callable[Concatenate[Store, P], T]]:
    """A read use case answered once per state of the data and day, from the store's cache.

    Its arguments after the store are the key (so they must be hashable), and everyone asking
    shares the answer (so nobody may change it). Concurrent askers wait for one computation.
    STALE: on a server, while the answer is recomputed after a write, others are served the
    previous one (services/cache.py); for rankings and paths, which take long to compute and
    do not tell at once what a write changed. Without it, the answer is always current.
    """

    def wrap(read: Callable[Concatenate[Store, P], T]) -> Callable[Concatenate[Store, P], T]:
        name = f"{read.__module__.rpartition('.')[2]}.{read.__name__}"

        @functools.wraps(read)
        def kept(store: Store, /, *args: P.args, **kwargs: P.kwargs) -> T:
            key = (dt.date.today(), args, tuple(sorted(kwargs.items())))
            with nullcontext() if stale else fresh():
                return store.cache.get(
                    name, key, store.data_version(), lambda: read(store, *args, **kwargs)
                )

        return kept

    return wrap
