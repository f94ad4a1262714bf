"""LinkedIn, Google and Outlook CSV layouts, and the detection of what a file is."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest

from whoknows.errors import ImportParseError
from whoknows.importers import detect, google, linkedin, outlook
from whoknows.importers.records import Notice, PersonRecord, Record

HAND = Path(__file__).parents[1] / "fixtures" / "handmade"
REAL = Path(__file__).parents[1] / "fixtures" / "real-exports"


def _people(records: Iterable[Record]) -> list[PersonRecord]:
    return [r for r in records if isinstance(r, PersonRecord)]


def test_linkedin_preamble_is_skipped_and_fields_read() -> None:
    dana, jose, priya = linkedin.parse(HAND / "linkedin-connections-with-notes-preamble.csv")
    assert isinstance(dana, PersonRecord)
    assert dana.name == "Dana Whitfield"
    assert dana.met_on == dt.date(2023, 3, 15)
    assert dana.role == "Head of Partnerships, EMEA"
    assert isinstance(jose, PersonRecord)
    assert jose.name == "José Álvarez"
    assert jose.role == "Founder\n(and chief coffee maker)"  # CRLF inside quotes: one \\n
    assert jose.emails == ("jose@alvarez.example",)
    assert isinstance(priya, PersonRecord)
    assert priya.links == (("linkedin", "https://www.linkedin.com/in/priyaraman"),)


def test_linkedin_bad_date_keeps_the_person_and_warns_with_its_line() -> None:
    warning, dana, good = linkedin.parse(HAND / "linkedin-connections-bad-date.csv")
    assert isinstance(warning, Notice)
    assert warning.line == 2
    assert "the other day" in warning.message
    assert isinstance(dana, PersonRecord)
    assert (dana.name, dana.met_on) == ("Dana Whitfield", None)
    assert isinstance(good, PersonRecord)


def test_linkedin_export_zip_is_read(tmp_path: Path) -> None:
    archive = tmp_path / "Basic_LinkedInDataExport.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(HAND / "linkedin-connections-with-notes-preamble.csv", "Connections.csv")
    assert len([r for r in linkedin.parse_zip(archive) if isinstance(r, PersonRecord)]) == 3


def test_google_legacy_utf16_multi_values_and_system_labels() -> None:
    dana, ola = _people(google.parse(HAND / "google-contacts-legacy-type-value-utf16.csv"))
    assert isinstance(dana, PersonRecord)
    assert dana.emails == ("dana@northwind.example", "dana.w@gmail.example")
    assert dana.tags == ("Referral partners",)
    assert dana.birthday == "--03-14"
    assert dana.organization == "Northwind Traders"
    assert dana.extra == (("X-ABRELATEDNAMES", "Sam Whitfield"),)  # a name kept, not a contact
    assert isinstance(ola, PersonRecord)
    assert ola.tags == ()


def test_google_current_label_layout() -> None:
    priya, kenji = google.parse(HAND / "google-contacts-current-label-value.csv")
    assert isinstance(priya, PersonRecord)
    assert priya.tags == ("Accountants",)
    assert priya.role == "Founder"
    assert isinstance(kenji, PersonRecord)
    assert kenji.emails == ("kenji@fabrikam.example", "k.sato@mail.example")


def test_outlook_88_columns_cp1252_with_referred_by_and_exchange_address() -> None:
    francois, bjorn = _people(outlook.parse(HAND / "outlook-88-columns-cp1252.csv"))
    assert isinstance(francois, PersonRecord)
    assert francois.name == "François Dupré"
    assert francois.referred_by == "Dana Whitfield"
    assert francois.tags == ("Clients", "VIP")
    assert francois.birthday is None
    assert francois.city == "Lyon"
    assert isinstance(bjorn, PersonRecord)
    assert bjorn.emails == ()


def test_outlook_com_and_german_headers() -> None:
    (grace,) = _people(outlook.parse(HAND / "outlook-com-contacts.csv"))
    assert isinstance(grace, PersonRecord)
    assert grace.role == "Computer Scientist"
    (juergen,) = _people(outlook.parse(HAND / "outlook-wizard-german-headers-cp1252.csv"))
    assert isinstance(juergen, PersonRecord)
    assert juergen.organization == "Müller & Söhne GmbH"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("linkedin-connections-with-notes-preamble.csv", "linkedin"),
        ("google-contacts-legacy-type-value-utf16.csv", "google"),
        ("google-contacts-current-label-value.csv", "google"),
        ("outlook-88-columns-cp1252.csv", "outlook"),
        ("outlook-com-contacts.csv", "outlook"),
        ("outlook-wizard-german-headers-cp1252.csv", "outlook"),
        ("mbox-conversations-lists-bounces-rfc2047.mbox", "mbox"),
    ],
)
def test_kind_is_detected_from_the_content(name: str, kind: str) -> None:
    assert detect.detect(HAND / name, None) == kind


def test_real_files_are_detected() -> None:
    assert detect.detect(REAL / "ez-vcard" / "gmail-list.vcf", None) == "vcard"
    assert detect.detect(REAL / "icalendar" / "bom_calendar.ics", None) == "ics"


@pytest.mark.parametrize(
    ("content", "name", "says"),
    [
        (b"", "empty.csv", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "photo.csv", "binary"),
        (b"just some words\nand more\n", "notes.csv", "does not look like"),
        (b"BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n", "contacts.csv", "looks like a vCard"),
        (b"PK\x03\x04garbage", "export.zip", None),
    ],
)
def test_garbage_empty_and_mislabeled_files_are_refused(
    tmp_path: Path, content: bytes, name: str, says: str | None
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    if says is None:  # a broken zip is detected as LinkedIn, then refused when read
        with pytest.raises(ImportParseError, match="zip"):
            list(linkedin.parse_zip(path))
        return
    with pytest.raises(ImportParseError, match=says):
        detect.detect(path, None)


def test_an_explicit_kind_that_the_content_contradicts_is_refused() -> None:
    with pytest.raises(ImportParseError, match="not an iCalendar"):
        detect.detect(HAND / "outlook-com-contacts.csv", "ics")
