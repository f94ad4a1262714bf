"""The Store: an open database and its transactions (one unit of work per use case).

SQLAlchemy loads only when a command needs it (its first ``read()`` or ``write()``): a SQLite
database already at the newest schema is opened with sqlite3 alone, and a command answered
from the graph snapshot reads its few rows through ``plain()`` (storage/plain.py). Loading
SQLAlchemy and the mapped schema is most of a short command's start-up.
"""

from __future__ import annotations

import datetime as dt
import functools
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from whoknows.config import Settings
from whoknows.services.cache import Cache, fresh
from whoknows.storage import plain
from whoknows.storage.errors import translate

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

P = ParamSpec("P")
T = TypeVar("T")
DEFAULT_OWNER = 1  # storage/schema.py's (a test says so), without loading the schema

# Versions read in this context (one web request), by store: see Store.one_version.
_versions: ContextVar[dict[int, str] | None] = ContextVar("whoknows_versions", default=None)
# The read every read of a store shares in this context, by store: see Store.one_read.
_shared: ContextVar[dict[int, Session] | None] = ContextVar("whoknows_one_read", default=None)


class Store:
    """An open database. Use ``write()`` or ``read()`` for a transaction; close when done."""

    def __init__(self, settings: Settings, *, upgrade: bool = True) -> None:
        self.settings = settings
        self.owner_id = DEFAULT_OWNER
        self.cache = Cache()  # answers kept per data version (snapshot, due list, …)
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        # A SQLite file at the newest schema is read with sqlite3 until SQLAlchemy is needed:
        # a connection per thread (the web app's threads read at once), each kept till close().
        self._sqlite: Path | None = None
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        path = plain.sqlite_path(settings.database_url)
        self.where = str(path) if path is not None else _display(settings.database_url)
        self.upgraded = False
        if path is not None and path.is_file():
            first = _current_sqlite(path)
            if first is not None:
                self._sqlite = path
                self._local.connection = first
                self._connections.append(first)
        if self._sqlite is None:
            self.upgraded = self._make_engine(upgrade)

    @property
    def engine(self) -> Engine:
        """SQLAlchemy's engine, made on first use."""
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._make_engine(upgrade=False)
        assert self._engine is not None
        return self._engine

    @engine.setter
    def engine(self, engine: Engine) -> None:
        """Another engine for what goes through SQLAlchemy (tests replace it to fail it)."""
        self._engine = engine

    def _make_engine(self, upgrade: bool) -> bool:
        from whoknows.storage.engine import make_engine, migrate

        engine = make_engine(self.settings.database_url)
        try:
            upgraded = migrate(engine) if upgrade else False
        except BaseException:
            engine.dispose()
            raise
        self._engine = engine
        return upgraded

    @contextmanager
    def plain(self) -> Iterator[plain.Reader]:
        """A read-only transaction of plain SQL (storage/plain.py), without SQLAlchemy on
        SQLite; through the engine's driver connection on PostgreSQL (and inside ``one_read``)."""
        shared = (_shared.get() or {}).get(id(self))
        if self._sqlite is None or shared is not None:
            with self.read() as session:
                yield plain.over(session.connection())
            return
        try:
            connection = getattr(self._local, "connection", None)
            if connection is None:
                connection = plain.connect_sqlite(self._sqlite)
                with self._lock:
                    self._connections.append(connection)
                self._local.connection = connection
            if connection.in_transaction:  # a read inside a read: the same transaction
                yield plain.Reader(connection)
                return
            with plain.read(connection) as reader:
                yield reader
        except sqlite3.Error as exc:
            raise translate(exc, self.where) from exc

    def data_version(self) -> str:
        """Which database, in which state: the owner's creation time and change counter.

        The counter alone is not enough: a database deleted and made again (a new demo, a
        test that empties its database) counts from zero again and would match a stale cache.
        """
        known = _versions.get()
        if known is not None and id(self) in known:
            return known[id(self)]
        with self.plain() as reader:
            version = plain.data_version(reader, self.owner_id)
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
    def write(self, *, bulk: bool = False, counted: bool = True) -> Iterator[Session]:
        """One all-or-nothing write transaction; bumps the owner's data version.

        BULK: one of many large transactions in a row (an import); SQLite checkpoints its WAL
        less often for them. COUNTED false: bookkeeping no cached answer reads (what a team
        push sent): the data version stays, so the graph snapshot and the caches stay valid.

        The bump comes first: it locks the owner's row, so writers of one owner take turns
        (on PostgreSQL too, as SQLite does anyway), and the change log's triggers stamp this
        transaction's rows with the version it commits (storage/changes.py).
        """
        from sqlalchemy import update

        from whoknows.storage import changes, locks, schema

        known = _versions.get()
        if known is not None:
            known.pop(id(self), None)
        with locks.writer_turn(self.engine), self._session(write=True, bulk=bulk) as session:
            version = (
                session.execute(
                    update(schema.Account)
                    .where(schema.Account.id == self.owner_id)
                    .values(data_version=schema.Account.data_version + 1)
                    .returning(schema.Account.data_version)
                ).scalar()
                if counted
                else None
            )
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
        shared = (_shared.get() or {}).get(id(self))
        if shared is not None:  # inside one_read: its transaction
            yield shared
            return
        with self._session(write=False, consistent=consistent) as session:
            yield session
            session.rollback()

    @contextmanager
    def one_read(self) -> Iterator[None]:
        """Within this block every ``read()`` and ``plain()`` of this store, in this context,
        is one consistent read transaction (a page's parts see one state of the data). The
        data version is read again inside it, so the cached answers it is served are of that
        state. Threads the cache starts to rebuild an answer read on their own."""
        if (_shared.get() or {}).get(id(self)) is not None:
            yield
            return
        known = _versions.get()
        if known is not None:
            known.pop(id(self), None)
        with self.read(consistent=True) as session:
            token = _shared.set({**(_shared.get() or {}), id(self): session})
            try:
                yield
            finally:
                _shared.reset(token)
                if known is not None:
                    known.pop(id(self), None)

    @contextmanager
    def _session(
        self, *, write: bool, consistent: bool = False, bulk: bool = False
    ) -> Iterator[Session]:
        from sqlalchemy.exc import DBAPIError
        from sqlalchemy.orm import Session

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
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()
        self._local = threading.local()
        if self._engine is not None:
            self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.close()


def _display(url: str) -> str:
    from whoknows.storage.engine import display

    return display(url)


def _current_sqlite(path: Path) -> sqlite3.Connection | None:
    """A sqlite3 connection to PATH when it is a whoknows database at the newest schema; None
    otherwise (a new, old or foreign file: SQLAlchemy's route creates, upgrades or says why)."""
    plain.private_database_file(path)
    try:
        connection = plain.connect_sqlite(path)
    except sqlite3.Error:
        return None
    try:
        with plain.read(connection) as reader:
            if plain.stamped(reader) == plain.HEAD:
                return connection
    except sqlite3.Error:
        pass
    connection.close()
    return None


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
