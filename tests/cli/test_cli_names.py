"""Names are stored exactly as given and come back byte-identical."""

from __future__ import annotations

import io
import json
import sys

import pytest

from clirun import Cli
from whoknows.cli import choose

NAMES = [
    "Zoë O'Brien-Łukasiewicz",
    'Robert "Bobby" Tables',
    "<script>alert(1)</script>",
    "محمد بن سلمان",  # right-to-left
    "\u202eevil\u202c Mallory",  # RTL override characters
    "李小龍",
    "Ångström  Double  Space",
    '=HYPERLINK("http://x.test")',
    "e\u0301mile (combining accent)",
    "👩‍💼 Emoji Person",
]


@pytest.mark.parametrize("name", NAMES)
def test_a_name_comes_back_byte_identical(cli: Cli, name: str) -> None:
    added = cli("person", "add", name, "--org", name, "--note", name, "--json")
    assert added.code == 0, added.err
    person_id = json.loads(added.out)["id"]
    shown = json.loads(cli("person", "show", str(person_id), "--json").out)
    assert shown["name"].encode() == name.encode()
    assert shown["organization"].encode() == name.encode()
    assert shown["notes"].encode() == name.encode()
    listed = json.loads(cli("person", "list", "--json").out)
    assert [p["name"] for p in listed] == [name]


def test_markup_in_names_is_printed_as_text(cli: Cli) -> None:
    cli("person", "add", "[bold red]Not markup[/]")
    ran = cli("person", "list")
    assert "[bold red]Not" in ran.out


def _three_david_joneses(cli: Cli) -> None:
    assert cli("me", "Sam Jones").code == 0
    for org, role in (("Ferro", "CFO"), ("Acme", "COO"), ("Brown Foods", "Buyer")):
        assert cli("person", "add", "David Jones", "--org", org, "--role", role).code == 0


def test_an_ambiguous_name_in_a_terminal_offers_a_numbered_choice(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    _three_david_joneses(cli)
    monkeypatch.setattr(choose, "interactive", lambda args: True)
    monkeypatch.setattr(sys, "stdin", io.StringIO("2\n"))
    ran = cli("snooze", "david jones", "7")
    assert ran.code == 0, ran.err
    assert "1. David Jones (#2), CFO at Ferro" in ran.err
    assert "2. David Jones (#3), COO at Acme" in ran.err
    assert "Which one? [1-3" in ran.err
    assert "David Jones is snoozed until" in ran.out
    shown = json.loads(cli("person", "show", "#3", "--json").out)
    assert shown["organization"] == "Acme"
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))  # no answer: nothing happens
    ran = cli("snooze", "David Jones", "7")
    assert ran.code == 2
    assert "is ambiguous" in ran.err


def test_an_ambiguous_name_in_a_script_is_an_error_that_lists_the_candidates(cli: Cli) -> None:
    _three_david_joneses(cli)
    ran = cli("snooze", "David Jones", "7")  # no terminal here
    assert ran.code == 2
    assert "'David Jones' is ambiguous, it matches 3" in ran.err
    assert "COO at Acme" in ran.err
    assert cli("cadence", "David Jones", "30", "--json").code == 2


def test_the_one_i_know_and_accents_aside_resolve_without_asking(cli: Cli) -> None:
    _three_david_joneses(cli)
    assert cli("know", "me", "#4").code == 0  # the David Jones at Brown Foods
    ran = cli("person", "show", "DAVID JONES", "--json")
    assert ran.code == 0, ran.err
    assert json.loads(ran.out)["organization"] == "Brown Foods"
    assert cli("person", "add", "Tomás Shevchenko").code == 0
    assert json.loads(cli("person", "show", "Tomas", "--json").out)["name"] == "Tomás Shevchenko"
