"""The foundation scenario, as a user types it, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from clirun import Cli


def _setup(cli: Cli) -> None:
    assert cli("me", "Sam Rivera", "--email", "Sam@Rivera.test").code == 0
    assert cli("org", "add", "Acme", "--domain", "acme.test", "--size", "120").code == 0
    assert cli("org", "add", "Gamma Labs", "--industry", "biotech").code == 0
    assert (
        cli(
            "person",
            "add",
            "Dana Okafor",
            "--email",
            "Dana@ACME.test",
            "--phone",
            "+1 (415) 555-2671",
            "--org",
            "Acme",
            "--role",
            "COO",
            "--tag",
            "cfo",
        ).code
        == 0
    )
    assert cli("person", "add", "Dana Li", "--email", "dana.li@beta.test").code == 0
    assert (
        cli(
            "person", "add", "Priya Shah", "--org", "Gamma Labs", "--phone", "+44 20 7946 0958"
        ).code
        == 0
    )


def test_people_come_back_with_normalized_emails_and_phones(cli: Cli) -> None:
    _setup(cli)
    ran = cli("person", "list", "--json")
    assert ran.code == 0
    people = {p["name"]: p for p in json.loads(ran.out)}
    assert set(people) == {"Sam Rivera", "Dana Okafor", "Dana Li", "Priya Shah"}
    dana = people["Dana Okafor"]
    assert dana["emails"] == ["dana@acme.test"]
    assert dana["phones"] == ["+14155552671"]
    assert dana["organization"] == "Acme"
    assert dana["tags"] == ["cfo"]
    assert people["Priya Shah"]["phones"] == ["+442079460958"]
    for key in (
        "id",
        "name",
        "emails",
        "phones",
        "organization",
        "role",
        "industry",
        "city",
        "tags",
        "stage",
    ):
        assert key in dana


def test_show_finds_a_person_by_email(cli: Cli) -> None:
    _setup(cli)
    ran = cli("person", "show", "DANA@acme.test", "--json")
    assert ran.code == 0, ran.err
    shown = json.loads(ran.out)
    assert shown["name"] == "Dana Okafor"
    assert shown["role"] == "COO"


def test_an_ambiguous_name_exits_2_listing_the_candidates(cli: Cli) -> None:
    _setup(cli)
    ran = cli("person", "show", "dana")
    assert ran.code == 2
    assert ran.out == ""
    assert len(ran.err.strip().splitlines()) == 1
    assert "Dana Okafor" in ran.err
    assert "Dana Li" in ran.err


def test_know_log_and_event_met_build_the_network(cli: Cli) -> None:
    _setup(cli)
    assert (
        cli("know", "Dana Okafor", "Priya", "--strength", "0.8", "--source", "colleague").code == 0
    )
    ran = cli(
        "log", "coffee", "Dana Okafor", "Priya", "--date", "2026-10-01", "--note", "intro chat"
    )
    assert ran.code == 0, ran.err
    assert (
        cli("event", "add", "Chamber breakfast", "--date", "2026-11-20", "--place", "Hall").code
        == 0
    )
    ran = cli(
        "event",
        "met",
        "Chamber breakfast",
        "Tomás Ruiz <Tomas@Gamma.test> @Gamma Labs / CFO",
        "dana.li@beta.test",
        "--giver",
    )
    assert ran.code == 0, ran.err
    event = json.loads(cli("event", "show", "chamber", "--json").out)
    assert {a["name"] for a in event["attendees"]} == {"Tomás Ruiz", "Dana Li"}
    assert all(a["gets_it"] for a in event["attendees"])
    tomas = json.loads(cli("person", "show", "tomas@gamma.test", "--json").out)
    assert tomas["organization"] == "Gamma Labs"
    assert tomas["role"] == "CFO"
    assert tomas["stage"] == "met"
    assert tomas["met_where"] == "Chamber breakfast"
    assert tomas["met_on"] == "2026-11-20"
    dana = json.loads(cli("person", "show", "dana@acme.test", "--json").out)
    peers = {t["name"]: t for t in dana["ties"]}
    assert peers["Priya Shah"]["strength"] == 0.8
    assert peers["Sam Rivera"]["since"] == "2026-10-01"
    assert [i["kind"] for i in dana["interactions"]] == ["coffee"]


def test_met_twice_at_one_event_is_recorded_once(cli: Cli) -> None:
    _setup(cli)
    cli("event", "add", "Mixer", "--date", "2026-11-01")
    assert cli("event", "met", "Mixer", "Priya Shah").code == 0
    assert cli("event", "met", "Mixer", "Priya Shah", "--giver").code == 0
    priya = json.loads(cli("person", "show", "Priya", "--json").out)
    assert len(priya["interactions"]) == 1
    assert priya["events"][0]["gets_it"] is True


def test_backup_then_restore_into_an_empty_database_gives_the_same_people(
    cli: Cli, tmp_path: Path
) -> None:
    _setup(cli)
    cli("know", "Dana Okafor", "Priya", "--strength", "0.5")
    before = cli("person", "list", "--json").out
    target = tmp_path / "backup.json"
    assert cli("backup", str(target)).code == 0
    fresh = f"sqlite:///{tmp_path / 'restored.db'}"
    ran = cli("restore", str(target), db=fresh)
    assert ran.code == 0, ran.err
    assert cli("person", "list", "--json", db=fresh).out == before
    # and ids keep counting after the restored ones
    added = json.loads(cli("person", "add", "New Person", "--json", db=fresh).out)
    assert added["id"] > max(p["id"] for p in json.loads(before))
