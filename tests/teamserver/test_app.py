"""The team server's app: who is calling, the 404 for what is not yours, errors as one line."""

from __future__ import annotations

import pytest
from team_world import World, bearer

pytestmark = pytest.mark.postgres


def test_anonymous_callers_are_asked_to_sign_in(team_client) -> None:  # type: ignore[no-untyped-def]
    answer = team_client.get("/api/v1/me")
    assert answer.status_code == 401
    assert answer.json()["error"] == "sign in first"
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    page = team_client.get("/", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")


def test_a_token_names_its_account_and_only_its_space(team_client, world: World) -> None:  # type: ignore[no-untyped-def]
    alice = world.account(name="Alice")
    firm, other = world.space(alice), world.space(alice)
    token = world.token(firm, alice)
    me = team_client.get("/api/v1/me", headers=bearer(token)).json()
    assert me["email"] == alice.email
    listed = team_client.get("/api/v1/spaces", headers=bearer(token)).json()
    assert [s["slug"] for s in listed] == [firm.slug]
    assert team_client.get(f"/api/v1/spaces/{firm.slug}", headers=bearer(token)).status_code == 200
    # Alice owns the other space too, but this token is the firm's: 404, as for a stranger.
    assert team_client.get(f"/api/v1/spaces/{other.slug}", headers=bearer(token)).status_code == 404


def test_a_space_you_do_not_belong_to_answers_404(team_client, world: World) -> None:  # type: ignore[no-untyped-def]
    firm = world.space()
    stranger = world.account()
    elsewhere = world.space(stranger)
    token = world.token(elsewhere, stranger)
    for path in (f"/api/v1/spaces/{firm.slug}", "/api/v1/spaces/no-such-space"):
        answer = team_client.get(path, headers=bearer(token))
        assert answer.status_code == 404
        assert set(answer.json()) == {"error", "hint"}


def test_an_unknown_or_revoked_token_is_refused(team_client, world: World) -> None:  # type: ignore[no-untyped-def]
    alice = world.account()
    firm = world.space(alice)
    token = world.token(firm, alice)
    assert team_client.get("/api/v1/me", headers=bearer(token + "x")).status_code == 401
    assert team_client.get("/api/v1/me", headers=bearer("wkt_999999_abc")).status_code == 401
    assert team_client.get("/api/v1/me", headers=bearer("nonsense")).status_code == 401
    tokens = team_client.get(f"/api/v1/spaces/{firm.slug}/tokens", headers=bearer(token)).json()
    assert tokens[0]["last_used_at"] is not None
    assert "token" not in tokens[0]
    gone = team_client.delete(
        f"/api/v1/spaces/{firm.slug}/tokens/{tokens[0]['id']}", headers=bearer(token)
    )
    assert gone.status_code == 204
    assert team_client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_a_read_only_token_reads_but_changes_nothing(team_client, world: World) -> None:
    alice = world.account()
    firm = world.space(alice)
    token = world.token(firm, alice, scopes=("read",))
    base = f"/api/v1/spaces/{firm.slug}"
    assert team_client.get(f"{base}/members", headers=bearer(token)).status_code == 200
    refused = team_client.post(f"{base}/tokens", json={"name": "more"}, headers=bearer(token))
    assert refused.status_code == 403
    assert "lacks the 'write' scope" in refused.json()["error"]
    listed = team_client.get(f"{base}/tokens", headers=bearer(token)).json()
    assert [t["scopes"] for t in listed] == [["read"]]


def test_a_bad_body_is_one_line_naming_the_field(team_client, world: World) -> None:
    alice = world.account()
    firm = world.space(alice)
    answer = team_client.post(
        f"/api/v1/spaces/{firm.slug}/invitations",
        json={"email": 5, "role": ["x"]},
        headers=bearer(world.token(firm, alice)),
    )
    assert answer.status_code == 422
    body = answer.json()
    assert set(body) == {"error", "hint"}
    assert "email" in body["error"]
    assert "\n" not in body["error"]


@pytest.mark.parametrize("served", [True, False])
def test_a_served_app_warms_the_chart_drawing_up_when_it_starts(
    team_app_settings, monkeypatch: pytest.MonkeyPatch, served: bool
) -> None:  # type: ignore[no-untyped-def]
    """Under `team serve` (listen), the first week's report need not wait for matplotlib."""
    import dataclasses
    import threading

    from fastapi.testclient import TestClient

    from whoknows.teamserver import chapter_charts
    from whoknows.teamserver.app import create_app

    warmed = threading.Event()
    monkeypatch.setattr(chapter_charts, "warm", warmed.set)
    settings = dataclasses.replace(team_app_settings, listen=served)
    with TestClient(create_app(settings)):
        assert warmed.wait(10 if served else 0.5) is served


def test_warming_the_charts_up_draws_a_chart() -> None:
    from whoknows.services import charts

    charts.warm()  # no error, and matplotlib is loaded for the next chart
    import sys

    assert "matplotlib.backends.backend_svg" in sys.modules


def test_no_route_shadows_another(team_client) -> None:  # type: ignore[no-untyped-def]
    """The question routes are tried first (app.py): that may change nothing, so no route
    matches another's path, whichever router it is in."""
    import re

    from starlette.routing import Route

    found: list[Route] = []
    for router in team_client.app.routes:
        routes = getattr(getattr(router, "original_router", None), "routes", [router])
        found += [r for r in routes if isinstance(r, Route)]
    assert len(found) > 40
    for route in found:
        sample = re.sub(r"\{[^}]+\}", "7", route.path)
        matching = [
            r.path
            for r in found
            if r.path_regex.match(sample) and (r.methods or set()) & (route.methods or set())
        ]
        assert matching == [route.path], (route.path, matching)
