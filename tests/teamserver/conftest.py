"""Fixtures of the team server's tests: a fresh PostgreSQL database per session, set up as
`whoknows team init` does, and helpers that make accounts, spaces, members and tokens.

Every test here needs PostgreSQL: without WHOKNOWS_TEST_POSTGRES_URL they skip (visibly);
with WHOKNOWS_REQUIRE_POSTGRES=1 they fail instead. Tests share the session's database and
tell their rows apart by fresh names (`world.space()`, `world.account()`), never by wiping.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

with warnings.catch_warnings():
    # Starlette asks for httpx2 (not installed); the TestClient works the same with httpx.
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

from team_world import FAST_HASHER, World

from whoknows.teamserver import accounts, db
from whoknows.teamserver.app import TeamSettings, create_app

PG_URL = os.environ.get("WHOKNOWS_TEST_POSTGRES_URL")
REQUIRE_PG = os.environ.get("WHOKNOWS_REQUIRE_POSTGRES") == "1"


def _unavailable(reason: str) -> None:
    if REQUIRE_PG:
        pytest.fail(f"PostgreSQL is required here (WHOKNOWS_REQUIRE_POSTGRES=1) but {reason}")
    pytest.skip(f"team server tests skipped: {reason}")


@pytest.fixture(scope="session")
def team_db_url() -> Iterator[str]:
    """A database of this session's own, set up by db.upgrade (as `team init`), dropped after."""
    if not PG_URL:
        _unavailable("WHOKNOWS_TEST_POSTGRES_URL is not set")
    assert PG_URL is not None
    name = f"tserver_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # any failure to reach the server means "not available"
        admin.dispose()
        _unavailable(f"cannot create a database at {PG_URL}: {exc}")
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:  # a test database need not wait for its disk
        connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    owner = db.connect(url, pool_size=1, as_app=False)
    db.upgrade(owner)
    owner.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def owner_engine(team_db_url: str) -> Iterator[Engine]:
    """The owner's engine (the test server's superuser): for checks behind the app's back."""
    engine = db.connect(team_db_url, pool_size=2, as_app=False)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def app_engine(team_db_url: str) -> Iterator[Engine]:
    """An engine as the server's: every connection acts as whoknows_app."""
    engine = db.connect(team_db_url, pool_size=2)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "HASHER", FAST_HASHER)


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """What the server keeps on disk (snapshots, drawn charts) goes to the test's folder."""
    monkeypatch.setenv("WHOKNOWS_TEAM_CACHE", str(tmp_path / "team-cache"))


@pytest.fixture
def world(app_engine: Engine) -> World:
    return World(app_engine)


@pytest.fixture(scope="session")
def team_app_settings(team_db_url: str) -> TeamSettings:
    return TeamSettings(database_url=team_db_url, pool_size=2)


@pytest.fixture
def team_client(team_app_settings: TeamSettings) -> Iterator[TestClient]:
    """A client of a fresh app on the session's database (pool of 2 connections)."""
    with TestClient(create_app(team_app_settings)) as client:
        yield client


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(
    team_app_settings: TeamSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The team server on loopback (uvicorn in a thread), as `team serve` runs it."""
    monkeypatch.setenv("WHOKNOWS_TEAM_CACHE", str(tmp_path / "cache"))
    port = _free_port()
    config = uvicorn.Config(
        create_app(team_app_settings), host="127.0.0.1", port=port, log_level="warning"
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline, "the team server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)
