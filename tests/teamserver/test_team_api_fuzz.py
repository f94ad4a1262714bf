"""schemathesis against the team server's OpenAPI schema (/openapi.json): no generated input
makes it answer a 5xx. Every GET and POST of /api/v1, called with a bearer token of a real
space (a firm with pushed contacts; a group for the chapter's routes) on the session's
PostgreSQL; then the bugs it found, one test each."""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from reach_world import Known, share
from schemathesis import GenerationMode
from sqlalchemy import Engine
from team_world import World, bearer

from whoknows.teamserver.app import TeamSettings, create_app
from whoknows.teamserver.spaces import Space

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient  # the ASGI transport imports it too

pytestmark = pytest.mark.postgres
EXAMPLES = 6  # per operation and way of calling it: bounded, the whole run takes seconds


@dataclass
class Target:
    """A space the fuzz calls into, as its owner (every route of the space is open to them)."""

    space: Space
    headers: dict[str, str]


@pytest.fixture
def fuzz_app(team_app_settings: TeamSettings) -> Iterator[FastAPI]:
    app = create_app(team_app_settings)
    yield app
    app.state.engine.dispose()


def _target(world: World, owner_engine: Engine, kind: str) -> Target:
    owner = world.account(name=f"Owner of a {kind}")
    space = world.space(owner, kind)
    colleagues = [world.member(space, role) for role in ("admin", "leader", "member", "guest")]
    if kind == "firm":
        share(owner_engine, space, colleagues[2], [Known("dana@acme.test", org="Acme")], "name")
        share(owner_engine, space, owner, [Known("eve@acme.test", org="Acme")])
    return Target(space, bearer(world.token(space, owner)))


def test_no_generated_input_makes_a_server_error(
    world: World, owner_engine: Engine, fuzz_app: FastAPI
) -> None:
    firm, group = _target(world, owner_engine, "firm"), _target(world, owner_engine, "group")
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().method.upper() in ("GET", "POST")
    ]
    assert len(operations) >= 40
    failures: list[str] = []
    calls: list[int] = []

    for operation in operations:
        target = group if "/chapter/" in operation.path else firm
        # Each operation with valid input and the slug generated (a space that is not there,
        # a slug no database takes); with valid input in the real space, so that it reaches
        # the route's own work; and with invalid input in the real space.
        slugged = "{slug}" in operation.path
        for mode, pinned in (
            (GenerationMode.POSITIVE, False),
            (GenerationMode.POSITIVE, True),
            (GenerationMode.NEGATIVE, True),
        ):
            if slugged or not pinned:
                _fuzz(operation, mode, target, pinned and slugged, calls, failures)
    assert len(calls) >= 3 * len(operations), "schemathesis generated the cases"
    assert 401 not in calls, "the calls carried a live token, so the API itself answered"
    assert calls.count(200) >= len(operations) // 2, "the pinned calls reached the routes"
    assert not failures, "\n".join(failures[:20])


def _fuzz(
    operation: Any,
    mode: GenerationMode,
    target: Target,
    pinned: bool,
    calls: list[int],
    failures: list[str],
) -> None:
    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Any) -> None:
        if pinned:
            case.path_parameters = {**case.path_parameters, "slug": target.space.slug}
        headers = dict(target.headers)
        if case.method.upper() == "POST":
            headers["Idempotency-Key"] = uuid.uuid4().hex
        said = f"{case.method} {case.formatted_path} {case.query} {case.body!r}"
        try:
            response = case.call(headers=headers)
        except Exception as exc:  # the test client re-raises what the server's handler logged
            failures.append(f"{said}: {type(exc).__name__}: {exc}")
            return
        calls.append(response.status_code)
        if response.status_code >= 500:
            failures.append(f"{said}: {response.status_code} {response.text[:300]}")

    try:
        call()
    except Unsatisfiable:  # nothing to make invalid: an operation without input
        assert mode == GenerationMode.NEGATIVE, operation.path


def _bad_values(target: Target, client: TestClient, calls: list[tuple[str, str, Any]]) -> None:
    for method, url, body in calls:
        answer = client.request(method, url, json=body, headers=target.headers)
        assert answer.status_code == 400, (method, url, answer.text)
        error = answer.json()["error"]
        assert error.startswith("the input is not valid (a value the server cannot store: ")


def test_a_number_past_bigint_is_a_bad_request(
    world: World, owner_engine: Engine, team_client: TestClient
) -> None:
    """An id or a colleague past PostgreSQL's bigint answers 400 with one message, not the
    database's error as a 500 (the fuzz above found it)."""
    firm, group = _target(world, owner_engine, "firm"), _target(world, owner_engine, "group")
    huge = 2**64
    a, g = f"/api/v1/spaces/{firm.space.slug}", f"/api/v1/spaces/{group.space.slug}/chapter"
    _bad_values(firm, team_client, [("POST", f"{a}/members/{huge}/role", {"role": "member"})])
    one_to_one = {"client_id": "o1", "to": huge, "met_on": "2026-01-05"}
    _bad_values(group, team_client, [("POST", f"{g}/one-to-ones", one_to_one)])


def test_a_nul_in_a_text_is_a_bad_request(
    world: World, owner_engine: Engine, team_client: TestClient
) -> None:
    """A NUL character (which no PostgreSQL text takes) in a slug, a name, an email, a
    visitor or a contact sphere answers 400 with one message, not a 500."""
    firm, group = _target(world, owner_engine, "firm"), _target(world, owner_engine, "group")
    a, g = f"/api/v1/spaces/{firm.space.slug}", f"/api/v1/spaces/{group.space.slug}"
    _bad_values(
        firm,
        team_client,
        [
            ("GET", "/api/v1/spaces/a%00b", None),
            ("POST", f"{a}/tokens", {"name": "a\x00b"}),
            ("POST", f"{a}/invitations", {"email": "a\x00b@example.com"}),
        ],
    )
    sphere = {"level": "who", "sphere": {"serves": "plants\x00", "ideal": {}}}
    _bad_values(
        group,
        team_client,
        [
            ("POST", f"{g}/chapter/visitors", {"client_id": "v1", "capture": "Sam\x00 Lee"}),
            ("POST", f"{g}/push", sphere),
        ],
    )
    tokens = team_client.get(f"{a}/tokens", headers=firm.headers).json()
    assert [t["name"] for t in tokens] == ["test"], "nothing was written"


def test_closing_a_week_too_long_ago_is_a_bad_request(
    world: World, owner_engine: Engine, team_client: TestClient
) -> None:
    """The week of 0001-01-01 (its report's six months before it fell off the calendar: a
    500) is refused with one message; a week from 2000 on still closes."""
    group = _target(world, owner_engine, "group")
    url = f"/api/v1/spaces/{group.space.slug}/chapter/weeks/close"
    for week in ("0001-01-01", "1999-12-31"):
        answer = team_client.post(url, json={"week": week}, headers=group.headers)
        assert answer.status_code == 400, answer.text
        assert "too long ago" in answer.json()["error"]
    answer = team_client.post(url, json={"week": "2000-01-05"}, headers=group.headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["week"] == "2000-01-03"
