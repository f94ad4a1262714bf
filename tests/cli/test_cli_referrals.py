"""`referral …` and `report` from the command line: the scenario, exit codes, table = JSON."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from clirun import Cli
from whoknows.services.money import format_money


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich tables one row to a line, so a row can be read back whole."""
    monkeypatch.setenv("COLUMNS", "250")


def _ok(cli: Cli, *args: str) -> str:
    ran = cli(*args)
    assert ran.code == 0, (args, ran.err)
    return ran.out


def _scenario(cli: Cli) -> None:
    for args in (
        ["me", "Sam Me"],
        ["event", "add", "Chamber Breakfast", "--date", "2024-01-10"],
        ["event", "met", "Chamber Breakfast", "Alice Advocate <alice@x.test>"],
        ["person", "add", "Bob Client"],
        ["referral", "add", "--from", "Alice", "--about", "Bob", "--date", "2024-03-01"],
        ["referral", "move", "1", "contacted", "--date", "2024-03-04"],
        ["referral", "won", "1", "--value", "4,000", "--date", "2024-05-01"],
        [
            *["referral", "add", "--from", "Bob", "--about", "Carol New <carol@x.test>"],
            *["--value", "9000", "--date", "2024-09-15"],
        ],
        ["referral", "won", "2", "--value", "10000", "--date", "2024-12-01"],
    ):
        _ok(cli, *args)


def test_list_json_and_filters(cli: Cli) -> None:
    _scenario(cli)
    _ok(cli, "referral", "add", "--to", "Alice", "--about", "Bob", "--date", "2025-02-01")
    listed = json.loads(_ok(cli, "referral", "list", "--json"))
    assert [r["id"] for r in listed] == [3, 2, 1]
    assert listed[0]["direction"] == "given"
    assert listed[1]["value"] == "10000.00"
    assert listed[1]["about"]["name"] == "Carol New"
    assert [s["status"] for s in listed[2]["steps"]] == ["received", "contacted", "won"]
    won = json.loads(_ok(cli, "referral", "list", "--status", "won", "--json"))
    assert [r["id"] for r in won] == [2, 1]
    table = _ok(cli, "referral", "list")
    assert "USD 10,000.00" in table
    added = _ok(cli, "referral", "add", "--from", "Alice", "--about", "Bob", "--value", "EUR 500")
    assert "Next: thank Alice Advocate" in added
    assert "EUR 500.00" in added
    lost = _ok(cli, "referral", "lost", "4", "--reason", "no budget")
    assert "Next: tell Alice Advocate how it went" in lost
    assert "Carol New" in table


BAD_INPUT = [
    (["referral", "move", "1", "signed"], "not known"),
    (["referral", "move", "99", "won"], "no referral with id 99"),
    (["referral", "lost", "1"], "already won"),
    (["referral", "add", "--about", "Bob"], "who passed you"),
    (["referral", "add", "--from", "Alice", "--about", "Bob", "--value", "lots"], "not money"),
    (["report", "--format", "pdf"], "format"),
    (["report", "--since", "soon"], "not a date"),
]


def test_bad_input_exits_2_with_one_clear_line_and_writes_nothing(cli: Cli) -> None:
    _scenario(cli)
    before = _ok(cli, "referral", "list", "--json")
    for args, message in BAD_INPUT:
        ran = cli(*args)
        assert ran.code == 2, args
        assert message in ran.err, args
        assert len(ran.err.strip().splitlines()) == 1, args
    assert _ok(cli, "referral", "list", "--json") == before


def test_the_scenario_and_a_json_report_with_the_same_numbers_as_the_table(cli: Cli) -> None:
    _scenario(cli)
    _ok(cli, "referral", "add", "--from", "Alice", "--about", "Bob", "--date", "2025-01-01")
    data = json.loads(_ok(cli, "report", "--format", "json"))
    alice, bob = data["advocates"]
    assert (alice["name"], alice["first_tier"], alice["second_tier"]) == (
        "Alice Advocate",
        {"USD": "4000.00"},
        {"USD": "10000.00"},
    )
    assert (bob["name"], bob["first_tier"]) == ("Bob Client", {"USD": "10000.00"})
    assert alice["days_to_first_referral"] == 51
    assert data["events"][0]["total"] == {"USD": "14000.00"}
    table = _ok(cli, "report")
    rows = {
        tuple(cell.strip() for cell in line.strip().strip("│").split("│"))
        for line in table.splitlines()
        if line.startswith("│")
    }

    def money(amounts: dict[str, str]) -> str:
        return ", ".join(format_money(Decimal(v), c) for c, v in amounts.items()) or "—"

    def n(value: object) -> str:
        return "—" if value is None else str(value)

    expected = [
        (
            str(a["id"]),
            a["name"],
            a["source"],
            a["event"]["name"] if a["event"] else "—",
            str(a["referrals"]),
            str(a["won"]),
            money(a["first_tier"]),
            money(a["second_tier"]),
            n(a["days_to_first_referral"]),
        )
        for a in data["advocates"]
    ]
    expected += [
        (
            str(e["id"]),
            e["name"],
            e["date"],
            str(e["advocates"]),
            *(money(e[k]) for k in ("first_tier", "second_tier", "direct", "total")),
        )
        for e in data["events"]
    ]
    expected += [
        (
            x["source"],
            *(str(x[k]) for k in ("advocates", "referrals", "won")),
            *(money(x[k]) for k in ("first_tier", "second_tier", "direct")),
        )
        for x in data["sources"]
    ]
    expected += [(f["status"], str(f["reached"]), str(f["now"])) for f in data["funnel"]]
    t = data["totals"]
    expected += [
        ("referrals received from advocates", str(t["received"])),
        ("open", str(t["open"])),
        ("value won through advocates", money(t["value_won"])),
    ]
    missing = [row for row in expected if row not in rows]
    assert missing == [], table
    assert data["thesis"]["summary"].split(":")[0] in table


def test_report_writes_html_and_table_files(cli: Cli, tmp_path: Path) -> None:
    _scenario(cli)
    page = tmp_path / "r.html"
    assert "Wrote" in _ok(cli, "report", "--format", "html", "--out", str(page))
    assert page.read_text(encoding="utf-8").count("<svg") == 5
    text = tmp_path / "r.txt"
    _ok(cli, "report", "--out", str(text), "--since", "2024-06-01")
    assert "Alice Advocate" in text.read_text(encoding="utf-8")
