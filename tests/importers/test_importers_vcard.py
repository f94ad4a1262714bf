"""vCard parsing on real exporter files (Android, iPhone, Gmail, Outlook, Thunderbird …)."""

from __future__ import annotations

from pathlib import Path

import pytest

from whoknows.importers import vcard
from whoknows.importers.records import BadRow, PersonRecord, Skip

REAL = Path(__file__).parents[1] / "fixtures" / "real-exports"


def people(name: str) -> list[PersonRecord]:
    found = list(vcard.parse(next(REAL.rglob(name))))
    assert not [r for r in found if isinstance(r, BadRow)]
    return [r for r in found if isinstance(r, PersonRecord)]


@pytest.mark.parametrize("path", sorted(REAL.rglob("*.vcf")), ids=lambda p: p.name)
def test_every_real_vcard_file_reads_without_a_bad_row(path: Path) -> None:
    found = list(vcard.parse(path))
    assert found
    assert not [r for r in found if isinstance(r, BadRow)]


def test_android_quoted_printable_soft_line_breaks_decode_to_one_name_per_card() -> None:
    cards = people("John_Doe_ANDROID.vcf")
    assert len(cards) == 6
    assert cards[3].name == " ".join(["Ñ"] * 11)
    assert cards[0].name == "john.doe@company.com"


def related(card: PersonRecord) -> list[str]:
    return [value for key, value in card.extra if key in vcard.RELATED]


def test_gmail_grouped_related_names_are_kept_as_names_not_contacts_and_org_is_read() -> None:
    (card,) = people("gmail-single.vcf")
    assert card.name == "Greg Dartmouth"
    assert card.organization == "TheCompany"
    assert related(card) == ["MySpouse", "MyCustom"]


def test_org_with_escaped_comma_keeps_it_and_drops_the_department() -> None:
    (card,) = people("outlook-2003.vcf")
    assert card.organization == "Company, The"


def test_mac_address_book_mixed_line_endings_and_escaped_comma_in_name() -> None:
    (card,) = people("John_Doe_MAC_ADDRESS_BOOK.vcf")
    assert card.name == "Mr. John Richter,James Doe Sr."
    assert card.emails == ("john.doe@ibm.com",)
    assert "Jenny" in related(card)


def test_a_photo_only_card_is_skipped_with_a_reason_not_an_error() -> None:
    found = list(vcard.parse(REAL / "sabre-vobject" / "issue64.vcf"))
    assert [type(r) for r in found] == [Skip]


def test_escaped_semicolon_in_org_and_kind_org_and_nested_agent(tmp_path: Path) -> None:
    path = tmp_path / "cards.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:4.0\nFN:Ann Lee\nORG:AT\\;T;Sales\n"
        "RELATED;VALUE=text;TYPE=colleague:Bob Roe\nX-CUSTOM:kept\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:4.0\nKIND:org\nFN:Acme\nORG:Acme\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:2.1\nN:Boss;Big\nAGENT:\nBEGIN:VCARD\nVERSION:2.1\n"
        "FN:Ada Assistant\nEND:VCARD\nEND:VCARD\n",
        encoding="utf-8",
    )
    ann, acme, boss = vcard.parse(path)  # the assistant rides with their boss, not on top
    assert isinstance(ann, PersonRecord)
    assert ann.organization == "AT;T"
    assert related(ann) == ["Bob Roe"]
    assert ("X-CUSTOM", "kept") in ann.extra
    assert isinstance(acme, PersonRecord)
    assert acme.is_org
    assert acme.name == "Acme"
    assert isinstance(boss, PersonRecord)
    assert boss.name == "Big Boss"
    (agent,) = boss.agents
    assert agent.name == "Ada Assistant"
    assert related(boss) == []


def test_a_truncated_card_is_a_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "cut.vcf"
    path.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Half\n", encoding="utf-8")
    found = list(vcard.parse(path))
    assert isinstance(found[-1], BadRow)
    assert "END:VCARD" in found[-1].reason


def test_nesting_deeper_than_the_limit_is_refused_not_followed(tmp_path: Path) -> None:
    path = tmp_path / "deep.vcf"
    path.write_text("BEGIN:VCARD\n" * 50 + "FN:x\n" + "END:VCARD\n" * 50, encoding="utf-8")
    assert any(isinstance(r, BadRow) for r in vcard.parse(path))
