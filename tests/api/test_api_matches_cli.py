"""The CLI's --json and the API answer a use case with the same JSON (issue 16: one result
type per use case). On the demo, so every field has something in it."""

from __future__ import annotations

import datetime as dt
import json
import shlex
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from whoknows.cli.main import main
from whoknows.config import load_settings
from whoknows.demo.build import build_demo
from whoknows.services import introductions
from whoknows.services.store import Store
from whoknows.web.app import create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("same") / "demo.db"
    with Store(load_settings(str(path))) as store:
        build_demo(store, "small", 5, today=TODAY)
    return path


@pytest.fixture
def db(demo: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "same.db"
    shutil.copyfile(demo, copy)
    return copy


@pytest.fixture
def api(db: Path) -> Iterator[TestClient]:
    # Today, as the CLI has it: `due` has no --date.
    app = create_app(load_settings(str(db)))
    bearer = {"Authorization": f"Bearer {app.state.access.secret}"}
    with TestClient(app, base_url="http://127.0.0.1:8765", headers=bearer) as client:
        yield client


def _cli(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    capsys.readouterr()
    assert main([*args, "--json", "--db", str(db)]) == 0
    return json.loads(capsys.readouterr().out)


# Not compared, deliberately: `person find TEXT` ranks people by likeness, forgiving typos in
# names, while the API's /people?q= is the people page's search (matches by name, paged).
# `advocates --potential` and `who-knows` have no route.
@pytest.mark.parametrize(
    ("command", "route"),
    [
        (["person", "list", "--limit", "30"], "/api/v1/people?limit=30"),
        (["person", "list", "--stage", "advocate"], "/api/v1/people?stage=advocate"),
        (["intro", "list", "--limit", "30"], "/api/v1/introductions?limit=30"),
        (["event", "list", "--limit", "30"], "/api/v1/events?limit=30"),
        (["referral", "list", "--limit", "30"], "/api/v1/referrals?limit=30"),
        (["referral", "list", "--status", "won"], "/api/v1/referrals?status=won"),
        (["due", "--within", "30", "--limit", "40"], "/api/v1/due?within=30&limit=40"),
        (["due", "--reconnect", "--limit", "10"], "/api/v1/due?reconnect=true&limit=10"),
        (["person", "show", "#1"], "/api/v1/people/1"),
        (["person", "show", "#5"], "/api/v1/people/5"),
        (["org", "list", "--limit", "30"], "/api/v1/organizations?limit=30"),
        (["org", "show", "#3"], "/api/v1/organizations/3"),
        (["event", "show", "1"], "/api/v1/events/1"),
        (["intro", "list", "--state", "made"], "/api/v1/introductions?state=made"),
        (["referral", "list", "--status", "open"], "/api/v1/referrals?status=open"),
        (["balance"], "/api/v1/ledger/balance"),
        (["balance", "#5"], "/api/v1/ledger/balance?person=%235"),
        (["balance", "--since", "2026-01-01"], "/api/v1/ledger/balance?since=2026-01-01"),
        (["path", "icp"], "/api/v1/paths?target=icp"),
        (["path", "#9", "--top", "3"], "/api/v1/paths?target=%239&top=3"),
        (["path", "org:2", "--max-hops", "3"], "/api/v1/paths?target=org:2&max_hops=3"),
        (["prospects", "--limit", "20"], "/api/v1/prospects?limit=20"),
        (["advocates", "--top", "15"], "/api/v1/advocates?top=15"),
    ],
)
def test_the_cli_and_the_api_answer_with_the_same_json(
    db: Path,
    api: TestClient,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    route: str,
) -> None:
    from_cli = _cli(db, capsys, *command)
    from_api = api.get(route).json()
    assert from_cli, "the demo has some"
    assert from_cli == from_api


DAY = "2026-11-02"
ANN = "Ann Lee <ann@lee.example> @Lee / CEO"
# Every change with both a command and a route. The ids are the small demo's (seed 5):
# referral 99 is received and 124 contacted; introduction 8 is proposed, 7 asked, 6 accepted
# and 4 made.
CHANGES: list[tuple[str, str, str, dict[str, Any] | None]] = [
    (
        "person add 'Zoe Quinn' --email zoe@quinn.example --org 'Quinn Co' --tag cfo --trust 4",
        "POST /api/v1/people",
        "",
        {
            "name": "Zoe Quinn",
            "emails": ["zoe@quinn.example"],
            "organization": "Quinn Co",
            "tags": ["cfo"],
            "trust": 4,
        },
    ),
    (
        "person edit '#4' --role CFO --tag steel",
        "PATCH /api/v1/people/4",
        "",
        {"role": "CFO", "tags": ["steel"]},
    ),
    ("person rm '#9' --yes", "DELETE /api/v1/people/9", "", None),
    (
        "org add 'Quinn Co' --city Lyon",
        "POST /api/v1/organizations",
        "",
        {"name": "Quinn Co", "city": "Lyon"},
    ),
    (
        "know '#4' '#9' --strength 0.5",
        "POST /api/v1/ties",
        "",
        {"a": "#4", "b": "#9", "strength": 0.5},
    ),
    (
        f"log coffee '#4' '#9' --date {DAY} --note plans",
        "POST /api/v1/interactions",
        "",
        {"kind": "coffee", "people": ["#4", "#9"], "date": DAY, "note": "plans"},
    ),
    (
        f"event add Breakfast --date {DAY} --place Hall",
        "POST /api/v1/events",
        "",
        {"name": "Breakfast", "date": DAY, "place": "Hall"},
    ),
    (
        f"event met 1 '#4' '{ANN}' --giver",
        "POST /api/v1/events/1/met",
        "",
        {"people": ["#4", ANN], "giver": True},
    ),
    (
        f"give '#4' introduction --to '#9' --date {DAY}",
        "POST /api/v1/ledger",
        "",
        {"direction": "gave", "person": "#4", "kind": "introduction", "to": "#9", "date": DAY},
    ),
    (
        f"got '#4' referral --value 'EUR 900' --date {DAY}",
        "POST /api/v1/ledger",
        "",
        {"direction": "got", "person": "#4", "kind": "referral", "value": "EUR 900", "date": DAY},
    ),
    (
        "intro propose '#4' '#9' --why 'both in steel' --force",
        "POST /api/v1/introductions",
        "",
        {"a": "#4", "b": "#9", "why": "both in steel", "force": True},
    ),
    # The CLI's own: the .eml files `--out` wrote (the API writes none).
    ("intro ask 8", "POST /api/v1/introductions/8", "written", {"action": "ask"}),
    ("intro make 6", "POST /api/v1/introductions/6", "written", {"action": "make"}),
    # The API has one route for every step of an introduction, which answers {introduction,
    # drafts}; accept, decline and outcome draft nothing, and their commands print the
    # introduction alone.
    ("intro accept 7 A", "POST /api/v1/introductions/7", "step", {"action": "accept", "side": "A"}),
    ("intro decline 8", "POST /api/v1/introductions/8", "step", {"action": "decline"}),
    (
        "intro outcome 4 good --note 'they met'",
        "POST /api/v1/introductions/4",
        "step",
        {"action": "outcome", "result": "good", "note": "they met"},
    ),
    (
        f"referral add --from '#4' --about '#9' --value 4000 --date {DAY}",
        "POST /api/v1/referrals",
        "",
        {"from": "#4", "about": "#9", "value": "4000", "date": DAY},
    ),
    (
        "referral won 99 --value 5000",
        "POST /api/v1/referrals/99/move",
        "",
        {"status": "won", "value": "5000"},
    ),
    ("referral move 124 meeting", "POST /api/v1/referrals/124/move", "", {"status": "meeting"}),
]


@pytest.mark.parametrize(("command", "request_", "differs", "body"), CHANGES)
def test_a_change_made_from_the_cli_and_the_api_answers_with_the_same_json(
    demo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    request_: str,
    differs: str,
    body: dict[str, Any] | None,
) -> None:
    # The same change on two copies of the demo: the same ids, the same day.
    by_cli, by_api = tmp_path / "cli.db", tmp_path / "api.db"
    shutil.copyfile(demo, by_cli)
    shutil.copyfile(demo, by_api)
    from_cli = _cli(by_cli, capsys, *shlex.split(command))
    app = create_app(load_settings(str(by_api)))
    bearer = {"Authorization": f"Bearer {app.state.access.secret}"}
    method, route = request_.split()
    with TestClient(app, base_url="http://127.0.0.1:8765", headers=bearer) as client:
        answer = client.request(method, route, json=body)
    assert answer.status_code in (200, 201), answer.text
    from_api = answer.json()
    if differs == "written":
        assert from_cli.pop("written") == []
    elif differs == "step":
        assert from_api.pop("drafts") == []
        from_api = from_api.pop("introduction")
    assert from_cli == from_api


def test_an_introduction_i_asked_for_names_its_introducer_in_both(
    db: Path, api: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    # The API dropped the field the CLI had (its schema ignored what it did not name).
    people = api.get("/api/v1/people", params={"stage": "advocate", "limit": 2}).json()
    with Store(load_settings(str(db))) as store:
        via, to = (f"#{p['id']}" for p in people)
        introductions.request(store, via, to, force=True, today=TODAY)
    asked_for = [i for i in _cli(db, capsys, "intro", "list") if i["introducer"]]
    assert [i["introducer"]["id"] for i in asked_for] == [people[0]["id"]]
    shown = {i["id"]: i for i in api.get("/api/v1/introductions").json()}
    assert all(shown[i["id"]]["introducer"] == i["introducer"] for i in asked_for)
