"""Names are stored exactly as given and come back byte-identical."""

from __future__ import annotations

import json

import pytest

from conftest import Cli

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
