"""The team server's engine, schema upgrades, application role and per-request tenant context.

Isolation lives in the database (docs/team-design.md): the server runs as the role
`whoknows_app`, which owns nothing and obeys the forced row security of schema.POLICIES, and
each request is one transaction that names its space and account with set_config(…, true),
so a pooled connection never carries one request's tenant into the next.
"""

from __future__ import annotations

import logging
import secrets
import select
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import ArgumentError, DataError, DBAPIError

from whoknows.config import database_url_from
from whoknows.errors import Unavailable, UserError
from whoknows.teamserver import schema

if TYPE_CHECKING:
    from alembic.config import Config

_MIGRATION_LOCK = 0x7465616D  # "team": one `team init` at a time upgrades a database
STATEMENT_TIMEOUT_MS = 15_000  # no request holds a connection longer than this
APPLICATION_NAME = "whoknows-team"  # how the server's connections show in pg_stat_activity


def server_url(value: str) -> str:
    """The SQLAlchemy URL of a team server database; anything but PostgreSQL is refused."""
    url = database_url_from(value.strip())
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        backend = ""
    if backend != "postgresql":
        raise UserError(
            f"the team server needs PostgreSQL, not {backend or value!r}",
            hint="pass --db postgresql+psycopg://USER@HOST/DATABASE",
        )
    return url


def connect(url: str, *, pool_size: int = 5, as_app: bool = True) -> Engine:
    """An engine on the server's database. AS_APP: every pooled connection acts as the
    application role, even when the URL's user owns the tables or is a superuser."""
    engine = create_engine(
        server_url(url),
        pool_size=pool_size,
        max_overflow=0 if as_app else 5,
        pool_pre_ping=True,
        pool_timeout=10,
        connect_args={"application_name": APPLICATION_NAME if as_app else "whoknows-team-init"},
    )
    if engine.dialect.driver == "psycopg":
        engine.dialect.do_ping = _quiet_ping(engine.dialect.do_ping)  # type: ignore[method-assign,assignment]

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")
            if as_app:
                cursor.execute("SELECT current_user")
                if cursor.fetchone()[0] != schema.APP_ROLE:
                    cursor.execute(f"SET ROLE {schema.APP_ROLE}")
            dbapi_connection.commit()
        except Exception as exc:
            dbapi_connection.rollback()
            raise UserError(
                f"the database user cannot act as {schema.APP_ROLE} ({_first_line(exc)})",
                hint="run `whoknows team init --db URL` as the owner of the database first",
            ) from exc
        finally:
            cursor.close()

    return engine


def _quiet_ping(ping: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """The pool's check of a connection it hands out, without a round trip when it can tell.

    An idle connection that came back to the pool has nothing to read from its server,
    unless the server has closed it (a restart, pg_terminate_backend): then its socket reads
    (the FATAL message, the end of the stream). So: nothing to read, alive; anything to read,
    or not idle, the dialect's own ping (a statement), whose failure SQLAlchemy takes for a
    lost connection and replaces it."""
    from psycopg import pq

    def quiet(dbapi_connection: Any) -> bool:
        if dbapi_connection.closed or dbapi_connection.broken:
            return False
        pgconn = dbapi_connection.pgconn
        if pgconn.status != pq.ConnStatus.OK or (
            pgconn.transaction_status != pq.TransactionStatus.IDLE
        ):
            return ping(dbapi_connection)
        poller = select.poll()
        poller.register(pgconn.socket, select.POLLIN | select.POLLPRI)
        if not poller.poll(0):
            return True
        return ping(dbapi_connection)

    return quiet


def _first_line(exc: BaseException) -> str:
    return (str(getattr(exc, "orig", None) or exc).strip().splitlines() or ["?"])[0]


def unavailable(exc: DBAPIError) -> Unavailable:
    """What a database that went away (or is still starting) means to a caller."""
    return Unavailable(f"the team server's database is unavailable ({_first_line(exc)})")


# A statement that may well succeed if sent again: cancelled by statement_timeout, a
# serialization failure, a deadlock, a lock not available.
TRY_AGAIN = frozenset({"57014", "40001", "40P01", "55P03"})


def is_busy(exc: DBAPIError) -> bool:
    """True when the database refused this statement for now (a timeout, a conflict)."""
    return getattr(exc.orig, "sqlstate", None) in TRY_AGAIN


def busy(exc: DBAPIError) -> Unavailable:
    """What a statement the database gave up on for now means to a caller."""
    return Unavailable(f"the team server is busy ({_first_line(exc)}); try again")


# A value of the request the database cannot hold: a number past bigint, a date past its range,
# a character no text column takes (the server's 22003, 22008, 22021, 22P05; a NUL in a text,
# which psycopg refuses before sending: a DataError without a SQLSTATE). The caller's input,
# not the server's fault: a 400.
OUT_OF_RANGE = frozenset({"22003", "22008", "22021", "22P05"})


def is_bad_value(exc: DBAPIError) -> bool:
    """True when the database (or its driver) refused a value the caller sent."""
    state = getattr(exc.orig, "sqlstate", None)
    return state in OUT_OF_RANGE or (isinstance(exc, DataError) and state is None)


def bad_value(exc: DBAPIError) -> UserError:
    return UserError(
        f"the input is not valid (a value the server cannot store: {_first_line(exc)})",
        hint="nothing was written; send numbers, dates and texts in range",
    )


def is_outage(exc: DBAPIError) -> bool:
    """True for a lost or refused connection, false for an error in a statement."""
    if exc.connection_invalidated:
        return True
    name = type(exc.orig).__name__ if exc.orig is not None else ""
    return name in {"OperationalError", "InterfaceError"} and "timeout" not in str(exc.orig)


@contextmanager
def tenant(
    engine: Engine,
    *,
    space_id: int | None = None,
    account_id: int | None = None,
    commit_on: tuple[type[BaseException], ...] = (),
) -> Iterator[Connection]:
    """One transaction, its tenant set transaction-locally; commits when the block ends, and
    also when it raises one of COMMIT_ON (a refusal that must keep its audit row)."""
    try:
        with engine.connect() as conn:
            transaction = conn.begin()
            try:
                if space_id is not None or account_id is not None:  # else nobody: as begun
                    set_tenant(conn, space_id=space_id, account_id=account_id)
                yield conn
            except commit_on:
                transaction.commit()
                raise
            except BaseException:
                transaction.rollback()
                raise
            transaction.commit()
    except DBAPIError as exc:
        if is_outage(exc):
            raise unavailable(exc) from exc
        raise


def set_tenant(conn: Connection, *, space_id: int | None, account_id: int | None) -> None:
    """Name the space and the account of the rest of this transaction (None: nobody)."""
    conn.execute(
        text("SELECT set_config(:sk, :space, true), set_config(:ak, :account, true)"),
        {
            "sk": schema.SPACE_SETTING,
            "ak": schema.ACCOUNT_SETTING,
            "space": "" if space_id is None else str(int(space_id)),
            "account": "" if account_id is None else str(int(account_id)),
        },
    )


def current_tenant(conn: Connection) -> tuple[int | None, int | None]:
    """The (space, account) this transaction acts for."""
    row = conn.execute(
        text(
            "SELECT nullif(current_setting(:sk, true), '')::bigint, "
            "nullif(current_setting(:ak, true), '')::bigint"
        ),
        {"sk": schema.SPACE_SETTING, "ak": schema.ACCOUNT_SETTING},
    ).one()
    return row[0], row[1]


# --- set-up and upgrades, run by `whoknows team init` as the owner ----------------------


def _alembic_config(connection: Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("whoknows.teamserver") / "migrations")
    )
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision, make sure the application role exists and
    holds exactly its grants, and create the signing key. Safe to run again."""
    from alembic import command

    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
            command.upgrade(_alembic_config(conn), "head")
            _app_role(conn)
            conn.execute(
                text(
                    "INSERT INTO server_secret (name, value) VALUES ('signing', :v) "
                    "ON CONFLICT (name) DO NOTHING"
                ),
                {"v": secrets.token_hex(32)},
            )
    except DBAPIError as exc:
        if is_outage(exc):
            raise unavailable(exc) from exc
        raise UserError(
            f"could not set up the team server's database: {_first_line(exc)}",
            hint="run `whoknows team init` as a user that owns the database "
            "and may create roles (CREATEROLE)",
        ) from exc


def _app_role(conn: Connection) -> None:
    role = schema.APP_ROLE
    conn.execute(
        text(
            f"""
            DO $$
            BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
                CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
              END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
              NULL;  -- another database's init created it at the same moment
            END $$;
            """
        )
    )
    found = conn.execute(
        text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :r"), {"r": role}
    ).one()
    if found.rolsuper or found.rolbypassrls:
        raise UserError(
            f"the role {role} is a superuser or bypasses row security",
            hint=f"ALTER ROLE {role} NOSUPERUSER NOBYPASSRLS, then run team init again",
        )
    me = conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).one()
    if not me.rolsuper:  # so that `team serve` with the owner's URL may SET ROLE
        conn.execute(text(f"GRANT {role} TO CURRENT_USER"))
    conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
    for table in schema.metadata.sorted_tables:
        name = table.name
        conn.execute(text(f"REVOKE ALL ON {name} FROM {role}"))
        if name in schema.APPEND_ONLY:
            conn.execute(text(f"GRANT SELECT, INSERT ON {name} TO {role}"))
        elif name == "server_secret":
            conn.execute(text(f"GRANT SELECT ON {name} TO {role}"))
        else:
            conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {name} TO {role}"))
        if "id" in table.c and table.c.id.identity is not None:
            sequence = conn.execute(
                text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": name}
            ).scalar_one()
            conn.execute(text(f"GRANT USAGE, SELECT ON SEQUENCE {sequence} TO {role}"))
