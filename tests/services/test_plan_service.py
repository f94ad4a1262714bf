"""The weekly plan through the store: the database filter, capacity, pages, the calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest
import vobject

from whoknows.config import Settings
from whoknows.core.followups import Tier
from whoknows.core.plan import plan as make_plan
from whoknows.demo.build import build_demo
from whoknows.errors import UserError
from whoknows.services import calendar, plan, reach, refs
from whoknows.services.store import Store
from whoknows.storage import plan_rows

TODAY = dt.date(2026, 3, 4)  # a Wednesday
NOW = dt.datetime(2026, 3, 4, 8, 30, tzinfo=dt.UTC)


def _open(folder: Path) -> Store:
    return Store(
        Settings(
            database_url=f"sqlite:///{folder / 'demo.db'}",
            data_dir=folder,
            config_dir=folder / "config",
        )
    )


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo with its features (referrals, thanks owed, events), built once."""
    folder = tmp_path_factory.mktemp("plan")
    with _open(folder) as store:
        build_demo(store, "small", 7, today=TODAY)
    return folder


@pytest.fixture
def demo(demo_folder: Path) -> Iterator[Store]:
    (demo_folder / "config").mkdir(exist_ok=True)
    (demo_folder / "config" / "config.toml").unlink(missing_ok=True)
    with _open(demo_folder) as store:
        yield store


def _configure(store: Store, text: str) -> None:
    (store.settings.config_dir / "config.toml").write_text(text, encoding="utf-8")


def _unfiltered(store: Store, today: dt.date, within: int) -> tuple[list[int], list[int]]:
    """The plan made from everyone I have logged anything with: no filter in the database."""
    settings = plan.rules(store.settings)
    with store.plain() as reader:
        me_id = refs.person_id(reader, store.owner_id, "me")
        owed = plan.obligations(reader, store.owner_id, me_id)
        everyone = plan._relations(
            reader,
            store.owner_id,
            me_id,
            plan_rows.in_touch(store.owner_id, me_id),
            {o.person_id for o in owed},
        )
    found = make_plan(
        everyone,
        owed,
        reach.advocate_scores(store, today=today),
        today=today,
        within=within,
        rules=settings,
    )
    return [i.id for i in found.items], [i.id for i in found.reconnect]


@pytest.mark.parametrize(
    "config",
    [
        "",
        "[cadence]\nconnected = 0\nlapse = 0\n",
        "[cadence]\nmet = 10\nsecond-touch = 5\nadvocate = 7\ntrusted = 400\n",
    ],
    ids=["defaults", "rules off", "other cadences"],
)
def test_the_database_filter_leaves_out_nobody_the_rules_would_plan(
    demo: Store, config: str
) -> None:
    _configure(demo, config)
    for today in (TODAY, TODAY + dt.timedelta(days=45), TODAY + dt.timedelta(days=400)):
        for within in (0, 7, 60):
            found = plan.build(demo, within_days=within, today=today)
            expected = _unfiltered(demo, today, within)
            assert ([i.id for i in found.items], [i.id for i in found.reconnect]) == expected


def test_by_default_a_weeks_worth_shows_the_referral_thank_yous_first(demo: Store) -> None:
    page = plan.page(demo, today=TODAY)
    assert page.capacity == 10
    assert 0 < len(page.items) <= 10
    assert page.total > len(page.items)
    assert page.more == page.total - len(page.items)
    assert page.items[0].tier is Tier.OWED
    assert page.items[0].reasons[0].kind == "thank-referral"
    tiers = [i.tier for i in page.items]
    assert tiers == sorted(tiers)


def test_pages_follow_on_and_the_reconnect_list_is_apart(demo: Store) -> None:
    whole = plan.page(demo, limit=0, today=TODAY)
    assert len(whole.items) == whole.total
    second = plan.page(demo, limit=5, offset=5, today=TODAY)
    assert second.items == whole.items[5:10]
    assert second.more == whole.total - 10
    lapsed = plan.page(demo, reconnect=True, limit=0, today=TODAY)
    assert lapsed.total == whole.reconnect
    assert {i.id for i in lapsed.items}.isdisjoint({i.id for i in whole.items})
    assert all(i.tier is Tier.RECONNECT for i in lapsed.items)


def test_the_weeks_capacity_is_a_setting(demo: Store) -> None:
    _configure(demo, "[plan]\ncapacity = 3\n")
    page = plan.page(demo, today=TODAY)
    assert (page.capacity, len(page.items)) == (3, 3)
    assert len(plan.page(demo, limit=7, today=TODAY).items) == 7  # asked for: shown


@pytest.mark.parametrize("value", ["0", "-2", "true", '"ten"', "100000"])
def test_a_bad_capacity_is_a_clear_error(demo: Store, value: str) -> None:
    _configure(demo, f"[plan]\ncapacity = {value}\n")
    with pytest.raises(UserError, match=r"\[plan\] capacity"):
        plan.page(demo, today=TODAY)


def test_bad_paging_is_a_clear_error(demo: Store) -> None:
    with pytest.raises(UserError, match="offset=-1 is out of range"):
        plan.page(demo, offset=-1, today=TODAY)
    with pytest.raises(UserError, match="limit=-1 is out of range"):
        plan.page(demo, limit=-1, today=TODAY)


def test_the_calendar_schedules_the_weeks_plan_as_events_every_app_shows(demo: Store) -> None:
    data = calendar.feed(demo, today=TODAY, now=NOW, kind="events")
    parsed = icalendar.Calendar.from_ical(data)
    events = list(parsed.walk("VEVENT"))
    assert list(parsed.walk("VTODO")) == []
    week = plan.page(demo, today=TODAY).items
    assert len(events) == len(week) == 10
    for event, item in zip(events, week, strict=True):
        day = event.decoded("DTSTART")
        assert type(day) is dt.date  # all day, no time zone to get wrong
        assert event.decoded("DTEND") == day + dt.timedelta(days=1)
        assert TODAY <= day < TODAY + dt.timedelta(days=7)
        assert day.weekday() < 5
        assert str(event["SUMMARY"]).endswith(f": {item.name}")
        assert str(event["TRANSP"]) == "TRANSPARENT"
        assert str(event["UID"]) == f"followup-1-{item.id}-event@{calendar.UID_DOMAIN}"
    again = vobject.readOne(data.decode("utf-8"))
    assert len(again.contents["vevent"]) == 10


def test_both_shapes_by_default_and_a_bad_kind_is_a_clear_error(demo: Store) -> None:
    parsed = icalendar.Calendar.from_ical(calendar.feed(demo, today=TODAY, now=NOW))
    assert len(list(parsed.walk("VEVENT"))) == 10
    assert len(list(parsed.walk("VTODO"))) == plan.page(demo, limit=0, today=TODAY).total
    todos = icalendar.Calendar.from_ical(calendar.feed(demo, today=TODAY, now=NOW, kind="todos"))
    assert list(todos.walk("VEVENT")) == []
    with pytest.raises(UserError, match="calendar kind"):
        calendar.feed(demo, today=TODAY, now=NOW, kind="tasks")
