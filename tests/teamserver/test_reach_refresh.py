"""A push reaches every worker's snapshot through LISTEN/NOTIFY, and a path question holds no
database connection while it searches."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from reach_world import Known, key_of, share
from sqlalchemy import Engine, text
from team_world import World, bearer

from whoknows.teamserver import db, reach, snapshot, snapshots
from whoknows.teamserver.accounts import Account
from whoknows.teamserver.app import TeamSettings, create_app
from whoknows.teamserver.spaces import Space

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.postgres
BOUND_S = 30.0  # correctness within a generous bound; the time itself is the benchmark's


def _until(what: Callable[[], bool], bound: float = BOUND_S) -> bool:
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        if what():
            return True
        time.sleep(0.05)
    return what()


@pytest.fixture
def firm(world: World, owner_engine: Engine) -> tuple[Space, Account, Account]:
    space = world.space()
    erin, alice = (world.member(space, account=world.account(name=n)) for n in ("Erin", "Alice"))
    share(owner_engine, space, alice, [Known(erin.email, "good", "Erin")], level="name")
    return space, erin, alice


@pytest.fixture
def workers(team_db_url: str, tmp_path: Path) -> Iterator[list[snapshots.Snapshots]]:
    """Two workers' snapshot holders, listening as under `team serve`, sharing a cache."""
    made = [
        snapshots.Snapshots(db.connect(team_db_url, pool_size=1), tmp_path / "cache", team_db_url)
        for _ in range(2)
    ]
    yield made
    for worker in made:
        worker.close()
        worker.engine.dispose()


def _ties_of(pooled: snapshot.Pooled, account: int) -> set[int]:
    node = pooled.node_of_account(account)
    assert node is not None
    return {pooled.key_id_at(int(n)) for n in pooled.graph.neighbors(node)[0]}


def test_a_push_refreshes_every_listening_worker_without_a_question(
    workers: list[snapshots.Snapshots],
    firm: tuple[Space, Account, Account],
    owner_engine: Engine,
    app_engine: Engine,
) -> None:
    space, erin, alice = firm
    assert _until(lambda: all(w._listening.is_set() for w in workers))
    for worker in workers:  # each holds the space's snapshot, as after a first question
        with db.tenant(app_engine, space_id=space.id, account_id=erin.id) as conn:
            version = worker.version(conn, space.id)
        assert worker.current(space.id, version).version == version
    new = key_of(owner_engine, space, "newt@acme.test")
    assert snapshot.key_id(new) not in _ties_of(workers[0].current(space.id, version), alice.id)

    pushed = share(
        owner_engine,
        space,
        alice,
        [Known(erin.email, "good", "Erin"), Known("newt@acme.test", "strong", "Newt", "COO")],
        level="name",
    )

    # No question is asked: the NOTIFY alone moves both workers to the new version.
    assert _until(lambda: all(w._held[space.id].version == pushed for w in workers))
    for worker in workers:
        with db.tenant(app_engine, space_id=space.id, account_id=erin.id) as conn:
            assert worker.version(conn, space.id) == pushed  # as heard: no row read
        assert snapshot.key_id(new) in _ties_of(worker.current(space.id, pushed), alice.id)


def test_a_worker_that_lost_its_listener_reads_the_version_row(
    workers: list[snapshots.Snapshots],
    firm: tuple[Space, Account, Account],
    owner_engine: Engine,
    app_engine: Engine,
) -> None:
    space, erin, alice = firm
    worker = workers[0]
    assert _until(worker._listening.is_set)
    with owner_engine.begin() as conn:  # the listener's connection goes away
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN%' AND backend_type = 'client backend' "
                "AND datname = current_database()"
            )
        )
    assert _until(lambda: not worker._listening.is_set(), 10)
    pushed = share(owner_engine, space, alice, [Known("x@acme.test", "weak")], level="who")
    with db.tenant(app_engine, space_id=space.id, account_id=erin.id) as conn:
        assert worker.version(conn, space.id) == pushed  # read, not a stale memory
    assert _until(worker._listening.is_set)  # and it listens again


def test_a_path_question_holds_no_connection_while_it_searches(
    team_app_settings: TeamSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    firm: tuple[Space, Account, Account],
    world: World,
    owner_engine: Engine,
) -> None:
    monkeypatch.setenv("WHOKNOWS_TEAM_CACHE", str(tmp_path / "cache"))
    space, erin, alice = firm
    share(
        owner_engine,
        space,
        alice,
        [Known(erin.email, "good", "Erin"), Known("jane@acme.test", "strong", "Jane", "VP")],
        level="name",
    )
    app = create_app(team_app_settings)
    seen: list[int] = []
    search = reach.search

    def watched(*args: Any) -> Any:
        seen.append(app.state.engine.pool.checkedout())
        return search(*args)

    monkeypatch.setattr(reach, "search", watched)
    token = world.token(space, erin)
    with TestClient(app) as client:
        answer = client.get(
            f"/api/v1/spaces/{space.slug}/path",
            params={"to": key_of(owner_engine, space, "jane@acme.test")},
            headers=bearer(token),
        )
    assert answer.status_code == 200, answer.text
    assert [p["colleague"]["name"] for p in answer.json()["paths"]] == ["Alice"]
    assert [s.get("name") for s in answer.json()["paths"][0]["steps"]] == ["Erin", "Alice", "Jane"]
    assert seen == [0]


def test_a_path_through_a_colleague_who_left_since_the_snapshot_is_left_out(
    firm: tuple[Space, Account, Account],
    owner_engine: Engine,
    app_engine: Engine,
    team_db_url: str,
    tmp_path: Path,
) -> None:
    space, erin, alice = firm
    share(
        owner_engine,
        space,
        alice,
        [Known(erin.email, "good", "Erin"), Known("jane@acme.test", "strong", "Jane", "VP")],
        level="name",
    )
    held = snapshots.Snapshots(db.connect(team_db_url, pool_size=1), tmp_path / "cache")
    jane = key_of(owner_engine, space, "jane@acme.test")
    with db.tenant(app_engine, space_id=space.id, account_id=erin.id) as conn:
        asked = reach.ask_path(conn, space.id, erin.id, jane)
        pooled = held.current(space.id, held.version(conn, space.id))
    chains = reach.search(pooled, erin.id, asked)
    with db.tenant(app_engine, space_id=space.id, account_id=erin.id) as conn:
        found = reach.answer_paths(conn, space.id, erin.id, pooled, asked, chains)
    assert [p["colleague"]["name"] for p in found["paths"]] == ["Alice"]
    with db.tenant(owner_engine, space_id=space.id, account_id=alice.id) as conn:
        conn.execute(
            text("UPDATE membership SET left_at = now() WHERE space_id = :s AND account_id = :a"),
            {"s": space.id, "a": alice.id},
        )
    # The snapshot of a moment ago still has Alice's ties; the answer does not show them.
    with db.tenant(app_engine, space_id=space.id, account_id=erin.id) as conn:
        found = reach.answer_paths(conn, space.id, erin.id, pooled, asked, chains)
    assert found["paths"] == []


def test_a_real_server_with_two_workers_answers_a_push_from_every_worker(
    team_db_url: str,
    tmp_path: Path,
    firm: tuple[Space, Account, Account],
    world: World,
    owner_engine: Engine,
) -> None:
    import os
    import signal
    import socket
    import subprocess
    import sys

    import httpx

    space, erin, alice = firm
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "whoknows", "team", "serve", "--db", team_db_url,
         "--port", str(port), "--workers", "2", "--pool", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        # The test asks again and again until every worker answers: its questions must not
        # meet the per-member limit (120 a minute) on a slow machine.
        env={**os.environ, "WHOKNOWS_TEAM_CACHE": str(tmp_path / "cache"),
             "WHOKNOWS_TEAM_QUESTIONS_PER_MINUTE": "100000"},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    asker, pusher = world.token(space, erin, ("read",)), world.token(space, alice)
    newt = key_of(owner_engine, space, "newt@acme.test")

    def fresh_answer() -> dict[str, Any]:  # a new connection each time: any worker answers
        got = httpx.get(
            f"{base}/api/v1/spaces/{space.slug}/path",
            params={"to": newt},
            headers=bearer(asker),
            timeout=30,
        )
        assert got.status_code == 200, got.text
        answer: dict[str, Any] = got.json()
        return answer

    try:

        def up() -> bool:
            try:
                return httpx.get(f"{base}/api/v1/me", timeout=2).status_code == 401
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                return False

        assert _until(up, 90), "the server did not start"
        # Both workers hold the snapshot without Newt: each listens once it answered a path.
        listening = (
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = 'whoknows-team-listen' AND query = 'LISTEN whoknows_graph'"
        )

        def both_hold_it() -> bool:
            assert fresh_answer()["paths"] == []
            with owner_engine.begin() as conn:
                return bool(conn.execute(text(listening)).scalar_one() == 2)

        assert _until(both_hold_it)
        pushed = httpx.post(
            f"{base}/api/v1/spaces/{space.slug}/push",
            json={
                "base": None,
                "level": "name",
                "complete": True,
                "upsert": [
                    {"key": key_of(owner_engine, space, erin.email), "band": "good"},
                    {"key": newt, "band": "strong", "name": "Newt", "role": "COO"},
                ],
            },
            headers=bearer(pusher),
            timeout=30,
        )
        assert pushed.status_code == 200, pushed.text
        in_a_row = 0

        def twelve_in_a_row() -> bool:
            nonlocal in_a_row
            paths = fresh_answer()["paths"]
            in_a_row = in_a_row + 1 if [p["colleague"]["name"] for p in paths] == ["Alice"] else 0
            return in_a_row >= 12

        assert _until(twelve_in_a_row)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()


def test_more_requests_at_once_than_connections_wait_their_turn(
    team_db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    firm: tuple[Space, Account, Account],
    world: World,
) -> None:
    import concurrent.futures

    monkeypatch.setenv("WHOKNOWS_TEAM_CACHE", str(tmp_path / "cache"))
    space, erin, _ = firm
    app = create_app(TeamSettings(database_url=team_db_url, pool_size=1))
    app.state.engine.pool._timeout = 0.2  # a request that waited for the connection would fail
    asking = reach.ask

    def slow(conn: Any, *args: Any, **kwargs: Any) -> None:  # each holds the connection a while
        time.sleep(0.3)
        asking(conn, *args, **kwargs)

    monkeypatch.setattr(reach, "ask", slow)
    token = world.token(space, erin)
    url = f"/api/v1/spaces/{space.slug}/who-knows"
    with TestClient(app) as client, concurrent.futures.ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(
                lambda _: client.get(url, params={"org": "Acme"}, headers=bearer(token)), range(4)
            )
        )
    assert [a.status_code for a in answers] == [200] * 4


def test_a_tie_withdrawn_since_the_snapshot_is_left_out(
    firm: tuple[Space, Account, Account],
    owner_engine: Engine,
    app_engine: Engine,
    team_db_url: str,
    tmp_path: Path,
) -> None:
    space, erin, alice = firm
    both = [Known(erin.email, "good", "Erin"), Known("jane@acme.test", "strong", "Jane", "VP")]
    share(owner_engine, space, alice, both, level="name")
    held = snapshots.Snapshots(db.connect(team_db_url, pool_size=1), tmp_path / "cache")
    jane = key_of(owner_engine, space, "jane@acme.test")
    with db.tenant(app_engine, space_id=space.id, account_id=erin.id) as conn:
        asked = reach.ask_path(conn, space.id, erin.id, jane)
        pooled = held.current(space.id, held.version(conn, space.id))
    chains = reach.search(pooled, erin.id, asked)
    assert chains
    share(owner_engine, space, alice, both[:1], level="name")  # Alice no longer shares Jane
    with db.tenant(app_engine, space_id=space.id, account_id=erin.id) as conn:
        found = reach.answer_paths(conn, space.id, erin.id, pooled, asked, chains)
    assert found["paths"] == []  # the snapshot of a moment ago still had the tie
