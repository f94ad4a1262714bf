"""Shared fixtures: a fresh database per test on SQLite and (when available) PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from clirun import Cli, Ran
from whoknows.cli.main import main
from whoknows.config import load_settings
from whoknows.services.store import Store
from whoknows.storage import schema

PG_URL = os.environ.get("WHOKNOWS_TEST_POSTGRES_URL")
REQUIRE_PG = os.environ.get("WHOKNOWS_REQUIRE_POSTGRES") == "1"
REQUIRE_BROWSER = os.environ.get("WHOKNOWS_REQUIRE_BROWSER") == "1"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real user's config, data or database."""
    monkeypatch.setenv("WHOKNOWS_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("WHOKNOWS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("WHOKNOWS_DATABASE_URL", raising=False)
    monkeypatch.delenv("WHOKNOWS_PHONE_REGION", raising=False)
    # CI has no terminal and no COLUMNS; a developer's terminal has some width. Tables are laid
    # out for the width, so every test sees the same one whatever runs it.
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.delenv("LINES", raising=False)


def _unavailable(reason: str) -> None:
    if REQUIRE_PG:
        pytest.fail(f"PostgreSQL is required here (WHOKNOWS_REQUIRE_POSTGRES=1) but {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A PostgreSQL database of this test session's own, migrated, dropped at the end."""
    if not PG_URL:
        _unavailable("WHOKNOWS_TEST_POSTGRES_URL is not set")
    assert PG_URL is not None
    name = f"whoknows_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # any failure to reach the server means "not available"
        admin.dispose()
        _unavailable(f"cannot create a database at {PG_URL}: {exc}")
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    Store(load_settings(url)).close()  # migrate once per session
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    names = ", ".join(t.name for t in schema.Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        connection.execute(text("INSERT INTO accounts (id, name) VALUES (1, 'me')"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, migrated database: a SQLite file, then the same test on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'whoknows.db'}"
    url: str = request.getfixturevalue("pg_database")
    _empty_postgres(url)
    return url


@pytest.fixture
def postgres_url(pg_database: str) -> str:
    """An empty, migrated PostgreSQL database, for a test that needs it beside SQLite."""
    _empty_postgres(pg_database)
    return pg_database


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'whoknows.db'}"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = Store(load_settings(db_url))
    yield opened
    opened.close()


@pytest.fixture
def cli(db_url: str, capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run `whoknows ARGS… --db URL` in-process, as a user would, and capture what it prints."""

    def run(*args: str, db: str | None = None) -> Ran:
        capsys.readouterr()
        code = main([*args, "--db", db or db_url])
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    return run


def _chromium() -> str | None:
    for candidate in (
        os.environ.get("WHOKNOWS_CHROMIUM"),
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Chromium driven by Playwright (Debian's chromium; no downloaded browser)."""
    executable = _chromium()
    reason = None
    if executable is None:
        reason = "no Chromium found (apt-get install chromium, or set WHOKNOWS_CHROMIUM)"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            reason = "playwright is not installed (pip install -e '.[test]')"
    if reason is not None:
        if REQUIRE_BROWSER:
            pytest.fail(f"a browser is required here (WHOKNOWS_REQUIRE_BROWSER=1) but {reason}")
        pytest.skip(f"browser tests skipped: {reason}")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()
