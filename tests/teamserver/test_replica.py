"""Reads from a streaming replica (`team serve --read-db`): a real second cluster.

A throwaway primary and a replica made from it with pg_basebackup (tests/teamserver/clusters.py)
run on ports of their own. The server writes to the primary and answers who-knows from the
replica: with replay paused a push is not seen yet, and it shows once replayed; the question
itself (its rate limit and audit row) is written on the primary, since a replica refuses
writes.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Iterator

import pytest
from clusters import Pair, primary_and_replica, server_binaries
from psycopg.errors import UndefinedTable
from sqlalchemy import Engine, text
from sqlalchemy.exc import ProgrammingError
from team_world import World, bearer

from whoknows.teamserver import db
from whoknows.teamserver.app import TeamSettings, create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.postgres
JANE = {"key": "ab" * 32, "band": "strong", "role": "CFO", "org": "Acme", "org_key": "acme"}
PG_URL = os.environ.get("WHOKNOWS_TEST_POSTGRES_URL")


def _unavailable(reason: str) -> None:
    if os.environ.get("WHOKNOWS_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL is required here (WHOKNOWS_REQUIRE_POSTGRES=1) but {reason}")
    pytest.skip(f"replica tests skipped: {reason}")


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    if not PG_URL:
        _unavailable("WHOKNOWS_TEST_POSTGRES_URL is not set")
    if server_binaries() is None:
        _unavailable("no PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup)")
    with primary_and_replica() as made:
        owner = db.connect(made.primary_url, pool_size=1, as_app=False)
        db.upgrade(owner)  # as `team init` does
        owner.dispose()
        yield made


def _replayed(replica: Engine, query: str, params: dict[str, object], timeout: float = 30) -> None:
    """Wait until QUERY (as the owner, behind the app's back) finds a row on the replica."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with replica.connect() as conn:
            try:
                if conn.execute(text(query), params).first() is not None:
                    return
            except ProgrammingError as exc:  # the schema itself not replayed yet (a busy host)
                if not isinstance(exc.orig, UndefinedTable):
                    raise
        time.sleep(0.1)
    raise AssertionError(f"the replica did not replay {query!r} within {timeout} s")


def test_who_knows_reads_a_push_from_the_replica_once_replayed(pair: Pair) -> None:
    primary = db.connect(pair.primary_url, pool_size=2)
    replica_owner = db.connect(pair.replica_url, pool_size=1, as_app=False)
    try:
        world = World(primary)
        space = world.space()
        alice, bob = world.member(space), world.member(space)
        alice_token, bob_token = world.token(space, alice), world.token(space, bob)
        _replayed(replica_owner, "SELECT 1 FROM membership WHERE space_id = :s", {"s": space.id})
        settings = TeamSettings(
            database_url=pair.primary_url, read_database_url=pair.replica_url, pool_size=2
        )
        with TestClient(create_app(settings)) as client:
            ask = f"/api/v1/spaces/{space.slug}/who-knows?org=Acme"
            before = client.get(ask, headers=bearer(bob_token))
            assert before.status_code == 200, before.text
            assert before.json()["colleagues"] == []

            # With replay paused, the push is on the primary only: who-knows must not see it.
            with replica_owner.connect() as conn:
                conn.execute(text("SELECT pg_wal_replay_pause()"))
            pushed = client.post(
                f"/api/v1/spaces/{space.slug}/push",
                json={
                    "level": "who",
                    "complete": True,
                    "upsert": [JANE],
                },
                headers=bearer(alice_token),
            )
            assert pushed.status_code == 200, pushed.text
            stale = client.get(ask, headers=bearer(bob_token))
            assert stale.status_code == 200, stale.text
            assert stale.json()["colleagues"] == []  # answered by the replica, not the primary
            with replica_owner.connect() as conn:
                conn.execute(text("SELECT pg_wal_replay_resume()"))
            _replayed(
                replica_owner,
                "SELECT 1 FROM org_reach WHERE space_id = :s AND account_id = :a",
                {"s": space.id, "a": alice.id},
            )
            after = client.get(ask, headers=bearer(bob_token)).json()
            assert [(c["id"], c["band"], c["count"]) for c in after["colleagues"]] == [
                (alice.id, "strong", 1)
            ]
            # The replica answered; the primary counted and audited both questions.
        with primary.connect() as conn:
            db.set_tenant(conn, space_id=space.id, account_id=bob.id)
            asked = conn.execute(
                text(
                    "SELECT count(*) FROM audit_event WHERE space_id = :s AND account_id = :a "
                    "AND action = 'question.who_knows'"
                ),
                {"s": space.id, "a": bob.id},
            ).scalar_one()
        assert asked == 3
        with replica_owner.connect() as conn:
            assert conn.execute(text("SELECT pg_is_in_recovery()")).scalar_one() is True
    finally:
        primary.dispose()
        replica_owner.dispose()


def test_the_replica_refuses_writes_so_the_server_never_sends_them_there(pair: Pair) -> None:
    replica = db.connect(pair.replica_url, pool_size=1)
    try:
        with pytest.raises(Exception, match="read-only transaction"), replica.begin() as conn:
            conn.execute(text("INSERT INTO audit_event (action, subject) VALUES ('x', 'y')"))
    finally:
        replica.dispose()
