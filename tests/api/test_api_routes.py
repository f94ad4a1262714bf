"""The REST API: every route answers its documented shape on the demo."""

from __future__ import annotations

import datetime as dt
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from whoknows.config import load_settings
from whoknows.demo.build import build_demo
from whoknows.services.store import Store
from whoknows.web.app import create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

TODAY = dt.date(2025, 6, 2)


@pytest.fixture(scope="module")
def api_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("api") / "demo.db"
    with Store(load_settings(str(path))) as store:
        build_demo(store, "small", 5, today=TODAY)
    return path


@pytest.fixture
def api(api_demo: Path, tmp_path: Path) -> Iterator[TestClient]:
    copy = tmp_path / "api.db"
    shutil.copyfile(api_demo, copy)
    app = create_app(load_settings(str(copy)), today=TODAY)
    bearer = {"Authorization": f"Bearer {app.state.access.secret}"}
    with TestClient(app, base_url="http://127.0.0.1:8765", headers=bearer) as client:
        yield client


def test_people_are_listed_searched_added_shown_edited_and_removed(api: TestClient) -> None:
    listed = api.get("/api/v1/people", params={"limit": 5})
    assert listed.status_code == 200
    assert len(listed.json()) == 5
    assert api.get("/api/v1/people", params={"stage": "advocate"}).json()
    made = api.post(
        "/api/v1/people",
        json={"name": "Ines Duarte", "emails": ["ines@duarte.test"], "tags": ["food"]},
    )
    assert made.status_code == 201
    ines = made.json()
    assert ines["emails"] == ["ines@duarte.test"]
    assert ines["tags"] == ["food"]
    shown = api.get(f"/api/v1/people/{ines['id']}").json()
    assert shown["name"] == "Ines Duarte"
    assert shown["ties"] == []
    patched = api.patch(f"/api/v1/people/{ines['id']}", json={"role": "COO", "drop_tags": ["food"]})
    assert patched.json()["role"] == "COO"
    assert patched.json()["tags"] == []
    assert api.get("/api/v1/people", params={"q": "Duarte"}).json()[0]["id"] == ines["id"]
    assert api.delete(f"/api/v1/people/{ines['id']}").status_code == 200
    assert api.get(f"/api/v1/people/{ines['id']}").status_code == 404


def test_a_duplicate_email_is_a_409(api: TestClient) -> None:
    api.post("/api/v1/people", json={"name": "A One", "emails": ["same@x.test"]})
    again = api.post("/api/v1/people", json={"name": "B Two", "emails": ["same@x.test"]})
    assert again.status_code == 409
    assert "already belongs" in again.json()["error"]


def test_organizations_ties_and_interactions(api: TestClient) -> None:
    org = api.post("/api/v1/organizations", json={"name": "Quay Foods", "size": 120}).json()
    assert api.get(f"/api/v1/organizations/{org['id']}").json()["size"] == 120
    assert any(
        r["id"] == org["id"]
        for r in api.get("/api/v1/organizations", params={"limit": 1000}).json()
    )
    a = api.post("/api/v1/people", json={"name": "Tie Alpha"}).json()
    b = api.post("/api/v1/people", json={"name": "Tie Beta"}).json()
    tie = api.post("/api/v1/ties", json={"a": f"#{a['id']}", "b": f"#{b['id']}", "strength": 0.7})
    assert tie.status_code == 201
    assert tie.json()["strength"] == 0.7
    logged = api.post("/api/v1/interactions", json={"kind": "coffee", "people": [f"#{a['id']}"]})
    assert logged.status_code == 201
    assert logged.json()["date"] == str(TODAY)
    assert (
        api.post("/api/v1/interactions", json={"kind": "tea", "people": ["me"]}).status_code == 400
    )


def test_events_and_capture(api: TestClient) -> None:
    event = api.post("/api/v1/events", json={"name": "API mixer", "date": "2025-06-01"}).json()
    met = api.post(
        f"/api/v1/events/{event['id']}/met",
        json={"people": ["Nia Obi <nia@obi.test> @Obi Ltd / MD"], "giver": True},
    )
    assert met.status_code == 200
    assert met.json()["created"]
    shown = api.get(f"/api/v1/events/{event['id']}").json()
    assert shown["attendees"][0]["gets_it"] is True
    assert any(e["id"] == event["id"] for e in api.get("/api/v1/events").json())


def test_the_ledger_records_and_balances(api: TestClient) -> None:
    someone = api.get("/api/v1/people", params={"stage": "advocate", "limit": 1}).json()[0]
    gave = api.post(
        "/api/v1/ledger",
        json={"direction": "gave", "person": f"#{someone['id']}", "kind": "information"},
    )
    assert gave.status_code == 201
    assert gave.json()["giver"]["name"]
    got = api.post(
        "/api/v1/ledger",
        json={"direction": "got", "person": f"#{someone['id']}", "kind": "referral"},
    )
    assert got.status_code == 201
    overall = api.get("/api/v1/ledger/balance").json()
    assert overall["given"] >= 1
    assert overall["received"] >= 1
    one = api.get("/api/v1/ledger/balance", params={"person": f"#{someone['id']}"}).json()
    assert len(one["exchanges"]) >= 2


def test_introductions_are_guarded_and_carried_through(api: TestClient) -> None:
    strangers = api.get("/api/v1/people", params={"stage": "met", "limit": 2}).json()
    body = {"a": f"#{strangers[0]['id']}", "b": f"#{strangers[1]['id']}"}
    refused = api.post("/api/v1/introductions", json=body)
    assert refused.status_code == 409
    assert refused.json()["reasons"]
    made = api.post("/api/v1/introductions", json={**body, "force": True})
    assert made.status_code == 201
    assert made.json()["forced"] is True
    intro = made.json()["id"]
    asked = api.post(f"/api/v1/introductions/{intro}", json={"action": "ask"}).json()
    assert asked["introduction"]["state"] == "asked"
    assert asked["drafts"]
    for side in ("a", "b"):
        api.post(f"/api/v1/introductions/{intro}", json={"action": "accept", "side": side})
    assert api.post(f"/api/v1/introductions/{intro}", json={"action": "make"}).status_code == 200
    assert api.get("/api/v1/introductions", params={"state": "made"}).json()


def test_referrals_are_added_listed_and_moved(api: TestClient) -> None:
    advocate = api.get("/api/v1/people", params={"stage": "advocate", "limit": 1}).json()[0]
    added = api.post(
        "/api/v1/referrals", json={"from": f"#{advocate['id']}", "about": "Ray Mo <ray@mo.test>"}
    )
    assert added.status_code == 201
    assert added.json()["from"]["id"] == advocate["id"]
    rid = added.json()["id"]
    moved = api.post(f"/api/v1/referrals/{rid}/move", json={"status": "won", "value": "900 GBP"})
    assert moved.json()["status"] == "won"
    assert moved.json()["value"] == "900.00"
    assert api.get("/api/v1/referrals", params={"status": "won"}).json()
    assert api.post(f"/api/v1/referrals/{rid}/move", json={"status": "maybe"}).status_code == 400


def test_paths_advocates_and_the_due_list(api: TestClient) -> None:
    paths = api.get("/api/v1/paths", params={"target": "icp", "top": 3}).json()
    assert paths["target"]["kind"] == "icp"
    assert 1 <= len(paths["paths"]) <= 3
    assert paths["paths"][0]["people"][0]["name"]
    ranked = api.get("/api/v1/advocates", params={"top": 3}).json()
    assert len(ranked) == 3
    assert set(ranked[0]["parts"])
    answer = api.get("/api/v1/due", params={"within": 30})
    due = answer.json()
    assert due
    assert {"id", "name", "due", "overdue_days", "reason", "action", "tier", "why"} <= set(due[0])
    assert len(due) <= 10 < int(answer.headers["X-Total-Count"])  # a week's worth, and the rest
    assert f"offset={len(due)}" in answer.headers["Link"]
    rest = api.get("/api/v1/due", params={"within": 30, "offset": len(due), "limit": 0}).json()
    everyone = api.get("/api/v1/due", params={"within": 30, "limit": 0}).json()
    assert [i["id"] for i in due + rest] == [i["id"] for i in everyone]


def test_the_openapi_schema_and_docs_are_served(api: TestClient) -> None:
    schema = api.get("/api/v1/openapi.json").json()
    assert "/api/v1/people" in schema["paths"]
    assert "/api/v1/paths" in schema["paths"]
    assert not any(p.startswith("/people") for p in schema["paths"]), "pages stay out of it"
    assert api.get("/docs").status_code == 200


@pytest.mark.parametrize("amount", ["12345678901234567890123456789", "1000000000000000000000.07"])
def test_an_amount_beyond_what_is_kept_is_400_not_500(api: TestClient, amount: str) -> None:
    """Finding 6: a 29-digit amount answered 500 ("internal error")."""
    advocate = api.get("/api/v1/people", params={"stage": "advocate", "limit": 1}).json()[0]
    added = api.post(
        "/api/v1/referrals",
        json={"from": f"#{advocate['id']}", "about": "Ray Mo <ray@mo.test>", "value": amount},
    )
    assert added.status_code == 400
    assert "amount" in added.json()["error"]
    rid = api.post(
        "/api/v1/referrals", json={"from": f"#{advocate['id']}", "about": "Ray Mo <ray@mo.test>"}
    ).json()["id"]
    moved = api.post(f"/api/v1/referrals/{rid}/move", json={"status": "won", "value": amount})
    assert moved.status_code == 400
    given = api.post(
        "/api/v1/ledger",
        json={"direction": "gave", "person": f"#{advocate['id']}", "kind": "help", "value": amount},
    )
    assert given.status_code == 400


def test_listings_page_with_the_total_in_a_header_and_a_link_to_the_next(
    api: TestClient,
) -> None:
    first = api.get("/api/v1/people", params={"limit": 50})
    total = int(first.headers["X-Total-Count"])
    assert total > 100  # the small demo: thousands
    assert len(first.json()) == 50
    following = first.headers["Link"].split(";")[0].strip("<>")
    second = api.get(following)
    assert [p["name"] for p in second.json()] == [
        p["name"] for p in api.get("/api/v1/people", params={"limit": 100}).json()[50:]
    ]
    assert "offset=50" in following
    last = api.get("/api/v1/people", params={"limit": 50, "offset": total - 10})
    assert len(last.json()) == 10
    assert "Link" not in last.headers
    orgs = api.get("/api/v1/organizations", params={"limit": 3, "offset": 2})
    everyone = api.get("/api/v1/organizations", params={"limit": 1000}).json()
    assert orgs.json() == everyone[2:5]
    assert int(orgs.headers["X-Total-Count"]) == len(everyone) > 5
    assert "offset=5" in orgs.headers["Link"]
    routes = ("/api/v1/referrals", "/api/v1/introductions", "/api/v1/prospects", "/api/v1/events")
    for route in routes:
        page = api.get(route, params={"limit": 2, "offset": 1})
        assert page.status_code == 200, route
        assert len(page.json()) <= 2
        assert int(page.headers["X-Total-Count"]) >= len(page.json()), route
    prospect = api.get("/api/v1/prospects", params={"limit": 1}).json()[0]
    assert set(prospect) == {"id", "name", "reachability", "hops", "advocate"}
    assert api.get("/api/v1/people", params={"offset": -1}).status_code in (400, 422)


def test_a_search_pages_and_says_how_many_match(api: TestClient) -> None:
    everyone = api.get("/api/v1/people", params={"limit": 1000}).json()
    common = max(
        {p["name"].split()[-1] for p in everyone},
        key=lambda last: sum(p["name"].split()[-1] == last for p in everyone),
    )
    first = api.get("/api/v1/people", params={"q": common, "limit": 2})
    total = int(first.headers["X-Total-Count"])
    assert len(first.json()) == 2 < total  # more than a page, and it says so
    assert "offset=2" in first.headers["Link"]
    second = api.get("/api/v1/people", params={"q": common, "limit": 2, "offset": 2}).json()
    assert {p["id"] for p in second}.isdisjoint(p["id"] for p in first.json())


def test_an_introduction_asks_the_guard_once_and_a_refusal_lists_its_reasons(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whoknows.core import guard
    from whoknows.services import introductions

    asked = []
    real = guard.check

    def counted(*args: object, **kwargs: object) -> list[guard.Warning]:
        found = real(*args, **kwargs)  # type: ignore[arg-type]
        asked.append([str(w) for w in found])
        return found

    monkeypatch.setattr(introductions.guard, "check", counted)
    strangers = api.get("/api/v1/people", params={"stage": "met", "limit": 2}).json()
    body = {"a": f"#{strangers[0]['id']}", "b": f"#{strangers[1]['id']}"}
    refused = api.post("/api/v1/introductions", json=body)
    assert refused.status_code == 409
    # The service's refusal as it is (it names them), its hint with the API's way to insist:
    # the API re-raises nothing of its own (errors.py's go_ahead).
    error, hint = refused.json()["error"], refused.json()["hint"]
    assert error.startswith(f"introducing {strangers[0]['name']} and {strangers[1]['name']} ")
    assert "could cost you your reputation" in error
    assert hint.startswith("nothing was written")
    assert hint.endswith(", or send force=true")
    assert len(asked) == 1
    assert refused.json()["reasons"] == asked[0] != []
    asked.clear()
    advocates = api.get("/api/v1/people", params={"stage": "advocate", "limit": 2}).json()
    body = {"a": f"#{advocates[0]['id']}", "b": f"#{advocates[1]['id']}"}
    assert api.post("/api/v1/introductions", json=body).status_code == 201
    assert asked == [[]]  # once, not once to check and again to propose


def test_a_hint_that_needs_a_place_to_act_names_the_apis_route(api: TestClient) -> None:
    """A Hint's API wording (errors.Hint), never the command line's."""
    other = api.get("/api/v1/people", params={"limit": 1}).json()[0]
    answer = api.post("/api/v1/introductions", json={"a": "me", "b": f"#{other['id']}"})
    assert answer.status_code == 400
    assert answer.json()["hint"] == "to meet someone yourself, GET /api/v1/paths"
