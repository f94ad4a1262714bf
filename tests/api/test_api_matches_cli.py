"""The CLI's --json and the API answer a use case with the same JSON (issue 16: one result
type per use case). On the demo, so every field has something in it."""

from __future__ import annotations

import datetime as dt
import json
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


@pytest.mark.parametrize(
    ("command", "route", "body"),
    [
        (
            [
                "person",
                "add",
                "Zoe Quinn",
                "--email",
                "zoe@quinn.example",
                "--org",
                "Quinn Co",
                "--tag",
                "cfo",
                "--trust",
                "4",
            ],
            "/api/v1/people",
            {
                "name": "Zoe Quinn",
                "emails": ["zoe@quinn.example"],
                "organization": "Quinn Co",
                "tags": ["cfo"],
                "trust": 4,
            },
        ),
        (
            ["org", "add", "Quinn Co", "--city", "Lyon"],
            "/api/v1/organizations",
            {"name": "Quinn Co", "city": "Lyon"},
        ),
        (
            ["know", "#4", "#9", "--strength", "0.5"],
            "/api/v1/ties",
            {"a": "#4", "b": "#9", "strength": 0.5},
        ),
        (
            ["log", "coffee", "#4", "#9", "--date", DAY, "--note", "plans"],
            "/api/v1/interactions",
            {"kind": "coffee", "people": ["#4", "#9"], "date": DAY, "note": "plans"},
        ),
        (
            ["event", "add", "Breakfast", "--date", DAY, "--place", "Hall"],
            "/api/v1/events",
            {"name": "Breakfast", "date": DAY, "place": "Hall"},
        ),
        (
            ["event", "met", "1", "#4", "Ann Lee <ann@lee.example> @Lee / CEO", "--giver"],
            "/api/v1/events/1/met",
            {"people": ["#4", "Ann Lee <ann@lee.example> @Lee / CEO"], "giver": True},
        ),
        (
            ["give", "#4", "introduction", "--to", "#9", "--date", DAY],
            "/api/v1/ledger",
            {"direction": "gave", "person": "#4", "kind": "introduction", "to": "#9", "date": DAY},
        ),
        (
            ["got", "#4", "referral", "--value", "EUR 900", "--date", DAY],
            "/api/v1/ledger",
            {
                "direction": "got",
                "person": "#4",
                "kind": "referral",
                "value": "EUR 900",
                "date": DAY,
            },
        ),
        (
            ["intro", "propose", "#4", "#9", "--why", "both in steel", "--force"],
            "/api/v1/introductions",
            {"a": "#4", "b": "#9", "why": "both in steel", "force": True},
        ),
        (
            ["referral", "add", "--from", "#4", "--about", "#9", "--value", "4000", "--date", DAY],
            "/api/v1/referrals",
            {"from": "#4", "about": "#9", "value": "4000", "date": DAY},
        ),
        (
            ["referral", "won", "99", "--value", "5000"],
            "/api/v1/referrals/99/move",
            {"status": "won", "value": "5000"},
        ),
        (
            ["referral", "move", "124", "meeting"],
            "/api/v1/referrals/124/move",
            {"status": "meeting"},
        ),
        (["intro", "ask", "8"], "/api/v1/introductions/8", {"action": "ask"}),
        (["intro", "make", "6"], "/api/v1/introductions/6", {"action": "make"}),
    ],
)
def test_a_change_made_from_the_cli_and_the_api_answers_with_the_same_json(
    demo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    route: str,
    body: dict[str, Any],
) -> None:
    # The same change on two copies of the demo: the same ids, the same day.
    by_cli, by_api = tmp_path / "cli.db", tmp_path / "api.db"
    shutil.copyfile(demo, by_cli)
    shutil.copyfile(demo, by_api)
    from_cli = _cli(by_cli, capsys, *command)
    app = create_app(load_settings(str(by_api)))
    bearer = {"Authorization": f"Bearer {app.state.access.secret}"}
    with TestClient(app, base_url="http://127.0.0.1:8765", headers=bearer) as client:
        answer = client.post(route, json=body)
    assert answer.status_code in (200, 201), answer.text
    # Deliberately the CLI's own: the .eml files `intro ask --out` wrote (the API writes none).
    assert from_cli.pop("written", []) == []
    assert from_cli == answer.json()


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
