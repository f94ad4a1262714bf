"""`whoknows import`, `export` and `dedupe` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clirun import Cli

HAND = Path(__file__).parents[1] / "fixtures" / "handmade"
REAL = Path(__file__).parents[1] / "fixtures" / "real-exports"


def test_import_json_has_the_documented_shape_and_a_second_run_creates_nothing(cli: Cli) -> None:
    path = str(HAND / "linkedin-connections-with-notes-preamble.csv")
    first = cli("import", path, "--json")
    assert first.code == 0, first.err
    report = json.loads(first.out)
    assert {"created", "merged", "updated", "skipped", "errors"} <= set(report)
    assert report["created"] == 3
    again = json.loads(cli("import", "linkedin", path, "--json").out)
    assert (again["created"], again["merged"], again["updated"]) == (0, 0, 0)


def test_import_prints_a_summary(cli: Cli) -> None:
    ran = cli("import", str(REAL / "ez-vcard" / "gmail-list.vcf"))
    assert ran.code == 0
    assert "3 created" in ran.out


def test_a_mailbox_summary_counts_messages_and_people_apart(cli: Cli, tmp_path: Path) -> None:
    cli("me", "Me Myself", "--email", "me@example.com")
    mbox = tmp_path / "sent.mbox"
    messages = [
        f"From me@example.com Mon Jan  1 00:00:00 2024\nFrom: Me <me@example.com>\n"
        f"To: Ann Lee <ann@example.com>, Bo Ng <bo@example.com>\n"
        f"Date: Mon, 0{day} Jan 2024 10:00:00 +0000\nSubject: hi\n\nbody\n\n"
        for day in (1, 2, 3)
    ]
    mbox.write_text("".join(messages), encoding="utf-8")
    ran = cli("import", str(mbox), "--since", "all")
    assert ran.code == 0, ran.err
    assert "3 messages recorded, 0 skipped" in ran.out
    assert "2 new people met in them" in ran.out


@pytest.mark.parametrize(
    ("content", "name", "says"),
    [
        (b"", "empty.csv", "empty"),
        (b"\x00\x01\x02garbage\xff" * 20, "garbage.vcf", "binary"),
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Half", "truncated.vcf", "END:VCARD"),
        (b"BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n", "contacts.ics", "looks like a vCard"),
        (
            b'First Name,Last Name,URL,Connected On\r\n"Ann,Lee,x,1 Jan 2020\r\n',
            "c.csv",
            "c.csv:2: a quote that is never closed",
        ),
    ],
)
def test_bad_files_give_one_clear_line_exit_2_and_write_nothing(
    cli: Cli, tmp_path: Path, content: bytes, name: str, says: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    ran = cli("import", str(path))
    assert ran.code == 2
    assert says in ran.err
    assert len(ran.err.strip().splitlines()) == 1
    assert json.loads(cli("person", "list", "--json").out) == []


def test_skip_bad_rows_reports_each_bad_row(cli: Cli) -> None:
    path = str(HAND / "linkedin-connections-bad-date-and-extra-cells.csv")
    failed = cli("import", path)
    assert failed.code == 2
    assert "linkedin-connections-bad-date-and-extra-cells.csv:4: 9 fields" in failed.err
    ran = cli("import", path, "--skip-bad-rows", "--json")
    report = json.loads(ran.out)
    assert report["created"] == 2  # Dana is kept: her date was only an optional field
    assert [e["line"] for e in report["errors"]] == [4]
    assert report["warnings"][0].startswith("linkedin-connections-bad-date-and-extra-cells.csv:2:")


def test_dry_run_writes_nothing(cli: Cli) -> None:
    ran = cli("import", str(HAND / "outlook-com-contacts.csv"), "--dry-run")
    assert ran.code == 0
    assert "dry run" in ran.out
    assert json.loads(cli("person", "list", "--json").out) == []


def test_dedupe_lists_and_auto_merges(cli: Cli) -> None:
    cli("person", "add", "Dana Whitfield", "--org", "Northwind Traders")
    cli("person", "add", "Dana  Whitfield", "--org", "Northwind Traders")
    listed = json.loads(cli("dedupe", "--json").out)
    assert len(listed["pairs"]) == 1
    done = json.loads(cli("dedupe", "--auto", "--json").out)
    assert done["done"]["merged"] == 1
    assert len(json.loads(cli("person", "list", "--json").out)) == 1


def test_export_csv_vcard_and_json(cli: Cli, tmp_path: Path) -> None:
    cli("person", "add", '=HYPERLINK("http://x")', "--email", "x@example.com")
    for fmt in ("csv", "vcard", "json"):
        ran = cli("export", fmt, str(tmp_path / f"out.{fmt}"))
        assert ran.code == 0, ran.err
    assert "'=HYPERLINK" in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert cli("export", "xml", str(tmp_path / "x")).code == 2
