"""Idempotency-Key on POSTs: the same key twice is applied once, even when the first
attempt's connection was killed (IETF draft-ietf-httpapi-idempotency-key-header)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from team_world import World, bearer

from whoknows.errors import Unavailable
from whoknows.teamserver import db, idempotency, spaces
from whoknows.teamserver.app import TeamSettings, create_app

pytestmark = pytest.mark.postgres


def _invitations(engine: Engine, email: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM invitation WHERE email = :e"), {"e": email}
            ).scalar_one()
        )


def _kill_server_connections(owner_engine: Engine) -> int:
    """Terminate the server's connections and wait until their backends have exited (as
    after a restart: the pool's check at checkout finds each closed, without a round trip,
    and takes a new one; a backend still dying then would look alive)."""
    with owner_engine.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = :n"
            ),
            {"n": db.APPLICATION_NAME},
        ).scalar_one()
        conn.commit()
    return int(killed)


def test_the_same_key_twice_makes_one_row_and_the_same_answer(
    world: World, team_client, owner_engine: Engine
) -> None:
    owner = world.account()
    firm = world.space(owner)
    headers = {**bearer(world.token(firm, owner)), "Idempotency-Key": "k-1"}
    url = f"/api/v1/spaces/{firm.slug}/invitations"
    first = team_client.post(url, json={"email": "once@example.com"}, headers=headers)
    assert first.status_code == 201
    assert _kill_server_connections(owner_engine) >= 1  # the retry comes on a new connection
    again = team_client.post(url, json={"email": "once@example.com"}, headers=headers)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers[idempotency.REPLAYED] == "true"
    assert _invitations(owner_engine, "once@example.com") == 1
    other = team_client.post(url, json={"email": "twice@example.com"}, headers=headers)
    assert other.status_code == 409
    assert "different request" in other.json()["error"]
    assert _invitations(owner_engine, "twice@example.com") == 0


def test_a_first_attempt_killed_before_commit_is_applied_by_the_retry_once(
    world: World, team_client, owner_engine: Engine, app_engine: Engine
) -> None:
    owner = world.account()
    firm = world.space(owner)
    body = {"email": "retry@example.com", "role": "member"}
    url = f"/api/v1/spaces/{firm.slug}/invitations"
    digest = idempotency.request_hash("POST", url, body)
    with pytest.raises(Unavailable):  # noqa: PT012
        with db.tenant(app_engine, space_id=firm.id, account_id=owner.id) as conn:
            assert idempotency.claim(conn, firm.id, owner.id, "k-2", digest) is None
            spaces.invite(conn, firm.id, owner.id, "owner", body["email"], "member")
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
            with owner_engine.connect() as killer:
                killer.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
                killer.commit()
    assert _invitations(owner_engine, "retry@example.com") == 0
    headers = {**bearer(world.token(firm, owner)), "Idempotency-Key": "k-2"}
    retried = team_client.post(url, json=body, headers=headers)
    assert retried.status_code == 201
    assert idempotency.REPLAYED not in retried.headers
    replayed = team_client.post(url, json=body, headers=headers)
    assert replayed.headers[idempotency.REPLAYED] == "true"
    assert _invitations(owner_engine, "retry@example.com") == 1


def test_a_database_that_went_away_answers_503_with_retry_after() -> None:
    app = create_app(TeamSettings("postgresql+psycopg://postgres@127.0.0.1:1/none"))
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx2.*")
        from fastapi.testclient import TestClient
    with TestClient(app) as client:
        answer = client.get("/api/v1/me", headers=bearer("wkt_1_x"))
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    assert set(answer.json()) == {"error", "hint"}
    assert "unavailable" in answer.json()["error"]


def test_a_statement_the_database_gave_up_on_answers_503_not_500(
    team_app_settings: TeamSettings,
) -> None:
    """statement_timeout (and a deadlock or serialization failure) may well pass if sent
    again: the caller is told to retry, not that the server broke."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx2.*")
        from fastapi.testclient import TestClient
    app = create_app(team_app_settings)

    @app.get("/api/v1/test-only/slow")
    def slow() -> dict[str, str]:
        with db.tenant(app.state.engine) as conn:
            conn.execute(text("SET LOCAL statement_timeout = 50"))
            conn.execute(text("SELECT pg_sleep(2)"))
        return {"done": "never"}

    with TestClient(app) as client:
        answer = client.get("/api/v1/test-only/slow")
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"]
    assert "busy" in answer.json()["error"]
