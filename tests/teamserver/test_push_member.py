"""A member's machine pushes to a real team server (in-process): idempotent, incremental,
removal, level changes, a lost answer (409) and the one-line failures of the client."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text
from team_world import World

from whoknows.config import load_settings
from whoknows.core.sharing import Level
from whoknows.errors import UserError
from whoknows.services import network, people
from whoknows.services.people import PersonInput
from whoknows.services.store import Store
from whoknows.services.team import client, link, settings
from whoknows.services.team import push as pushing

pytestmark = pytest.mark.postgres
TODAY = dt.date(2026, 11, 30)


@pytest.fixture
def transport(team_client) -> httpx.BaseTransport:  # type: ignore[no-untyped-def]
    found: httpx.BaseTransport = team_client._transport  # the app, in-process
    return found


@pytest.fixture
def local(tmp_path: Path) -> Iterator[Store]:
    opened = Store(load_settings(f"sqlite:///{tmp_path / 'member.db'}"))
    people.set_me(opened, PersonInput(name="Sam Member", emails=["sam@firm.com"]))
    for i in range(6):
        people.add_person(
            opened,
            PersonInput(
                name=f"Contact {i}", emails=[f"c{i}@acme.com"], organization="Acme", role="CFO"
            ),
        )
        network.know(opened, "Sam Member", f"Contact {i}", strength=0.8)
    yield opened
    opened.close()


@pytest.fixture
def joined(local: Store, world: World, transport: httpx.BaseTransport):  # type: ignore[no-untyped-def]
    space = world.space()
    account = world.member(space)
    link.join(local, "http://testserver", world.token(space, account), transport=transport)
    return space, account


def shared(engine: Engine, space_id: int) -> list[dict[str, object]]:
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT key, name, role, org, band FROM shared_contact WHERE space_id = :s"),
            {"s": space_id},
        )
        return sorted((dict(r._mapping) for r in found), key=lambda r: str(r["key"]))


def test_join_stores_the_space_and_its_salt(local: Store, joined) -> None:  # type: ignore[no-untyped-def]
    space, account = joined
    found = link.linked(local)
    assert (found.space, found.account, found.version) == (space.slug, account.email, None)
    assert len(found.salt) == 64
    assert "token" not in json.dumps(found.as_json())


def test_a_second_push_sends_nothing_and_changes_nothing(  # type: ignore[no-untyped-def]
    local: Store, joined, transport: httpx.BaseTransport, owner_engine: Engine
) -> None:
    space, _ = joined
    first = pushing.push(local, today=TODAY, transport=transport)
    assert (first.added, first.total, first.complete) == (6, 6, True)
    before = shared(owner_engine, space.id)
    version = local.data_version()
    second = pushing.push(local, today=TODAY, transport=transport)
    assert local.data_version() == version  # bookkeeping: the snapshot and caches stay valid
    assert (second.sent, second.added, second.changed, second.removed) == (0, 0, 0, 0)
    assert second.version == first.version
    assert shared(owner_engine, space.id) == before


def test_a_push_sends_only_the_difference_and_removes_what_left(  # type: ignore[no-untyped-def]
    local: Store, joined, transport: httpx.BaseTransport, owner_engine: Engine
) -> None:
    space, _ = joined
    pushing.push(local, today=TODAY, transport=transport)
    people.remove_person(local, "Contact 0")
    people.edit_person(local, "Contact 1", PersonInput(role="CEO"))
    settings.set_private(local, "Contact 2")
    done = pushing.push(local, today=TODAY, transport=transport)
    assert (done.complete, done.sent) == (False, 1)
    assert (done.added, done.changed, done.removed, done.total) == (0, 1, 2, 4)
    assert sorted(str(r["role"]) for r in shared(owner_engine, space.id)) == ["CEO"] + ["CFO"] * 3


def test_names_reach_the_server_only_at_level_name(  # type: ignore[no-untyped-def]
    local: Store, joined, transport: httpx.BaseTransport, owner_engine: Engine
) -> None:
    space, _ = joined
    pushing.push(local, today=TODAY, transport=transport)
    assert {r["name"] for r in shared(owner_engine, space.id)} == {None}
    settings.set_level(local, Level.NAME)
    done = pushing.push(local, today=TODAY, transport=transport)
    assert done.complete
    assert done.changed == 6
    assert "Contact 3" in {r["name"] for r in shared(owner_engine, space.id)}
    settings.set_level(local, Level.NOTHING)
    pushing.push(local, today=TODAY, transport=transport)
    assert shared(owner_engine, space.id) == []


def test_a_lost_answer_is_recovered_by_a_complete_push(  # type: ignore[no-untyped-def]
    local: Store, joined, transport: httpx.BaseTransport, owner_engine: Engine
) -> None:
    space, _ = joined
    pushing.push(local, today=TODAY, transport=transport)
    with local.write() as session:  # as if the last answer never arrived
        session.execute(text("UPDATE team_link SET version = 0"))
    people.remove_person(local, "Contact 5")
    done = pushing.push(local, today=TODAY, transport=transport)
    assert done.complete
    assert (done.removed, done.total) == (1, 5)
    assert len(shared(owner_engine, space.id)) == 5


def test_the_clients_failures_are_one_clear_line(local: Store, joined) -> None:  # type: ignore[no-untyped-def]
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "sign in first"})

    def fail(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, json={"error": "the database is unavailable"})

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    for handler, kind, words in (
        (refuse, client.TokenRefused, "refused the token"),
        (fail, client.ServerFailed, r"failed \(HTTP 503"),
        (down, client.Unreachable, "cannot be reached"),
    ):
        with pytest.raises(kind, match=words) as caught:
            pushing.push(local, today=TODAY, transport=httpx.MockTransport(handler))
        assert "\n" not in str(caught.value)
    with pytest.raises(UserError, match="not a URL"):
        link.join(local, "team.example.com", "t")


def test_the_cli_joins_previews_and_pushes(  # type: ignore[no-untyped-def]
    local: Store,
    world: World,
    transport: httpx.BaseTransport,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    owner_engine: Engine,
) -> None:
    from whoknows.cli.main import main

    monkeypatch.setattr(client, "DEFAULT_TRANSPORT", transport)
    space = world.space()
    token = world.token(space, world.member(space))
    url = local.settings.database_url
    assert main(["team", "join", "http://testserver", "--token", token, "--db", url]) == 0
    assert space.slug in capsys.readouterr().out
    assert main(["team", "push", "--json", "--db", url]) == 0
    pushed = json.loads(capsys.readouterr().out)
    assert (pushed["added"], pushed["total"], pushed["complete"]) == (6, 6, True)
    assert main(["team", "push", "--db", url]) == 0
    assert "0 added, 0 changed, 0 removed; 6 shared in all" in capsys.readouterr().out
    assert len(shared(owner_engine, space.id)) == 6


def test_join_refuses_a_server_that_is_not_a_team_server(local: Store) -> None:
    def other(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/me":
            return httpx.Response(200, json={"email": "x@y.z"})
        if request.url.path == "/api/v1/spaces":
            return httpx.Response(200, json=[{"slug": "acme", "name": "Acme"}])
        return httpx.Response(200, json={"something": "else"})

    with pytest.raises(client.ServerFailed, match="no space key"):
        link.join(local, "http://elsewhere", "t", transport=httpx.MockTransport(other))
    with pytest.raises(UserError, match="has not joined"):
        link.linked(local)  # nothing was stored


def test_a_post_whose_answer_was_lost_is_sent_again_with_the_same_key() -> None:
    keys: list[str] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers["Idempotency-Key"])
        if len(keys) == 1:
            raise httpx.ReadTimeout("the answer never came", request=request)
        return httpx.Response(200, json={"ok": True})

    with client.Client("http://team.test", "t", httpx.MockTransport(flaky)) as c:
        assert c.post("/api/v1/x", {"a": 1}) == {"ok": True}
    assert len(keys) == 2
    assert keys[0] == keys[1]
