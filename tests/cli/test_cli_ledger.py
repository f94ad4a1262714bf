"""give, got, balance, intro … and suggest from the command line (exit codes, JSON shapes)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from clirun import Cli

TODAY = dt.date.today()


def _ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


def _ok(cli: Cli, *args: str) -> str:
    ran = cli(*args)
    assert ran.code == 0, (args, ran.err)
    return ran.out


def _network(cli: Cli) -> None:
    _ok(cli, "me", "Sam Stone", "--email", "sam@example.com")
    for name, extra in (
        ("Priya Shah", ["--asks", "looking for a bookkeeper", "--email", "priya@example.com"]),
        ("Ben Ode", ["--offers", "bookkeeping and payroll for small firms"]),
        ("Lea Marx", ["--offers", "bookkeeping for start-ups"]),
    ):
        _ok(cli, "person", "add", name, "--trust", "4", *extra)
    for days in (500, 200, 30):
        _ok(cli, "log", "coffee", "Priya", "Ben", "Lea", "--date", _ago(days))
    _ok(cli, "person", "add", "Omar Haddad")
    _ok(cli, "log", "event", "Omar", "--date", _ago(2))


def test_intro_with_someone_met_two_days_ago_exits_3_naming_them_and_writes_nothing(
    cli: Cli,
) -> None:
    _network(cli)
    ran = cli("intro", "Priya", "Omar", "--why", "he might need her")
    assert ran.code == 3
    assert "Omar Haddad: you met them 2 days ago (under 90 days)" in ran.err
    assert "--force" in ran.err
    assert json.loads(_ok(cli, "intro", "list", "--json")) == []
    forced = json.loads(_ok(cli, "intro", "Priya", "Omar", "--force", "--json"))
    assert forced["state"] == "proposed"
    assert forced["forced"] is True
    assert forced["warnings"]


def test_a_full_double_opt_in_run_from_the_command_line(cli: Cli, tmp_path: Path) -> None:
    _network(cli)
    out = _ok(cli, "intro", "propose", "Priya", "Ben", "--why", "she needs a bookkeeper")
    assert "Introduction #1: Priya Shah and Ben Ode" in out
    asked = _ok(cli, "intro", "ask", "1", "--out", str(tmp_path))
    assert "Subject: Would you like an introduction to Ben Ode?" in asked
    assert len(list(tmp_path.glob("*.eml"))) == 2
    _ok(cli, "intro", "accept", "1", "A")
    assert "Both said yes" in _ok(cli, "intro", "accept", "1", "B")
    made = json.loads(_ok(cli, "intro", "make", "1", "--json"))
    assert made["introduction"]["state"] == "made"
    assert made["drafts"][0]["subject"] == "Introduction: Priya Shah, meet Ben Ode"
    assert {p["name"] for p in json.loads(_ok(cli, "balance", "--json"))["people"]} == {
        "Priya Shah",
        "Ben Ode",
    }
    _ok(cli, "intro", "outcome", "1", "bad", "--note", "no show")
    listed = json.loads(_ok(cli, "intro", "list", "--state", "made", "--json"))
    assert [(i["id"], i["outcome"]) for i in listed] == [(1, "bad")]
    again = cli("intro", "Ben", "Lea")
    assert again.code == 3
    assert "Ben Ode: your introduction of them to Priya Shah" in again.err


def test_intro_request_asks_someone_i_know_to_introduce_me(cli: Cli) -> None:
    _network(cli)
    refused = cli("intro", "request", "Omar", "Ben")
    assert refused.code == 3, "asking a favour of someone met two days ago: the guard"
    assert "Omar Haddad" in refused.err
    said = _ok(cli, "intro", "request", "Omar", "Lea", "--force")
    assert "through Omar Haddad — proposed" in said
    asked = json.loads(_ok(cli, "intro", "request", "Priya", "Ben", "--why", "payroll", "--json"))
    assert asked["introducer"]["name"] == "Priya Shah"
    assert (asked["a"]["name"], asked["a_accepted"]) == ("Sam Stone", True)
    listed = json.loads(_ok(cli, "intro", "list", "--json"))
    assert sorted(i["introducer"]["name"] for i in listed) == ["Omar Haddad", "Priya Shah"]
    drafts = json.loads(_ok(cli, "intro", "ask", str(asked["id"]), "--json"))
    assert [d["subject"] for d in drafts["drafts"]] == ["Would you introduce me to Ben Ode?"]


def test_a_draft_to_someone_without_email_says_so_when_it_is_made(cli: Cli) -> None:
    _network(cli)
    _ok(cli, "intro", "propose", "Priya", "Ben")
    ran = cli("intro", "ask", "1")
    assert ran.code == 0, ran.err
    assert "warning: Ben Ode has no email" in ran.err
    assert "Priya Shah has no email" not in ran.err
    _ok(cli, "intro", "accept", "1", "A")
    _ok(cli, "intro", "accept", "1", "B")
    made = cli("intro", "make", "1", "--json")
    assert "warning: Ben Ode has no email" in made.err
    assert json.loads(made.out)["drafts"][0]["missing_email"] == ["Ben Ode"]


def test_suggest_holds_back_what_the_guard_would_refuse(cli: Cli) -> None:
    _network(cli)
    _ok(cli, "person", "edit", "Omar", "--offers", "bookkeeping and payroll")
    out = _ok(cli, "suggest")
    assert "Omar" not in out.split("held back")[0]
    assert "held back by the reputation guard: whoknows suggest --held" in out
    held = _ok(cli, "suggest", "--held")
    assert "the guard: Omar Haddad: you met them 2 days ago" in held


def test_an_illegal_transition_exits_2(cli: Cli) -> None:
    _network(cli)
    _ok(cli, "intro", "Priya", "Ben")
    ran = cli("intro", "make", "1")
    assert ran.code == 2
    assert "introduction #1 is proposed: it cannot be made" in ran.err


def test_balance_json_has_the_documented_shape_and_flags(cli: Cli) -> None:
    _network(cli)
    for i in range(12):
        _ok(cli, "give", ("Priya", "Ben", "Lea")[i % 3], "help", "--date", _ago(3 + 14 * i))
    _ok(cli, "got", "Lea", "referral", "--value", "4000", "--date", _ago(5))
    answer = json.loads(_ok(cli, "balance", "--json"))
    assert {"given", "received", "flags", "people"} <= set(answer)
    assert (answer["given"], answer["received"]) == (12, 1)
    kinds = {(f["kind"], f["person"]["name"] if f["person"] else None) for f in answer["flags"]}
    assert ("give, give, give", None) in kinds
    assert ("to thank", "Lea Marx") in kinds
    assert all(set(f) >= {"kind", "person", "reason"} for f in answer["flags"])
    text = _ok(cli, "balance")
    assert "you gave 12" in text
    assert "give, give, give:" in text
    one = json.loads(_ok(cli, "balance", "Lea", "--json"))
    assert one["person"]["name"] == "Lea Marx"
    assert [x["kind"] for x in one["exchanges"]][-1] == "referral"


def test_give_and_got_refuse_an_unknown_kind_with_exit_2(cli: Cli) -> None:
    _network(cli)
    ran = cli("give", "Priya", "flowers")
    assert ran.code == 2
    assert "kind 'flowers' is not known" in ran.err
    gave = json.loads(_ok(cli, "give", "Priya", "introduction", "--to", "Ben", "--json"))
    assert (gave["receiver"]["name"], gave["other"]["name"]) == ("Priya Shah", "Ben Ode")


def test_suggest_matches_different_words_and_never_a_pair_that_already_know_each_other(
    cli: Cli,
) -> None:
    _network(cli)
    found = json.loads(_ok(cli, "suggest", "--json"))
    pairs = [{s["a"]["name"], s["b"]["name"]} for s in found]
    assert {"Priya Shah", "Ben Ode"} in pairs
    first = found[0]
    assert first["explanation"].startswith("Priya Shah is looking for a bookkeeper;")
    assert "whoknows intro" in first["command"]
    _ok(cli, "know", "Priya", "Ben")
    after = [{s["a"]["name"], s["b"]["name"]} for s in json.loads(_ok(cli, "suggest", "--json"))]
    assert {"Priya Shah", "Ben Ode"} not in after
    assert {"Priya Shah", "Lea Marx"} in after
    _ok(cli, "intro", "Priya", "Lea")
    assert "Lea Marx" not in _ok(cli, "suggest")
