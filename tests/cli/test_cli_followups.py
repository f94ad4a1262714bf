"""due, done, snooze, cadence, calendar export, brief and event followup from the command line."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import icalendar
import pytest
import vobject

from clirun import Cli

TODAY = dt.date.today()
MET_ON = (TODAY - dt.timedelta(days=5)).isoformat()


def _ok(cli: Cli, *args: str) -> str:
    ran = cli(*args)
    assert ran.code == 0, (args, ran.err)
    return ran.out


def _event(cli: Cli) -> None:
    for args in (
        ["me", "Sam Jones", "--email", "sam@jones.test"],
        ["event", "add", "Leeds Breakfast Club", "--date", MET_ON, "--place", "Corn Exchange"],
        ["event", "met", "Leeds Breakfast Club", "Ada <ada@a.test>", "Ben", "[bold]Carl[/]"],
        ["event", "met", "Leeds Breakfast Club", "Priya Shah <p@shah.test> @Shah / Partner"],
        ["event", "met", "Leeds Breakfast Club", "Omar Khan", "--giver"],
    ):
        _ok(cli, *args)


def test_due_json_has_the_documented_shape(cli: Cli) -> None:
    _event(cli)
    items = json.loads(_ok(cli, "due", "--json"))
    assert len(items) == 5
    assert set(items[0]) >= {"id", "name", "due", "overdue_days", "reason", "action"}
    assert {i["due"] for i in items} == {(TODAY - dt.timedelta(days=2)).isoformat()}
    assert {i["overdue_days"] for i in items} == {2}
    assert all(isinstance(i["id"], int) for i in items)
    assert "[bold]Carl[/]" in _ok(cli, "due")  # names are not Rich markup


def test_due_is_a_weeks_plan_that_pages_and_says_what_it_leaves_out(cli: Cli) -> None:
    _event(cli)
    config = Path(os.environ["WHOKNOWS_CONFIG_DIR"]) / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[plan]\ncapacity = 2\n", encoding="utf-8")
    out = _ok(cli, "due")
    assert "Your plan: 1–2 of 5 follow-ups (a week holds 2)" in out
    assert out.count("late: follow up") == 2
    assert "3 more: whoknows due --offset 2 (or --all)" in out
    ran = cli("due", "--json")
    assert len(json.loads(ran.out)) == 2
    assert "3 more: whoknows due --offset 2" in ran.err  # stdout stays a JSON array
    first_two = [i["id"] for i in json.loads(ran.out)]
    rest = [i["id"] for i in json.loads(_ok(cli, "due", "--json", "--offset", "2", "--all"))]
    everyone = [i["id"] for i in json.loads(_ok(cli, "due", "--json", "--all"))]
    assert first_two + rest == everyone
    assert len(json.loads(_ok(cli, "due", "--json", "--top", "4"))) == 4
    assert "Omar Khan" in out.split("\n")[3]  # the giver first, under "After an event"
    assert "After an event" in out
    assert json.loads(_ok(cli, "due", "--json", "--reconnect")) == []
    assert "Nobody to reconnect with" in _ok(cli, "due", "--reconnect")


def test_done_snooze_and_cadence_take_people_off_the_list(cli: Cli) -> None:
    _event(cli)
    out = _ok(cli, "done", "Ada", "--note", "Sent a note", "--kind", "email")
    assert "Followed up with Ada" in out
    assert "next follow-up due" in out
    assert "Ben is snoozed until" in _ok(cli, "snooze", "Ben", "7")
    assert "every 30 days" in _ok(cli, "cadence", "Priya", "30")
    names = {i["name"] for i in json.loads(_ok(cli, "due", "--json"))}
    assert names == {"[bold]Carl[/]", "Priya Shah", "Omar Khan"}
    assert json.loads(_ok(cli, "done", "Omar", "--json", "--date", TODAY.isoformat()))["kind"] == (
        "message"
    )


def test_bad_follow_up_input_exits_2_and_changes_nothing(cli: Cli) -> None:
    _event(cli)
    before = _ok(cli, "due", "--json")
    for args in (
        ["snooze", "Ben", "-3"],
        ["cadence", "Ben", "100000"],
        ["done", "Nobody"],
        ["done", "Ben", "--kind", "event"],
        ["due", "--within", "-1"],
        ["done", "Ben", "--date", "yesterday"],
    ):
        ran = cli(*args)
        assert ran.code == 2, (args, ran)
        assert ran.err.startswith("whoknows: error:")
    assert _ok(cli, "due", "--json") == before


def test_calendar_export_writes_the_due_people(cli: Cli, tmp_path: Path) -> None:
    _event(cli)
    _ok(cli, "done", "Ada")
    target = tmp_path / "followups.ics"
    assert "Wrote 4 follow-ups" in _ok(cli, "calendar", "export", str(target))
    data = target.read_bytes()
    summaries = {str(t["SUMMARY"]) for t in icalendar.Calendar.from_ical(data).walk("VTODO")}
    assert len(summaries) == 4
    assert not any("Ada" in s for s in summaries)
    assert len(vobject.readOne(data.decode()).contents["vtodo"]) == 4


def test_event_followup_lists_drafts_givers_first_and_writes_eml(cli: Cli, tmp_path: Path) -> None:
    _event(cli)
    answer = json.loads(_ok(cli, "event", "followup", "Breakfast", "--json"))
    assert answer["event"]["name"] == "Leeds Breakfast Club"
    assert answer["people"][0]["name"] == "Omar Khan"
    assert [p["gets_it"] for p in answer["people"]] == [True, False, False, False, False]
    assert all("Leeds Breakfast Club" in p["subject"] for p in answer["people"])
    shown = _ok(cli, "event", "followup", "Breakfast")
    assert "Dear Omar," in shown
    assert "[bold]Carl[/]" in shown
    out = tmp_path / "drafts"
    _ok(cli, "event", "followup", "Breakfast", "--out", str(out))
    assert len(list(out.glob("*.eml"))) == 5


def _brief(cli: Cli) -> None:
    _ok(cli, "me", "Sam Jones", "--role", "CFO")
    _ok(cli, "person", "add", "Dana")
    _ok(
        cli,
        "brief",
        "set",
        "--offer",
        "Fractional CFO",
        "--problems",
        "Cash surprises",
        "--for-whom",
        "Manufacturers",
        "--results",
        "A forecast in a month",
        "--wanted-intros",
        "Ferro Ltd",
        "--wanted-intros",
        "Plant managers in Leeds",
    )


def test_brief_set_show_render_and_sent(cli: Cli, tmp_path: Path) -> None:
    _brief(cli)
    shown = json.loads(_ok(cli, "brief", "show", "--json"))
    assert shown["version"] == 1
    assert shown["intros"] == ["Ferro Ltd", "Plant managers in Leeds"]
    assert "Dana now has version 1" in _ok(cli, "brief", "sent", "Dana")
    assert "already has version 1" in _ok(cli, "brief", "sent", "Dana")
    _ok(cli, "brief", "set", "--results", "Cash released")
    holders = json.loads(_ok(cli, "brief", "show", "--json"))["holders"]
    assert holders == [
        {"id": 2, "name": "Dana", "version": 1, "sent_on": TODAY.isoformat(), "current": False}
    ]
    assert "How could I help you?" in _ok(cli, "brief", "render")
    page = tmp_path / "brief.html"
    _ok(cli, "brief", "render", "--format", "html", "--out", str(page))
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert cli("brief", "render", "--format", "pdf").code == 2


def test_brief_edit_opens_the_editor_and_a_broken_edit_saves_nothing(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _brief(cli)
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[-1])\n"
        "p.write_text(p.read_text().replace(sys.argv[1], sys.argv[2]))\n",
        encoding="utf-8",
    )
    editor = f"{sys.executable} {script}"
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{editor} 'Cash surprises' 'Late payers'")
    assert "version 2" in _ok(cli, "brief", "edit")
    assert json.loads(_ok(cli, "brief", "show", "--json"))["problems"] == "Late payers"
    monkeypatch.setenv("EDITOR", f"{editor} '## For whom' '## Whom'")
    ran = cli("brief", "edit")
    assert ran.code == 2
    assert "unknown section" in ran.err
    assert json.loads(_ok(cli, "brief", "show", "--json"))["version"] == 2
    monkeypatch.setenv("EDITOR", "true")
    assert "Nothing changed" in _ok(cli, "brief", "edit")
