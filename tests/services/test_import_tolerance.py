"""One bad byte, field or record costs only itself; odd files from other tools import whole.

Each test reproduces something seen with real exports and other projects' test files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from whoknows.errors import ImportParseError
from whoknows.services import imports, people
from whoknows.services.store import Store
from whoknows.storage import schema as s

HAND = Path(__file__).parents[1] / "fixtures" / "handmade"
TODAY = dt.date(2024, 6, 1)


def run(store: Store, name: str, **options: object) -> imports.ImportReport:
    return imports.import_file(store, HAND / name, today=TODAY, **options)  # type: ignore[arg-type]


def names(store: Store) -> set[str]:
    return {p.name for p in people.list_people(store, limit=10_000)}


@pytest.fixture
def me(store: Store) -> Store:
    people.set_me(store, people.PersonInput(name="Me Myself", emails=["me@example.com"]))
    return store


# -- one bad byte ------------------------------------------------------------------------


def test_a_nul_byte_in_one_message_costs_that_message_only(me: Store) -> None:
    name = "mbox-nul-in-a-junk-header-no-date-and-at-addresses.mbox"
    with pytest.raises(ImportParseError, match=rf"{name}:9: a NUL byte in its headers"):
        run(me, name)
    assert names(me) == {"Me Myself"}, "without --skip-bad-rows nothing is imported"
    report = run(me, name, skip_bad_rows=True)
    assert [e["line"] for e in report.errors] == [9]
    assert report.interactions == 3
    assert {"Dana Whitfield", "Kenji Sato", "Ann Archer"} <= names(me)


def test_a_message_without_a_date_takes_the_date_of_its_separator_line(me: Store) -> None:
    run(me, "mbox-nul-in-a-junk-header-no-date-and-at-addresses.mbox", skip_bad_rows=True)
    with me.read() as session:
        kenji = session.scalars(select(s.Person).where(s.Person.name == "Kenji Sato")).one()
        assert kenji.met_on == dt.date(2024, 3, 7)


def test_an_address_written_user_at_host_is_read(me: Store) -> None:
    run(me, "mbox-nul-in-a-junk-header-no-date-and-at-addresses.mbox", skip_bad_rows=True)
    assert people.get_person(me, "ann@archive.example").name == "Ann Archer"


def test_a_mailbox_with_old_mac_line_endings_is_several_messages(me: Store) -> None:
    report = run(me, "mbox-old-mac-cr-line-endings.mbox")
    assert (report.interactions, report.skipped) == (2, 0)
    assert {"Dana Whitfield", "Kenji Sato"} <= names(me)


def test_a_nul_byte_in_one_card_costs_that_card_only(store: Store) -> None:
    with pytest.raises(ImportParseError, match=r"vcard-nul-byte-in-one-name.vcf:6: .*NUL"):
        run(store, "vcard-nul-byte-in-one-name.vcf")
    report = run(store, "vcard-nul-byte-in-one-name.vcf", skip_bad_rows=True)
    assert report.created == 2
    assert names(store) == {"Ann Lee", "Cy Dunn"}


# -- a bad optional field ------------------------------------------------------------------


def test_an_impossible_date_keeps_the_person_and_warns_with_the_line(store: Store) -> None:
    report = run(store, "linkedin-trailing-commas-impossible-date-crlf.csv")
    assert (report.created, report.errors) == (2, [])
    assert any(
        w.startswith("linkedin-trailing-commas-impossible-date-crlf.csv:5: date '31 Feb 2024'")
        for w in report.warnings
    )
    dana = people.get_person(store, "Dana Whitfield")
    assert dana.met_on is None


def test_a_trailing_comma_on_every_row_and_crlf_in_a_quoted_cell(store: Store) -> None:
    run(store, "linkedin-trailing-commas-impossible-date-crlf.csv")
    assert people.get_person(store, "Dana Whitfield").role == "Partner\nEMEA"
    assert people.get_person(store, "Bo Chen").organization == "Fabrikam"


# -- decoding per line ------------------------------------------------------------------


def test_a_fold_that_splits_a_utf8_character_garbles_nothing(store: Store) -> None:
    report = run(store, "vcard-fold-splits-a-utf8-character.vcf")
    assert names(store) == {"Βγδ Ελληνικά"}
    assert report.warnings == []


def test_a_shift_jis_csv_is_read_as_shift_jis_with_a_warning(store: Store) -> None:
    report = run(store, "outlook-shift-jis.csv")
    assert names(store) == {"太郎 山田", "花子 鈴木"}
    assert people.get_person(store, "taro@example.jp").organization == "株式会社サンプル"
    assert any("Shift" in w or "shift" in w for w in report.warnings)


def test_quoted_printable_without_a_charset_is_utf8_or_said_out_loud(store: Store) -> None:
    report = run(store, "vcard-quoted-printable-without-charset.vcf")
    assert "Zoë" in names(store), "quoted-printable UTF-8 needs no charset"
    assert any("not in UTF-8" in w for w in report.warnings), "a guess is never silent"


# -- calendars ----------------------------------------------------------------------------


def test_an_endless_every_second_rule_is_read_once_and_quickly(me: Store) -> None:
    report = run(me, "calendar-secondly-rule-without-end.ics", since=imports.ALL_TIME)
    assert report.interactions == 2  # the first occurrence of each; Feb 30 never comes
    assert any("repeats secondly is read once" in w for w in report.warnings)


def test_bad_values_in_parts_not_used_do_not_refuse_the_calendar(me: Store) -> None:
    with pytest.raises(ImportParseError) as caught:
        run(me, "calendar-broken-values-in-parts-not-used.ics")
    assert "calendar-broken-values-in-parts-not-used.ics:34: DTSTART '20240431T100000Z'" in str(
        caught.value
    )
    report = run(me, "calendar-broken-values-in-parts-not-used.ics", skip_bad_rows=True)
    assert report.interactions == 1, "the alarm, timezone and DTEND are not the meeting's start"
    (error,) = report.errors
    assert error["line"] == 34
    assert "is not a date (line 36)" in error["reason"]
    assert "broken property" not in error["reason"]


def test_a_reply_without_a_start_is_skipped_not_refused(me: Store) -> None:
    report = run(me, "calendar-reply-without-a-start.ics")
    assert report.errors == []
    assert report.skipped_reasons == {"a meeting without a start (a reply or a cancellation)": 1}


def test_a_truncated_calendar_is_a_bad_record_at_the_line_it_began(me: Store) -> None:
    with pytest.raises(ImportParseError, match=r"calendar-truncated.ics:10: the file ends inside"):
        run(me, "calendar-truncated.ics")
    report = run(me, "calendar-truncated.ics", skip_bad_rows=True)
    assert report.interactions == 1
    assert report.errors[0]["line"] == 10


def test_the_summary_says_what_the_dates_left_out(me: Store) -> None:
    report = run(me, "calendar-meetings-outside-the-dates.ics")
    assert report.interactions == 1
    assert report.left_out == [
        "2 meetings before 2022-06-02 left out: add --since 2015-06-10, or --since all",
        "1 meeting after 2024-06-01 left out: add --until 2030-01-01",
    ]
    everything = run(me, "calendar-meetings-outside-the-dates.ics", since=imports.ALL_TIME)
    assert everything.interactions == 2


def test_a_malformed_organizer_is_nobody(me: Store) -> None:
    report = run(me, "calendar-malformed-organizer.ics")
    assert report.interactions == 1
    assert names(me) == {"Me Myself", "Ana Lima"}


# -- people who aren't there, and people who vanish --------------------------------------


def test_two_people_sharing_a_website_stay_two_and_are_queued(store: Store, tmp_path: Path) -> None:
    cards = tmp_path / "team.vcf"
    cards.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ann Lee\nORG:Acme\nURL:https://acme.example/\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Bo Chen\nORG:Acme\nURL:http://www.acme.example\nEND:VCARD\n",
        encoding="utf-8",
    )
    report = imports.import_file(store, cards, today=TODAY)
    assert (report.created, report.queued) == (2, 1)
    assert names(store) == {"Ann Lee", "Bo Chen"}


def test_related_names_are_kept_as_names_not_made_contacts(store: Store, tmp_path: Path) -> None:
    cards = tmp_path / "related.vcf"
    cards.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Greg Dartmouth\n"
        + "".join(f"item{i}.X-ABRELATEDNAMES:Name{i}\n" for i in range(1, 17))
        + "RELATED;VALUE=text:Bob Roe\nEND:VCARD\n",
        encoding="utf-8",
    )
    imports.import_file(store, cards, today=TODAY)
    assert names(store) == {"Greg Dartmouth"}
    with store.read() as session:
        kept = set(session.scalars(select(s.PersonExtra.value)))
    assert {"Name1", "Name16", "Bob Roe"} <= kept


def test_a_nested_agent_is_one_person_tied_to_the_card(store: Store, tmp_path: Path) -> None:
    cards = tmp_path / "agent.vcf"
    cards.write_text(
        "BEGIN:VCARD\nVERSION:2.1\nN:Boss;Big\nAGENT:\nBEGIN:VCARD\nVERSION:2.1\n"
        "FN:Ada Assistant\nTEL:+44 20 7946 0958\nEND:VCARD\nEND:VCARD\n",
        encoding="utf-8",
    )
    imports.import_file(store, cards, today=TODAY)
    assert sorted(names(store)) == ["Ada Assistant", "Big Boss"]
    with store.read() as session:
        assert len(session.scalars(select(s.Tie)).all()) == 1


def test_an_organization_card_and_a_company_only_card_are_organizations(
    store: Store, tmp_path: Path
) -> None:
    cards = tmp_path / "orgs.vcf"
    cards.write_text(
        "BEGIN:VCARD\nVERSION:4.0\nKIND:org\nFN:Acme\nORG:Acme\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:2.1\nN:;;;;\nORG:Globex Corporation\nTEL:+1 415 555 2671\n"
        "END:VCARD\n",
        encoding="utf-8",
    )
    report = imports.import_file(store, cards, today=TODAY)
    assert (report.created, report.skipped) == (2, 0)
    assert names(store) == set()
    with store.read() as session:
        orgs = set(session.scalars(select(s.Organization.name)))
    assert orgs == {"Acme", "Globex Corporation"}
