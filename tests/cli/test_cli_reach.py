"""path, advocates, prospects, icp and who-knows from the command line (JSON shapes of §7)."""

from __future__ import annotations

import json

from clirun import Cli


def _network(cli: Cli) -> None:
    for args in (
        ["me", "Sam"],
        ["org", "add", "Ferro", "--industry", "Manufacturing", "--size", "120"],
        ["person", "add", "Dana", "--serves", "family-owned manufacturers", "--trust", "4"],
        ["person", "add", "Omar", "--org", "Ferro", "--role", "CFO"],
        ["person", "add", "Ben"],
        ["log", "coffee", "Dana", "--date", "2026-11-01"],
        ["log", "call", "Ben", "--date", "2026-10-01"],
        ["know", "Dana", "Omar", "--strength", "0.8"],
        ["know", "Ben", "Omar", "--strength", "0.3"],
        ["icp", "set", "--industry", "manufacturing", "--role", "CFO", "--org-size", "50:500"],
    ):
        ran = cli(*args)
        assert ran.code == 0, (args, ran.err)


def test_path_json_has_the_documented_shape(cli: Cli) -> None:
    _network(cli)
    ran = cli("path", "Omar", "--json")
    assert ran.code == 0, ran.err
    answer = json.loads(ran.out)
    assert answer["target"]["name"] == "Omar"
    first = answer["paths"][0]
    assert [p["name"] for p in first["people"]] == ["Sam", "Dana", "Omar"]
    assert set(first["people"][0]) == {"id", "name"}
    assert 0 < first["strength"] <= 0.8
    assert first["explanation"].startswith("you know Dana (")
    assert "Dana knows Omar, CFO at Ferro: " in first["explanation"]
    assert [p["people"][1]["name"] for p in answer["paths"]] == ["Dana", "Ben"]


def test_path_to_the_ideal_clients_and_an_organization(cli: Cli) -> None:
    _network(cli)
    for target in ("icp", "org:Ferro"):
        answer = json.loads(cli("path", target, "--json", "--top", "1").out)
        assert [p["name"] for p in answer["paths"][0]["people"]][-1] == "Omar"


def test_an_unreachable_person_exits_0_and_says_so(cli: Cli) -> None:
    _network(cli)
    cli("person", "add", "Hermit")
    ran = cli("path", "Hermit")
    assert ran.code == 0
    assert "No warm path to Hermit" in ran.out


def test_advocates_json_shows_score_parts_and_reach(cli: Cli) -> None:
    _network(cli)
    ranked = json.loads(cli("advocates", "--json").out)
    assert ranked[0]["name"] == "Dana"
    assert ranked[0]["reaches"] == 1
    assert set(ranked[0]) >= {"id", "name", "score", "parts", "reaches"}
    assert abs(sum(ranked[0]["parts"].values()) - ranked[0]["score"]) < 1e-3
    assert cli("advocates", "--potential", "--json").code == 0


def test_icp_show_prospects_and_who_knows(cli: Cli) -> None:
    _network(cli)
    shown = json.loads(cli("icp", "show", "--json").out)
    assert shown["roles"] == ["CFO"]
    assert shown["min_org_size"] == 50
    found = json.loads(cli("prospects", "--json").out)
    assert [p["name"] for p in found] == ["Omar"]
    assert found[0]["advocate"]["name"] == "Dana"
    knows = json.loads(cli("who-knows", "Ferro", "--json").out)
    assert [k["name"] for k in knows] == ["Dana", "Ben"]


def test_a_bad_org_size_or_hop_limit_is_bad_input(cli: Cli) -> None:
    _network(cli)
    assert cli("icp", "set", "--org-size", "500:50").code == 2
    assert cli("icp", "set").code == 2
    assert cli("path", "Omar", "--max-hops", "0").code == 2
