"""Engine set-up for SQLite (WAL, foreign keys, busy timeout) and PostgreSQL, and migrations."""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.pool import NullPool

from whoknows.errors import UserError

if TYPE_CHECKING:
    from alembic.config import Config

# The newest migration. Opening an up-to-date database compares with this constant instead of
# loading Alembic (a tenth of a second on every command); a test checks it is the real head.
HEAD = "0003"

# How long a writer waits for another writer before giving up (SQLite).
BUSY_TIMEOUT_MS = 30_000
# Serialises concurrent migrations on PostgreSQL (an arbitrary, fixed advisory lock key).
_PG_MIGRATION_LOCK = 7_200_417


def make_engine(url: str) -> Engine:
    """Create an engine with the pragmas and transaction behaviour whoknows relies on."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise UserError(
            f"database URL {url!r} is not valid",
            hint="use a file path, sqlite:///PATH or postgresql+psycopg://USER@HOST/DB",
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, parsed.database)
    if backend == "postgresql":
        try:
            return create_engine(url, poolclass=NullPool)
        except (NoSuchModuleError, ModuleNotFoundError) as exc:
            raise UserError(
                f"no PostgreSQL driver for {parsed.render_as_string(hide_password=True)}",
                hint="install whoknows[postgres] (psycopg 3) and use postgresql+psycopg://",
            ) from exc
    raise UserError(
        f"database {backend!r} is not supported", hint="use SQLite (a file path) or PostgreSQL"
    )


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        path = Path(database)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot create the folder for {path}: {exc.strerror}") from exc
    engine = create_engine(
        url, poolclass=NullPool, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}
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
        write = connection.get_execution_options().get("whoknows_write", True)
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
            if _stamped(connection) == HEAD:
                return False
            head = head_revision()
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
    except OperationalError as exc:
        raise UserError(
            f"cannot open the database {engine.url.render_as_string(hide_password=True)}: "
            f"{_first_line(exc.orig)}",
            hint="check the path or server, and --db / WHOKNOWS_DATABASE_URL",
        ) from exc


def _first_line(error: BaseException | None) -> str:
    return str(error).strip().splitlines()[0] if error and str(error).strip() else "unknown error"
