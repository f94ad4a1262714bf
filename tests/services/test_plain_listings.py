"""`person list` and `due` read with plain SQL (storage/people_rows.py, storage/plan_rows.py):
the same pages as the ORM's listing, on the demo, on SQLite and PostgreSQL; and the CLI
prints what the services answer, as JSON and as a table (the plan against the plan made from
everyone in touch: tests/services/test_plan_service.py)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator

import pytest

from clirun import Cli
from whoknows.config import load_settings
from whoknows.demo.build import build_demo
from whoknows.services import paging, people, people_list, plan, views
from whoknows.services.store import Store

TODAY = dt.date.today()  # the CLI plans for today


@pytest.fixture
def demo(db_url: str) -> Iterator[Store]:
    with Store(load_settings(db_url)) as store:
        build_demo(store, "small", 5, today=TODAY)
        yield store


def _orm_page(store: Store, window: paging.Window, **wanted: str) -> paging.Page[object]:
    """The listing as the ORM reads it (services/people.py's query, mapped by views.person)."""
    with store.read() as session:
        query = people._listing(session, store, wanted.get("tag"), wanted.get("org"), None)
        rows, total = paging.of_query(session, query, window)
        return paging.Page([views.person(r) for r in rows], total, window.offset, window.limit)


def test_a_page_of_people_in_plain_sql_is_the_orm_listing(demo: Store) -> None:
    everyone = people_list.people_page(demo, paging.Window(5_000, 0))
    assert everyone.total == len(everyone) > 2_000
    tagged = next(p for p in everyone if p.tags)
    at_org = next(p for p in everyone if p.organization and p.emails and p.phones)
    assert any(len(p.emails) > 1 or len(p.tags) > 1 for p in everyone)  # lists keep their order
    for wanted in ({}, {"tag": tagged.tags[0]}, {"org": f"{at_org.organization}"}):
        whole = _orm_page(demo, paging.Window(5_000, 0), **wanted)
        for window in (paging.Window(), paging.Window(7, 13), paging.Window(50, whole.total - 3)):
            found = people_list.people_page(
                demo, window, tag=wanted.get("tag"), organization=wanted.get("org")
            )
            assert found == _orm_page(demo, window, **wanted), (wanted, window)
        assert people_list.list_people(
            demo, tag=wanted.get("tag"), organization=wanted.get("org")
        ) == list(whole)
    assert people_list.list_people(demo, limit=3) == everyone.items[:3]


def test_the_cli_prints_the_services_pages_as_json_and_as_tables(
    demo: Store, cli: Cli, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    page = people_list.people_page(demo, paging.Window(40, 20))
    listed = cli("person", "list", "--json", "--limit", "40", "--offset", "20")
    assert json.loads(listed.out) == [views.as_json(p) for p in page]
    table = cli("person", "list", "--limit", "40", "--offset", "20")
    assert [int(i) for i in re.findall(r"^│ +(\d+) │", table.out, re.M)] == [p.id for p in page]
    assert f"21–60 of {page.total:,} people" in table.out

    due = plan.page(demo, limit=0, today=TODAY)
    shown = cli("due", "--all", "--json")
    assert json.loads(shown.out) == [views.as_json(views.plan_item(i)) for i in due.items]
    week = cli("due")
    ids = [int(i) for i in re.findall(r"^ +\d+\. .* \(#(\d+)\),", week.out, re.M)]
    assert ids == [i.id for i in plan.page(demo, today=TODAY).items]
