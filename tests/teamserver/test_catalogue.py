"""Isolation in the database itself: forced row security and an application role that
neither owns the tables nor bypasses the policies (TEAM-MODE.md §4, ASVS 8.4.1)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import ProgrammingError

from whoknows.teamserver import db, schema

pytestmark = pytest.mark.postgres


def test_every_table_with_space_id_has_row_security_enabled_and_forced(
    owner_engine: Engine,
) -> None:
    with owner_engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind = 'r' AND EXISTS ("
                "  SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid "
                "  AND a.attname = 'space_id' AND NOT a.attisdropped)"
            )
        ).all()
    tenant = {r.relname for r in rows}
    assert tenant == set(schema.TENANT_TABLES) - {"space"}
    assert [r.relname for r in rows if not (r.relrowsecurity and r.relforcerowsecurity)] == []
    with owner_engine.connect() as conn:
        space = conn.execute(
            text("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'space'")
        ).one()
    assert space == (True, True)


def test_every_policy_checks_writes(owner_engine: Engine) -> None:
    with owner_engine.connect() as conn:
        rows = conn.execute(
            text("SELECT tablename, qual, with_check FROM pg_policies WHERE schemaname = 'public'")
        ).all()
    assert {r.tablename for r in rows} == set(schema.TENANT_TABLES)
    assert all(r.qual and r.with_check for r in rows)


def test_the_application_role_is_no_superuser_bypasses_nothing_and_owns_nothing(
    owner_engine: Engine,
) -> None:
    with owner_engine.connect() as conn:
        role = conn.execute(
            text("SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = :r"),
            {"r": schema.APP_ROLE},
        ).one()
        owned = conn.execute(
            text(
                "SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
                "WHERE r.rolname = :r"
            ),
            {"r": schema.APP_ROLE},
        ).all()
    assert (role.rolsuper, role.rolbypassrls, role.rolcanlogin) == (False, False, True)
    assert owned == []


def test_the_server_engine_acts_as_the_application_role(app_engine: Engine) -> None:
    with db.tenant(app_engine) as conn:
        assert conn.execute(text("SELECT current_user")).scalar() == schema.APP_ROLE


def test_a_transaction_with_no_tenant_sees_no_rows(world, app_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    owner = world.account()
    space = world.space(owner)
    world.member(space)
    for begin in (app_engine.begin, lambda: db.tenant(app_engine)):  # bare, and named nobody
        with begin() as conn:
            for table in schema.TENANT_TABLES:
                assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
    with db.tenant(app_engine, space_id=space.id) as conn:
        assert conn.execute(text("SELECT count(*) FROM membership")).scalar() == 2


def test_a_write_into_another_space_is_rejected(world, app_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = world.space(), world.space()
    outsider = world.account()
    with pytest.raises(ProgrammingError, match="row-level security"):
        with db.tenant(app_engine, space_id=mine.id) as conn:
            conn.execute(
                text(
                    "INSERT INTO membership (space_id, account_id, role) VALUES (:s, :a, 'owner')"
                ),
                {"s": theirs.id, "a": outsider.id},
            )
    with pytest.raises(ProgrammingError, match="row-level security"):
        with db.tenant(app_engine, space_id=mine.id) as conn:  # nor move a row out of it
            conn.execute(
                text("UPDATE graph_version SET space_id = :s WHERE space_id = :m"),
                {"s": theirs.id, "m": mine.id},
            )


def test_the_audit_log_is_append_only_for_the_application(world, app_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    space = world.space()
    with pytest.raises(ProgrammingError, match="permission denied"):
        with db.tenant(app_engine, space_id=space.id) as conn:
            conn.execute(text("DELETE FROM audit_event"))
    with pytest.raises(ProgrammingError, match="permission denied"):
        with db.tenant(app_engine, space_id=space.id) as conn:
            conn.execute(text("UPDATE audit_event SET action = 'x'"))


def test_the_server_refuses_sqlite_in_one_line() -> None:
    from whoknows.errors import UserError

    with pytest.raises(UserError, match="needs PostgreSQL") as caught:
        db.server_url("sqlite:///team.db")
    assert "\n" not in str(caught.value)
    with pytest.raises(UserError, match="needs PostgreSQL"):
        db.server_url("/tmp/team.db")


def test_the_migrated_database_matches_the_tables_in_schema_py(owner_engine: Engine) -> None:
    """schema.py and the migrations cannot drift: a later change needs its migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with owner_engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "version_table": schema.VERSION_TABLE}
        )
        assert compare_metadata(context, schema.metadata) == []
        stamped = conn.execute(text(f"SELECT version_num FROM {schema.VERSION_TABLE}")).scalar()
    assert stamped is not None


def test_init_and_serve_with_an_owner_that_is_no_superuser(team_db_url: str) -> None:
    """The usual deployment: a database owned by a role that may create roles. The tables
    are that role's; the server, given the owner's URL, still acts as whoknows_app and obeys
    the policies (forced row security binds the owner too)."""
    import uuid

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from whoknows.teamserver import accounts, spaces

    name = f"tserver_owner_{uuid.uuid4().hex[:8]}"
    admin = create_engine(team_db_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {name} LOGIN CREATEROLE"))
        conn.execute(text(f'CREATE DATABASE "{name}" OWNER {name}'))
    url = make_url(team_db_url).set(username=name, database=name)
    owner_url = url.render_as_string(hide_password=False)
    try:
        owner = db.connect(owner_url, pool_size=1, as_app=False)
        db.upgrade(owner)
        server = db.connect(owner_url, pool_size=1)
        try:
            with db.tenant(server) as conn:
                assert conn.execute(text("SELECT current_user")).scalar() == schema.APP_ROLE
                boss = accounts.create(conn, "boss@example.com", "a password!")
                firm = spaces.create(conn, "Firm", "firm", boss.id)
            with owner.connect() as conn:  # the owner itself, without SET ROLE
                assert conn.execute(text("SELECT current_user")).scalar() == name
                assert conn.execute(text("SELECT count(*) FROM membership")).scalar() == 0
                tables = conn.execute(
                    text("SELECT count(*) FROM pg_tables WHERE tableowner = :n"), {"n": name}
                ).scalar()
                assert tables == len(schema.metadata.tables) + 1  # and the version table
            with db.tenant(server, space_id=firm.id) as conn:
                assert conn.execute(text("SELECT count(*) FROM membership")).scalar() == 1
        finally:
            server.dispose()
            owner.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f"DROP ROLE IF EXISTS {name}"))
        admin.dispose()
