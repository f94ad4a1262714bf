"""Calendars (real exporters and the icalendar package's own) and mailboxes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from whoknows.importers import ical, mail, recurrence
from whoknows.importers.records import BadRow, InteractionRecord, Skip

FIXTURES = Path(__file__).parents[1] / "fixtures"
REAL = FIXTURES / "real-exports"
WIDE = {"since": dt.date(2000, 1, 1), "until": dt.date(2030, 1, 1)}


@pytest.mark.parametrize("path", sorted(REAL.rglob("*.ics")), ids=lambda p: p.name)
def test_every_real_calendar_reads_without_a_bad_row(path: Path) -> None:
    assert not [r for r in ical.parse(path, **WIDE) if isinstance(r, BadRow)]


def test_outlook_tab_folded_attendees_are_matched_by_address() -> None:
    (meeting,) = ical.parse(REAL / "biweekly" / "outlook-2010.ics", **WIDE)
    assert isinstance(meeting, InteractionRecord)
    emails = {c.email for c in meeting.people}
    assert "johndoe@example.com" in emails
    assert any(c.name == "Doe, John" for c in meeting.people)


def test_an_alarm_attendee_is_not_a_meeting_attendee() -> None:
    (found,) = ical.parse(REAL / "icalendar" / "alarm_google_acknowledged.ics", **WIDE)
    assert isinstance(found, Skip)


def test_freebusy_is_not_a_meeting() -> None:
    path = REAL / "icalendar" / "issue_27_multiple_periods_in_freebusy_multiple_freebusies.ics"
    assert list(ical.parse(path, **WIDE)) == []


def test_recurrences_expand_inside_the_window_only(tmp_path: Path) -> None:
    path = tmp_path / "weekly.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
        "BEGIN:VEVENT\r\nUID:w1\r\nDTSTART:20240101T090000Z\r\nDTEND:20240101T093000Z\r\n"
        "RRULE:FREQ=WEEKLY\r\nEXDATE:20240115T090000Z\r\nSUMMARY:Weekly\r\n"
        "ORGANIZER;CN=Ann:mailto:ann@example.com\r\n"
        "ATTENDEE;PARTSTAT=DECLINED:mailto:bob@example.com\r\n"
        "ATTENDEE;CUTYPE=ROOM:mailto:room1@example.com\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:w1\r\nRECURRENCE-ID:20240122T090000Z\r\n"
        "DTSTART:20240122T090000Z\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n",
        encoding="utf-8",
    )
    found = list(ical.parse(path, since=dt.date(2024, 1, 1), until=dt.date(2024, 1, 31)))
    meetings = [r for r in found if isinstance(r, InteractionRecord)]
    assert [m.date.day for m in meetings] == [1, 8, 29]
    assert {c.email for c in meetings[0].people} == {"ann@example.com"}
    assert meetings[0].minutes == 30
    assert [r.reason for r in found if isinstance(r, Skip)] == ["a cancelled meeting"]


def test_an_endless_rule_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "forever.ics"
    path.write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x\nDTSTART:20000101T000000\n"
        "RRULE:FREQ=MINUTELY\nATTENDEE:mailto:a@example.com\nEND:VEVENT\nEND:VCALENDAR\n",
        encoding="utf-8",
    )
    found = list(ical.parse(path, since=dt.date(2000, 1, 1), until=dt.date(2030, 1, 1)))
    assert len(found) <= recurrence.MAX_OCCURRENCES


@pytest.mark.parametrize(
    "name", ["example.ics", "issue_1231_recurrence.ics", "calendar_with_unicode.ics"]
)
def test_the_icalendar_package_calendars_read(name: str) -> None:
    found = list(ical.parse(FIXTURES / "corpus" / "icalendar" / "calendars" / name, **WIDE))
    assert not [r for r in found if isinstance(r, BadRow)]


def test_mbox_keeps_conversations_and_leaves_out_lists_bulk_auto_and_bounces() -> None:
    found = list(
        mail.parse(FIXTURES / "handmade" / "mbox-conversations-lists-bounces-rfc2047.mbox")
    )
    kept = [r for r in found if isinstance(r, InteractionRecord)]
    assert len(kept) == 3
    assert {c.name for c in kept[0].people} >= {"José Álvarez", "Dana Whitfield"}
    kenji = kept[-1]  # no Date header: the date on its "From " separator line counts
    assert (kenji.line, kenji.date) == (61, dt.date(2024, 3, 7))
    assert all(r.note is None for r in kept)
    reasons = {r.reason for r in found if isinstance(r, Skip)}
    assert reasons == {
        "mailing-list mail",
        "automatic mail",
        "a bounce or delivery report",
        "bulk mail",
    }
    assert [r.line for r in found if isinstance(r, BadRow)] == []


def test_maildir_is_read(tmp_path: Path) -> None:
    import mailbox

    box = mailbox.Maildir(tmp_path / "Mail", create=True)
    box.add(
        "From: Ann <ann@example.com>\nTo: me@example.com\n"
        "Date: Mon, 04 Mar 2024 09:00:00 +0000\nSubject: hi\n\nbody\n"
    )
    (record,) = mail.parse(tmp_path / "Mail")
    assert isinstance(record, InteractionRecord)
    assert record.date == dt.date(2024, 3, 4)


def test_one_message_saved_on_its_own_is_read_as_one_message() -> None:
    from whoknows.importers import detect

    path = FIXTURES / "handmade" / "mail-one-message-saved-as-eml.eml"
    assert detect.detect(path, None) == "mbox"
    (record,) = mail.parse(path)
    assert isinstance(record, InteractionRecord)
    assert record.date == dt.date(2024, 5, 14)
    assert {(c.email, c.name) for c in record.people} == {
        ("ana@example.org", "Ana Piñeiro"),
        ("me@example.com", "Me Myself"),
        ("olu@example.net", "Olu Ade"),
    }


@pytest.mark.parametrize(
    "text",
    ["Subject: hi\n\nno sender\n", "Name,Email\nAnn,ann@x.org\n", "From: a@b.c\n\nonly a From\n"],
)
def test_text_that_is_not_a_message_is_not_taken_for_one(text: str) -> None:
    assert not mail.is_message(text)


def test_a_bad_message_in_a_maildir_is_named_by_its_file(tmp_path: Path) -> None:
    import mailbox

    box = mailbox.Maildir(tmp_path / "Mail", create=True)
    box.add(
        "From: Ann <ann@example.com>\nTo: me@example.com\n"
        "Date: Mon, 04 Mar 2024 09:00:00 +0000\n\nhi\n"
    )
    (tmp_path / "Mail" / "cur" / "1700000000.junk:2,S").write_bytes(b"From: x\x00\nDate: ?\n\n")
    found = list(mail.parse(tmp_path / "Mail"))
    bad = [r for r in found if isinstance(r, BadRow)]
    good = [r for r in found if isinstance(r, InteractionRecord)]
    assert len(good) == 1
    assert [b.source for b in bad] == ["Mail/cur/1700000000.junk:2,S"]
