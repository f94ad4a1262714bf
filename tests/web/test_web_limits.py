"""One validation for every adapter: the web forms refuse what the API and the CLI refuse."""

from __future__ import annotations

import datetime as dt

import pytest
from webtools import TODAY, TestClient, post

from whoknows.cli.main import main
from whoknows.config import load_settings
from whoknows.services import events, people, report, report_view, validate
from whoknows.services.store import Store

HUGE = "A" * 1_000_000


def count(db: str) -> int:
    with Store(load_settings(db)) as store:
        return people.count_people(store)


def test_a_web_form_refuses_a_million_character_name_and_saves_nothing(
    client: TestClient, demo_db: str
) -> None:
    before = count(demo_db)
    answer = post(client, "/people", {"name": HUGE})
    assert answer.status_code == 400
    assert "1,000,000 characters long" in answer.text
    assert "keep it to 200 characters" in answer.text
    assert HUGE[:1000] not in answer.text, "the error never echoes the value back"
    assert count(demo_db) == before


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01"])
def test_web_forms_refuse_dates_no_one_means(client: TestClient, demo_db: str, day: str) -> None:
    answer = post(client, "/events", {"name": "Far away", "date": day})
    assert answer.status_code == 400
    assert "out of range" in answer.text
    with Store(load_settings(demo_db)) as store:
        assert not [e for e in events.list_events(store) if e.name == "Far away"]


def test_a_report_since_year_one_is_refused(reader: TestClient) -> None:
    answer = reader.get("/reports?since=0001-01-01")
    assert answer.status_code == 400
    assert "out of range" in answer.text


def test_a_report_since_long_ago_charts_only_the_months_with_data(demo_db: str) -> None:
    with Store(load_settings(demo_db)) as store:
        data = report_view.as_json(report.build(store, since=dt.date(1900, 1, 1), today=TODAY))
    months = [m["month"] for m in data["months"]]
    assert months, "the demo has referrals and exchanges"
    assert months[0] > "2000-01", "no century of empty months before the first data"


@pytest.mark.parametrize(
    ("field", "length", "ok"),
    [("name", 200, True), ("name", 201, False), ("role", 500, True), ("role", 501, False)],
)
def test_the_web_the_api_and_the_cli_share_the_same_limits(
    client: TestClient, demo_db: str, field: str, length: int, ok: bool
) -> None:
    value = "x" * length
    data = {"name": "Limit Tester", field: value}
    web = post(client, "/people", data)
    api = client.post("/api/v1/people", json=data)
    args = ["person", "add", data["name"]]
    if field == "role":
        args += ["--role", value]
    else:
        args = ["person", "add", value]
    cli = main([*args, "--db", demo_db])
    assert (web.status_code == 303) is ok, web.text[:300]
    assert (api.status_code == 201) is ok, api.text[:300]
    assert (cli == 0) is ok
    assert validate.MAX_NAME == 200
    assert validate.MAX_LINE == 500
