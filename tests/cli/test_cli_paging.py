"""Listings page: --limit/--offset, the JSON page alone on stdout, how many more on stderr."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import insert

from clirun import Cli
from whoknows.cli import paging as cli_paging
from whoknows.cli.common import print_json
from whoknows.config import load_settings
from whoknows.services import paging
from whoknows.services.store import Store
from whoknows.storage import schema as s

PEOPLE = 120


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture
def crowd(db_url: str) -> str:
    """A network of PEOPLE people (written at once, as an import would)."""
    with Store(load_settings(db_url)) as store, store.write() as session:
        session.execute(
            insert(s.Person),
            [{"name": f"Person {i:03d}", "name_key": f"person {i:03d}"} for i in range(PEOPLE)],
        )
    return db_url


def test_person_list_shows_a_first_page_and_says_how_many_more(cli: Cli, crowd: str) -> None:
    ran = cli("person", "list")
    assert ran.code == 0
    assert f"1–50 of {PEOPLE} people" in ran.out
    assert "Person 049" in ran.out
    assert "Person 050" not in ran.out
    assert ran.err.strip() == f"1–50 of {PEOPLE} people; 70 more: --offset 50"


def test_person_list_json_is_the_page_and_the_next_page_follows_it(cli: Cli, crowd: str) -> None:
    first = cli("person", "list", "--json", "--limit", "30")
    second = cli("person", "list", "--json", "--limit", "30", "--offset", "30")
    names = [p["name"] for p in json.loads(first.out) + json.loads(second.out)]
    assert names == [f"Person {i:03d}" for i in range(60)]
    assert second.err.strip() == f"31–60 of {PEOPLE} people; 60 more: --offset 60"
    last = cli("person", "list", "--json", "--offset", "100")
    assert len(json.loads(last.out)) == 20
    assert last.err.strip() == f"101–120 of {PEOPLE} people"


def test_a_long_json_listing_is_read_and_written_a_chunk_at_a_time(
    cli: Cli, crowd: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = json.loads(cli("person", "list", "--json", "--limit", "1000").out)
    monkeypatch.setattr(cli_paging, "_CHUNK", 7)
    chunked = cli("person", "list", "--json", "--limit", "1000", "--offset", "3")
    assert json.loads(chunked.out) == whole[3:]
    assert chunked.err.strip() == f"4–120 of {PEOPLE} people"


@pytest.mark.parametrize(
    ("args", "what"), [(["--limit", "0"], "limit"), (["--offset", "-1"], "offset")]
)
def test_a_bad_window_is_one_line_and_exit_2(cli: Cli, args: list[str], what: str) -> None:
    ran = cli("person", "list", *args)
    assert ran.code == 2
    assert what in ran.err
    assert len(ran.err.strip().splitlines()) == 1


def test_referrals_and_introductions_page_the_same_way(cli: Cli) -> None:
    for args in (
        ["me", "Sam Me"],
        *(["person", "add", name] for name in ("Ann A", "Bob B", "Cy C", "Di D")),
        *(["referral", "add", "--from", "Ann", "--about", x] for x in ("Bob", "Cy", "Di")),
        *(["intro", "Ann", x, "--why", "both bake", "--force"] for x in ("Bob", "Cy", "Di")),
    ):
        assert cli(*args).code == 0, args
    referrals = cli("referral", "list", "--json", "--limit", "2")
    assert len(json.loads(referrals.out)) == 2
    assert referrals.err.strip() == "1–2 of 3 referrals; 1 more: --offset 2"
    rest = json.loads(cli("referral", "list", "--json", "--offset", "2").out)
    assert [r["id"] for r in rest] == [1]  # newest first: the oldest is last
    intros = cli("intro", "list", "--limit", "1", "--offset", "1")
    assert "2–2 of 3" in intros.out
    assert intros.err.strip() == "2–2 of 3 introductions; 1 more: --offset 2"


def test_organizations_page_with_their_head_counts(cli: Cli, db_url: str) -> None:
    with Store(load_settings(db_url)) as store, store.write() as session:
        session.execute(
            insert(s.Organization),
            [{"name": f"Org {i:02d}", "name_key": f"org {i:02d}"} for i in range(60)],
        )
    for name in ("Ann A", "Bob B"):
        assert cli("person", "add", name, "--org", "Org 51").code == 0
    ran = cli("org", "list")
    assert "1–50 of 60 organizations" in ran.out
    assert "Org 49" in ran.out
    assert "Org 50" not in ran.out
    assert ran.err.strip() == "1–50 of 60 organizations; 10 more: --offset 50"
    rest = json.loads(cli("org", "list", "--json", "--offset", "50").out)
    assert [(o["name"], o["people"]) for o in rest[:3]] == [
        ("Org 50", 0),
        ("Org 51", 2),
        ("Org 52", 0),
    ]
    assert len(rest) == 10


def test_events_page_newest_first(cli: Cli, db_url: str) -> None:
    day = dt.date(2026, 1, 1)
    with Store(load_settings(db_url)) as store, store.write() as session:
        session.execute(  # two a day: the later-added one first among the day's
            insert(s.Event),
            [
                {"name": f"Event {i:02d}", "date": day + dt.timedelta(days=i // 2)}
                for i in range(55)
            ],
        )
    ran = cli("event", "list")
    assert "1–50 of 55 events" in ran.out
    assert ran.err.strip() == "1–50 of 55 events; 5 more: --offset 50"
    rest = json.loads(cli("event", "list", "--json", "--offset", "50").out)
    assert [e["name"] for e in rest] == [f"Event {i:02d}" for i in (4, 3, 2, 1, 0)]


@pytest.mark.parametrize("items", [[], [{"a": 1}], [{"a": [1, 2]}, {"b": "ü"}, 3]])
def test_a_json_array_written_item_by_item_is_what_print_json_writes(
    items: list[object], capsys: pytest.CaptureFixture[str]
) -> None:
    print_json(items)
    whole = capsys.readouterr().out
    cli_paging.json_array(iter(items))
    assert capsys.readouterr().out == whole


def test_page_words() -> None:
    assert paging.describe(20_301, 0, 50, "people") == "1–50 of 20,301 people"
    assert paging.describe(12, 20, 0, "people") == "none of 12 people"
    assert paging.describe(0, 0, 0, "people") == "no people"
    page = paging.Page(list(range(5)), 12, 5, 5)
    assert page.more == 2
    assert paging.of_list(list(range(12)), paging.Window(5, 10)).items == [10, 11]
