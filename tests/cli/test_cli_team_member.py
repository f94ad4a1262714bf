"""`whoknows team share|private|block|preview|join|push` as a member types them."""

from __future__ import annotations

import json

from clirun import Cli


def _network(cli: Cli) -> None:
    cli("me", "Sam Member", "--email", "sam@firm.com")
    cli("person", "add", "Jane Doe", "--email", "jane@acme.com", "--org", "Acme", "--role", "CFO")
    cli("person", "add", "Bob Roe", "--email", "bob@globex.com", "--org", "Globex")
    cli("person", "add", "Carl Sea", "--email", "carl@initech.com", "--org", "Initech")
    cli("person", "add", "Dee Far", "--email", "dee@far.com")
    for name in ("Jane Doe", "Bob Roe", "Carl Sea"):
        cli("know", "Sam Member", name, "--strength", "0.8")


def test_share_shows_and_sets_the_level(cli: Cli) -> None:
    assert "Sharing level: who" in cli("team", "share").out
    assert cli("team", "share", "--level", "name").code == 0
    assert json.loads(cli("team", "share", "--json").out)["level"] == "name"
    bad = cli("team", "share", "--level", "all")
    assert bad.code == 2
    assert "not one of nothing, who, name" in bad.err
    assert len(bad.err.strip().splitlines()) == 1


def test_the_preview_shows_what_colleagues_see_and_counts_the_rest(cli: Cli) -> None:
    _network(cli)
    assert cli("team", "private", "Carl").code == 0
    assert cli("team", "block", "GLOBEX").code == 0
    shown = cli("team", "preview")
    assert shown.code == 0
    assert "a CFO at Acme" in shown.out
    assert "1 shared; 1 no tie; 1 private; 1 blocked" in shown.out
    assert "Jane" not in shown.out
    printed = cli("team", "preview", "--json").out
    assert "Jane" not in printed  # level who: no name in the bytes
    preview = json.loads(printed)
    assert preview["counts"]["shared"] == 1
    assert [c["seen_as"] for c in preview["contacts"]] == ["a CFO at Acme"]
    named = json.loads(cli("team", "preview", "--json", "--level", "name").out)
    assert named["contacts"][0]["name"] == "Jane Doe"


def test_private_and_block_can_be_undone_and_listed(cli: Cli) -> None:
    _network(cli)
    cli("team", "private", "Carl")
    cli("team", "block", "Globex")
    assert cli("team", "block", "--list").out.strip() == "Globex"
    assert "shared again" in cli("team", "private", "Carl", "--off").out
    assert "no longer blocked" in cli("team", "block", "globex, inc.", "--off").out
    assert json.loads(cli("team", "block", "--list", "--json").out) == []
    assert json.loads(cli("team", "preview", "--json").out)["counts"]["shared"] == 3
    missing = cli("team", "block", "Nowhere", "--off")
    assert missing.code == 2
    assert "is not blocked" in missing.err
    assert cli("team", "private", "Nobody At All").code == 2


def test_push_before_joining_says_how_to_join(cli: Cli) -> None:
    _network(cli)
    ran = cli("team", "push")
    assert ran.code == 2
    assert "has not joined a team server" in ran.err
    assert "whoknows team join" in ran.err


def test_join_refuses_what_is_not_a_server_address(cli: Cli) -> None:
    ran = cli("team", "join", "team.example.com", "--token", "t")
    assert ran.code == 2
    assert "is not a URL" in ran.err


def test_join_says_in_one_line_when_the_server_is_unreachable(cli: Cli) -> None:
    ran = cli("team", "join", "http://127.0.0.1:9", "--token", "t")
    assert ran.code == 4
    assert "cannot be reached" in ran.err
    assert len(ran.err.strip().splitlines()) == 1
