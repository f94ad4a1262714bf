"""Introduction requests: double opt-in, exactly once per Idempotency-Key, only the parties."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from reach_world import Known, key_of, share
from sqlalchemy import Engine, text
from team_world import World, bearer

from whoknows.teamserver.app import TeamSettings, create_app
from whoknows.teamserver.auth import SESSION_COOKIE

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.postgres


@pytest.fixture
def client(
    team_app_settings: TeamSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    monkeypatch.setenv("WHOKNOWS_TEAM_CACHE", str(tmp_path / "cache"))
    with TestClient(create_app(team_app_settings)) as found:
        yield found


def _firm(world: World, owner_engine: Engine, level: str) -> dict[str, object]:
    space = world.space()
    asker = world.member(space, account=world.account(name="Asker"))
    colleague = world.member(space, account=world.account(name="Colleague"))
    other = world.member(space, account=world.account(name="Other"))
    share(
        owner_engine,
        space,
        colleague,
        [Known("jane@acme.test", "strong", "Jane Doe", "VP Sales", "Acme")],
        level=level,
    )
    return {
        "space": space,
        "asker": asker,
        "colleague": colleague,
        "tokens": {
            "asker": bearer(world.token(space, asker)),
            "colleague": bearer(world.token(space, colleague)),
            "other": bearer(world.token(space, other)),
        },
        "jane": key_of(owner_engine, space, "jane@acme.test"),
    }


def test_nothing_more_is_revealed_until_the_colleague_accepts(
    client: TestClient, world: World, owner_engine: Engine
) -> None:
    firm = _firm(world, owner_engine, "who")
    base = f"/api/v1/spaces/{firm['space'].slug}/intros"  # type: ignore[attr-defined]
    tokens: dict[str, dict[str, str]] = firm["tokens"]  # type: ignore[assignment]
    body = {"colleague": firm["colleague"].id, "about": firm["jane"], "why": "training"}  # type: ignore[attr-defined]
    made = client.post(base, json=body, headers=tokens["asker"])
    assert made.status_code == 201
    asked = made.json()
    assert asked["status"] == "asked"
    assert asked["about"]["description"] == "a VP Sales at Acme"
    assert b"Jane Doe" not in made.content
    assert "email" not in asked["colleague"]
    # The colleague sees their own contact, and who asks why.
    theirs = client.get(base, headers=tokens["colleague"]).json()["intros"]
    assert [(i["role"], i["about"].get("name"), i["why"]) for i in theirs] == [
        ("colleague", None, "training")
    ]  # at level who the server holds no name, even for the colleague
    # Only the colleague may accept; anyone else is told there is no such request.
    url = f"{base}/{asked['id']}/accept"
    assert client.post(url, headers=tokens["asker"]).status_code == 404
    assert client.post(url, headers=tokens["other"]).status_code == 404
    assert client.get(base, headers=tokens["other"]).json() == {"intros": []}
    accepted = client.post(url, headers=tokens["colleague"])
    assert accepted.status_code == 200
    mine = client.get(base, headers=tokens["asker"]).json()["intros"][0]
    assert mine["status"] == "accepted"
    assert mine["colleague"]["email"] == firm["colleague"].email  # type: ignore[attr-defined]
    assert mine["decided_at"] is not None
    # A decided request stays decided.
    declined = client.post(f"{base}/{asked['id']}/decline", headers=tokens["colleague"])
    assert declined.status_code == 409


def test_a_declined_request_reveals_nothing_and_an_accepted_one_the_shared_name(
    client: TestClient, world: World, owner_engine: Engine
) -> None:
    firm = _firm(world, owner_engine, "name")
    base = f"/api/v1/spaces/{firm['space'].slug}/intros"  # type: ignore[attr-defined]
    tokens: dict[str, dict[str, str]] = firm["tokens"]  # type: ignore[assignment]
    body = {"colleague": firm["colleague"].id, "about": firm["jane"], "why": "x"}  # type: ignore[attr-defined]
    first = client.post(base, json=body, headers=tokens["asker"]).json()
    second = client.post(base, json=body, headers=tokens["asker"]).json()
    client.post(f"{base}/{first['id']}/decline", headers=tokens["colleague"])
    client.post(f"{base}/{second['id']}/accept", headers=tokens["colleague"])
    seen = {i["id"]: i for i in client.get(base, headers=tokens["asker"]).json()["intros"]}
    assert seen[first["id"]]["status"] == "declined"
    assert "email" not in seen[first["id"]]["colleague"]
    assert seen[second["id"]]["about"]["name"] == "Jane Doe"  # shared at level name


def test_a_retried_request_is_made_once(
    client: TestClient, world: World, owner_engine: Engine
) -> None:
    firm = _firm(world, owner_engine, "who")
    space = firm["space"]
    base = f"/api/v1/spaces/{space.slug}/intros"  # type: ignore[attr-defined]
    headers = {**firm["tokens"]["asker"], "Idempotency-Key": "k-1"}  # type: ignore[index]
    body = {"colleague": firm["colleague"].id, "about": firm["jane"], "why": "once"}  # type: ignore[attr-defined]
    one = client.post(base, json=body, headers=headers)
    two = client.post(base, json=body, headers=headers)
    assert one.status_code == two.status_code == 201
    assert one.json() == two.json()
    assert two.headers.get("Idempotent-Replayed") == "true"
    with owner_engine.begin() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM intro_request WHERE space_id = :s AND why = 'once'"),
            {"s": space.id},  # type: ignore[attr-defined]
        ).scalar_one()
    assert count == 1


def test_bad_requests_are_refused_in_one_line(
    client: TestClient, world: World, owner_engine: Engine
) -> None:
    firm = _firm(world, owner_engine, "who")
    base = f"/api/v1/spaces/{firm['space'].slug}/intros"  # type: ignore[attr-defined]
    asker: dict[str, str] = firm["tokens"]["asker"]  # type: ignore[index]
    colleague = firm["colleague"].id  # type: ignore[attr-defined]
    nobody = key_of(owner_engine, firm["space"], "nobody@x.test")  # type: ignore[arg-type]
    cases = [
        ({"colleague": colleague, "about": nobody, "why": "x"}, 404),  # not theirs to give
        ({"colleague": colleague, "about": "org:Acme", "why": "x"}, 400),
        ({"colleague": colleague, "about": firm["jane"], "why": "  "}, 400),
        ({"colleague": firm["asker"].id, "about": firm["jane"], "why": "x"}, 400),  # type: ignore[attr-defined]
    ]
    for body, status in cases:
        answer = client.post(base, json=body, headers=asker)
        assert answer.status_code == status, body
        assert answer.json()["error"]


def test_the_colleague_accepts_on_the_intros_page(
    client: TestClient, world: World, owner_engine: Engine
) -> None:
    firm = _firm(world, owner_engine, "who")
    space = firm["space"]
    base = f"/api/v1/spaces/{space.slug}/intros"  # type: ignore[attr-defined]
    body = {"colleague": firm["colleague"].id, "about": firm["jane"], "why": "on the page"}  # type: ignore[attr-defined]
    made = client.post(base, json=body, headers=firm["tokens"]["asker"]).json()  # type: ignore[index]
    cookie, csrf = world.session(firm["colleague"])  # type: ignore[arg-type]
    client.cookies.set(SESSION_COOKIE, cookie)
    page = client.get(f"/s/{space.slug}/intros")  # type: ignore[attr-defined]
    assert page.status_code == 200
    assert "on the page" in page.text
    action = f"/s/{space.slug}/intros/{made['id']}/accept"  # type: ignore[attr-defined]
    assert action in page.text
    refused = client.post(action, data={}, follow_redirects=False)  # no CSRF token
    assert refused.status_code == 403
    done = client.post(action, data={"csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303
    mine = client.get(base, headers=firm["tokens"]["asker"]).json()["intros"][0]  # type: ignore[index]
    assert mine["status"] == "accepted"
