"""Exports: an exact vCard round trip, a CSV a spreadsheet opens as text, a JSON backup."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from sqlalchemy import select

from whoknows.config import load_settings
from whoknows.services import backup, exports, imports, organizations, paging, people
from whoknows.services.store import Store
from whoknows.storage import schema as s


def shape(store: Store) -> list[tuple[object, ...]]:
    return sorted(
        (p.name, p.emails, p.phones, p.organization, p.role, p.city, p.notes, p.tags)
        for p in people.list_people(store)
    )


def test_a_vcard_export_reimports_into_an_empty_database_identically(
    store: Store, tmp_path: Path
) -> None:
    people.add_person(
        store,
        people.PersonInput(
            name="Zoë O'Brien; Jr.",
            emails=["zoe@example.com"],
            phones=["+44 20 7946 0958"],
            organization="AT;T, Inc.",
            role="VP, Sales",
            city="München",
            notes="Line one\nLine two, with \\ backslash",
            tags=["ICP", "Warm, very"],
        ),
    )
    people.add_person(store, people.PersonInput(name="李小龍 " + "x" * 80))
    organizations.add_org(store, organizations.OrgInput(name="Lonely Org"))
    path = tmp_path / "out.vcf"
    assert exports.export_vcard(store, path) == 4
    fresh = Store(load_settings(f"sqlite:///{tmp_path / 'fresh.db'}"))
    try:
        report = imports.import_file(fresh, path, today=dt.date(2024, 1, 1))
        assert report.errors == []
        assert shape(fresh) == shape(store)
        names = {o.organization.name for o in organizations.orgs_page(fresh, paging.Window()).items}
        assert names == {"AT;T, Inc.", "Lonely Org"}
    finally:
        fresh.close()


def test_csv_export_neutralizes_formulas(store: Store, tmp_path: Path) -> None:
    for name in ('=HYPERLINK("http://evil.example","click")', "+1+1", "-2", "@SUM(A1)", "Plain"):
        people.add_person(store, people.PersonInput(name=name))
    path = tmp_path / "people.csv"
    exports.export_csv(store, path)
    with path.open(encoding="utf-8-sig", newline="") as source:
        names = [row["name"] for row in csv.DictReader(source)]
    assert names[0] == '\'=HYPERLINK("http://evil.example","click")'
    assert names[1:] == ["'+1+1", "'-2", "'@SUM(A1)", "Plain"]


def test_safe_cell_covers_tab_and_carriage_return() -> None:
    assert exports.safe_cell("\tx") == "'\tx"
    assert exports.safe_cell("\rx") == "'\rx"
    assert exports.safe_cell("a=b") == "a=b"


def test_a_cell_starting_with_a_quote_reads_back_unchanged() -> None:
    from whoknows.importers.whoknows_csv import _cell

    for value in ("'=", "'hello", "=1+1", "''", "plain", "'"):
        assert _cell(exports.safe_cell(value)) == value


def test_the_json_export_is_the_backup_that_restore_reads(store: Store, tmp_path: Path) -> None:
    people.add_person(store, people.PersonInput(name="Ann", emails=["ann@example.com"]))
    path = tmp_path / "all.json"
    exports.export_json(store, path)
    fresh = Store(load_settings(f"sqlite:///{tmp_path / 'fresh.db'}"))
    try:
        backup.restore(fresh, path)
        assert [p.emails for p in people.list_people(fresh)] == [("ann@example.com",)]
    finally:
        fresh.close()


def test_birthdays_and_unknown_x_properties_survive_the_vcard_round_trip(
    store: Store, tmp_path: Path
) -> None:
    source = tmp_path / "in.vcf"
    source.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Yearless\r\nBDAY:--0315\r\n"
        "X-CUSTOM:kept\\, as is\r\nX-PHONETIC-LAST-NAME:An\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bo Born\r\nBDAY:1980-02-29\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    imports.import_file(store, source, today=dt.date(2024, 1, 1))
    out = tmp_path / "out.vcf"
    exports.export_vcard(store, out)
    text = out.read_bytes().decode("utf-8")
    assert "BDAY:--0315\r\n" in text  # vCard 4.0's basic forms
    assert "BDAY:19800229\r\n" in text
    assert "X-CUSTOM:kept\\, as is\r\n" in text
    fresh = Store(load_settings(f"sqlite:///{tmp_path / 'fresh.db'}"))
    try:
        imports.import_file(fresh, out, today=dt.date(2024, 1, 1))
        assert (
            extras(fresh)
            == extras(store)
            == {
                ("Ann Yearless", "birthday", "--03-15"),
                ("Ann Yearless", "X-CUSTOM", "kept\\, as is"),
                ("Ann Yearless", "X-PHONETIC-LAST-NAME", "An"),
                ("Bo Born", "birthday", "1980-02-29"),
            }
        )
        again = imports.import_file(fresh, out, today=dt.date(2024, 1, 1))
        assert again.created == again.updated == again.merged == 0
        assert len(extras(fresh)) == 4
    finally:
        fresh.close()


def extras(store: Store) -> set[tuple[str, str, str]]:
    with store.read() as session:
        rows = session.execute(
            select(s.Person.name, s.PersonExtra.key, s.PersonExtra.value).join(
                s.Person, s.Person.id == s.PersonExtra.person_id
            )
        )
        return {(name, key, value) for name, key, value in rows}


def test_namesakes_stay_two_people_through_an_export_and_back(store: Store, tmp_path: Path) -> None:
    for _ in range(2):
        people.add_person(store, people.PersonInput(name="Ana Lima", organization="Contoso"))
    for form, name in (("vcard", "out.vcf"), ("csv", "out.csv")):
        path = tmp_path / name
        (exports.export_vcard if form == "vcard" else exports.export_csv)(store, path)
        again = imports.import_file(store, path, today=dt.date(2024, 1, 1))
        assert (again.created, again.merged) == (0, 0)
        fresh = Store(load_settings(f"sqlite:///{tmp_path / f'{form}.db'}"))
        try:
            report = imports.import_file(fresh, path, today=dt.date(2024, 1, 1))
            assert report.kind == ("vcard" if form == "vcard" else "whoknows")
            assert [p.name for p in people.list_people(fresh)] == ["Ana Lima", "Ana Lima"]
        finally:
            fresh.close()
