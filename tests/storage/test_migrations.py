"""The migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from whoknows.services.store import Store
from whoknows.storage import schema
from whoknows.storage.engine import HEAD, current_revision, head_revision, migrate


def test_migrated_database_matches_the_models(store: Store) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, schema.Base.metadata) == []


def test_migrating_twice_changes_nothing(store: Store) -> None:
    assert migrate(store.engine) is False
    with store.engine.connect() as connection:
        assert current_revision(connection) == head_revision()


def test_every_table_belongs_to_an_owner(store: Store) -> None:
    inspector = inspect(store.engine)
    tables = set(inspector.get_table_names()) - {"alembic_version", "accounts"}
    assert tables
    for table in tables:
        columns = {c["name"] for c in inspector.get_columns(table)}
        assert "owner_id" in columns, table


def test_a_new_database_has_the_default_owner(store: Store) -> None:
    with store.read() as session:
        account = session.get(schema.Account, schema.DEFAULT_OWNER)
        assert account is not None


def test_sqlite_runs_with_wal_and_foreign_keys(sqlite_url: str) -> None:
    from whoknows.config import load_settings

    with Store(load_settings(sqlite_url)) as opened, opened.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000


def test_a_long_import_checkpoints_sqlites_wal_less_often_than_other_writers(
    sqlite_url: str,
) -> None:
    from sqlalchemy import text

    from whoknows.config import load_settings
    from whoknows.storage.engine import BULK_CHECKPOINT_PAGES, CHECKPOINT_PAGES

    def pages(session: Session) -> int:
        return int(session.execute(text("PRAGMA wal_autocheckpoint")).scalar_one())

    with Store(load_settings(sqlite_url)) as opened:
        with opened.write(bulk=True) as session:
            assert pages(session) == BULK_CHECKPOINT_PAGES
        with opened.write() as session:  # the pooled connection goes back to the default
            assert pages(session) == CHECKPOINT_PAGES == 1000


def test_the_head_constant_names_the_newest_migration() -> None:
    assert head_revision() == HEAD
