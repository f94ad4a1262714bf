"""The follow-up feed: RFC 5545 to-dos that two parsers read, holding exactly who is due."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest
import vobject

from whoknows.errors import UserError
from whoknows.services import calendar, events, followups, network, people
from whoknows.services.people import PersonInput
from whoknows.services.store import Store

TODAY = dt.date(2026, 3, 10)
NOW = dt.datetime(2026, 3, 10, 8, 30, tzinfo=dt.UTC)


def _network(store: Store) -> None:
    """Four people met a week ago; Ada is followed up, Ben snoozed, Zoë and Émile are due."""
    people.set_me(store, PersonInput(name="Sam"))
    events.add_event(store, "Leeds Breakfast Club", TODAY - dt.timedelta(days=7))
    events.met(store, "Leeds Breakfast Club", ["Ada", "Ben", "Zoë Adler", "Émile; Brun, Jr."])
    network.log(store, "email", ["Ada"], on=TODAY - dt.timedelta(days=1))
    followups.snooze(store, "Ben", 3, today=TODAY)


def test_the_feed_parses_with_icalendar_and_vobject_and_holds_exactly_the_due(
    store: Store,
) -> None:
    _network(store)
    due = followups.due(store, today=TODAY)
    data = calendar.feed(store, today=TODAY, now=NOW)

    parsed = icalendar.Calendar.from_ical(data)
    todos = list(parsed.walk("VTODO"))
    assert parsed["VERSION"] == "2.0"
    assert parsed["PRODID"].startswith("-//whoknows//")
    names = {str(t["SUMMARY"]).rsplit(": ", 1)[1] for t in todos}
    assert names == {i.name for i in due} == {"Zoë Adler", "Émile; Brun, Jr."}
    for todo in todos:
        assert todo.decoded("DUE") == TODAY - dt.timedelta(days=4)
        assert todo.decoded("DTSTAMP") == NOW
        assert "met at Leeds Breakfast Club" in str(todo["DESCRIPTION"])
        assert str(todo["SUMMARY"]).startswith("Follow up")

    other = vobject.readOne(data.decode("utf-8"))
    second = other.contents["vtodo"]
    assert {t.uid.value for t in second} == {str(t["UID"]) for t in todos}
    assert {t.summary.value.rsplit(": ", 1)[1] for t in second} == names
    assert {t.due.value for t in second} == {TODAY - dt.timedelta(days=4)}


def test_uids_are_stable_from_one_export_to_the_next(store: Store) -> None:
    _network(store)
    first = icalendar.Calendar.from_ical(calendar.feed(store, today=TODAY, now=NOW))
    later = TODAY + dt.timedelta(days=1)
    second = icalendar.Calendar.from_ical(calendar.feed(store, today=later, now=NOW))
    uids = [str(t["UID"]) for t in first.walk("VTODO")]
    assert sorted(uids) == sorted(str(t["UID"]) for t in second.walk("VTODO"))
    assert len(set(uids)) == len(uids) == 2
    assert all(uid.startswith("followup-1-") for uid in uids)


def test_an_empty_queue_is_a_valid_empty_calendar(store: Store) -> None:
    people.set_me(store, PersonInput(name="Sam"))
    parsed = icalendar.Calendar.from_ical(calendar.feed(store, today=TODAY, now=NOW))
    assert list(parsed.walk("VTODO")) == []


def test_export_writes_the_same_bytes_as_the_feed_and_replaces_the_file(
    store: Store, tmp_path: Path
) -> None:
    _network(store)
    target = tmp_path / "feeds" / "followups.ics"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    assert calendar.export(store, target, today=TODAY, now=NOW) == (2, 2)  # people, events
    assert target.read_bytes() == calendar.feed(store, today=TODAY, now=NOW)
    assert [p.name for p in target.parent.iterdir()] == ["followups.ics"]  # no temporary left


def test_export_into_a_missing_folder_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    _network(store)
    with pytest.raises(UserError, match="does not exist"):
        calendar.export(store, tmp_path / "nope" / "f.ics", today=TODAY, now=NOW)
