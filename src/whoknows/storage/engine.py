"""Engine set-up for SQLite (WAL, foreign keys, busy timeout) and PostgreSQL, and migrations."""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.pool import NullPool, QueuePool

from whoknows.errors import UserError
from whoknows.storage.errors import translate
from whoknows.storage.plain import BUSY_TIMEOUT_MS as BUSY_TIMEOUT_MS
from whoknows.storage.plain import HEAD as HEAD
from whoknows.storage.plain import private_database_file

if TYPE_CHECKING:
    from alembic.config import Config


# How long a writer waits for another writer before giving up (SQLite); plain reads wait as long.
CHECKPOINT_PAGES = 1000  # SQLite's default
BULK_CHECKPOINT_PAGES = 20_000  # 80 MB of WAL before a long import's checkpoint
# SQLite connections kept open (the web app's threads share them; a CLI command uses one).
SQLITE_POOL = 8
SQLITE_OVERFLOW = 32
# Serialises concurrent migrations on PostgreSQL (an arbitrary, fixed advisory lock key).
_PG_MIGRATION_LOCK = 7_200_417


_URL_HINT = "use a file path, sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"


def display(url: str) -> str:
    """The database as shown to the user: a SQLite file's path, or the URL without password."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return "the database"
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return parsed.database
    return parsed.render_as_string(hide_password=True)


def make_engine(url: str) -> Engine:
    """Create an engine with the pragmas and transaction behaviour whoknows relies on."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:  # e.g. a port that is not a number
        raise UserError(f"database URL {_shown(url)} is not valid", hint=_URL_HINT) from exc
    backend = parsed.get_backend_name()
    try:
        if backend == "sqlite":
            return _sqlite_engine(url, parsed.database)
        if backend == "postgresql":
            return create_engine(url, poolclass=NullPool)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise UserError(
            f"no PostgreSQL driver for {parsed.render_as_string(hide_password=True)}",
            hint="install whoknows[postgres] (psycopg 3) and use postgresql+psycopg://",
        ) from exc
    except (ArgumentError, ValueError, TypeError) as exc:  # e.g. sqlite://relative-path
        raise UserError(f"database URL {_shown(url)} is not valid", hint=_URL_HINT) from exc
    raise UserError(
        f"database {backend!r} is not supported", hint="use SQLite (a file path) or PostgreSQL"
    )


def _shown(url: str) -> str:
    """A URL for a message: its password hidden where it can be parsed, and cut short."""
    try:
        url = make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        url = url.split("@", 1)[-1] if "@" in url else url
    return repr(url if len(url) <= 80 else url[:77] + "...")


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        private_database_file(Path(database))
    engine = create_engine(
        url,
        # Connections are kept for the next transaction: opening one (and its pragmas) cost
        # ~4.5 ms, more than most queries; a web page runs several transactions.
        poolclass=QueuePool,
        pool_size=SQLITE_POOL,
        max_overflow=SQLITE_OVERFLOW,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event (below) decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer takes the write lock up front: a deferred transaction that later
        # upgrades to a writer fails at once with "database is locked" instead of waiting.
        options = connection.get_execution_options()
        write = options.get("whoknows_write", True)
        if write:
            # A bulk writer (a long import) lets the WAL grow before it is copied back: its
            # transactions dirty the same index pages again and again, and each page is then
            # copied once per checkpoint, not once per transaction.
            pages = BULK_CHECKPOINT_PAGES if options.get("whoknows_bulk") else CHECKPOINT_PAGES
            if connection.info.get("wal_autocheckpoint") != pages:
                connection.exec_driver_sql(f"PRAGMA wal_autocheckpoint = {pages}")
                connection.info["wal_autocheckpoint"] = pages
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("whoknows.storage") / "migrations")
    )
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None, "whoknows ships at least one migration"
    return head


def current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _stamped(connection: Connection) -> str | None:
    """The revision recorded in the database, read with plain SQL (None when there is none)."""
    try:
        found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return str(found) if found is not None else None
    except DBAPIError:
        return None
    finally:
        connection.rollback()


def migrate(engine: Engine) -> bool:
    """Bring the schema to the newest revision; True when something was applied.

    The check and the upgrade happen in one transaction holding the write lock, so two
    processes opening a new database at once do not both try to create it.
    """
    try:
        with engine.connect() as connection:
            connection.execution_options(whoknows_write=False)
            stamped = _stamped(connection)
            if stamped == HEAD:
                return False
            head = head_revision()
            if stamped is not None and stamped not in known_revisions():
                raise UserError(
                    f"this database was made by a newer whoknows (revision {stamped}); "
                    f"this one knows up to {head}",
                    hint="upgrade whoknows: pip install --upgrade whoknows",
                )
            connection.execution_options(whoknows_write=True)
            with connection.begin():
                if engine.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
                    )
                if current_revision(connection) == head:
                    return False
                from alembic import command

                logging.getLogger("alembic").setLevel(logging.WARNING)
                command.upgrade(_alembic_config(connection), "head")
            return True
    except DBAPIError as exc:
        raise translate(exc, display(engine.url.render_as_string(hide_password=False))) from exc


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {r.revision for r in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}
