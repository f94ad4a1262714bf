"""The Store: an open database and its transactions (one unit of work per use case)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from whoknows.config import Settings
from whoknows.services.cache import Cache
from whoknows.storage import changes, locks, schema
from whoknows.storage.engine import display, make_engine, migrate
from whoknows.storage.errors import translate


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
        with self.read() as session:
            row = session.execute(
                select(schema.Account.created_at, schema.Account.data_version).where(
                    schema.Account.id == self.owner_id
                )
            ).first()
        if row is None:
            return "none"
        created = row.created_at.isoformat() if row.created_at is not None else "?"
        return f"{created}#{row.data_version}"

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One all-or-nothing write transaction; bumps the owner's data version.

        The bump comes first: it locks the owner's row, so writers of one owner take turns
        (on PostgreSQL too, as SQLite does anyway), and the change log's triggers stamp this
        transaction's rows with the version it commits (storage/changes.py).
        """
        with locks.writer_turn(self.engine), self._session(write=True) as session:
            version = session.execute(
                update(schema.Account)
                .where(schema.Account.id == self.owner_id)
                .values(data_version=schema.Account.data_version + 1)
                .returning(schema.Account.data_version)
            ).scalar()
            if version is not None:
                changes.prune(session.connection(), self.owner_id, version)
            yield session

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
    def _session(self, *, write: bool, consistent: bool = False) -> Iterator[Session]:
        try:
            with self.engine.connect() as connection:
                connection.execution_options(whoknows_write=write)
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


def open_store(settings: Settings) -> Store:
    """Open (and create or upgrade) the database the settings name."""
    return Store(settings)
