"""Migration 0007 on a server that already had chapters: the thanks of weeks closed before it
stay shown in their own week (each report said so), and those of the open week are held
until a close, even where the database's owner is no superuser (forced row security binds
it too)."""

from __future__ import annotations

import uuid

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from whoknows.teamserver import accounts, db, spaces

pytestmark = pytest.mark.postgres


def test_thanks_of_weeks_closed_before_0007_stay_shown_in_their_week(team_db_url: str) -> None:
    name = f"chmeet_owner_{uuid.uuid4().hex[:8]}"
    admin = create_engine(team_db_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {name} LOGIN CREATEROLE"))
        conn.execute(text(f'CREATE DATABASE "{name}" OWNER {name}'))
    url = make_url(team_db_url).set(username=name, database=name)
    owner = db.connect(url.render_as_string(hide_password=False), pool_size=1, as_app=False)
    try:
        with owner.begin() as conn:
            command.upgrade(db._alembic_config(conn), "0006")
        with owner.begin() as conn:
            ana = accounts.create(conn, "ana@example.com", None, name="Ana")
            ben = accounts.create(conn, "ben@example.com", None, name="Ben")
            chapter = spaces.create(conn, "Chapter", "group", ana.id)
            weeks = {
                status: conn.execute(
                    text(
                        "INSERT INTO chapter_week (space_id, starts_on, status) "
                        "VALUES (:s, :d, :st) RETURNING id"
                    ),
                    {"s": chapter.id, "d": day, "st": status},
                ).scalar_one()
                for status, day in (("closed", "2026-11-23"), ("open", "2026-11-30"))
            }
            for status, week_id in weeks.items():
                conn.execute(
                    text(
                        "INSERT INTO chapter_thanks (space_id, client_id, thanker_id, credited_id, "
                        "week_id, amount_cents, currency) VALUES (:s, :c, :t, :a, :w, 100, 'EUR')"
                    ),
                    {"s": chapter.id, "c": status, "t": ben.id, "a": ana.id, "w": week_id},
                )
        with owner.begin() as conn:
            command.upgrade(db._alembic_config(conn), "head")
        with owner.begin() as conn:
            db.set_tenant(conn, space_id=chapter.id, account_id=None)
            shown = dict(
                conn.execute(text("SELECT client_id, shown_week_id FROM chapter_thanks")).all()
            )
            forced = conn.execute(
                text(
                    "SELECT bool_and(relforcerowsecurity) FROM pg_class "
                    "WHERE relname IN ('chapter_thanks', 'chapter_week')"
                )
            ).scalar_one()
        assert shown == {"closed": weeks["closed"], "open": None}
        assert forced  # lifted for the backfill only
    finally:
        owner.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f"DROP ROLE IF EXISTS {name}"))
        admin.dispose()
