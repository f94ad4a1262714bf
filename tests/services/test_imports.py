"""The one merge step: exact keys, fuzzy candidates through a resolver, idempotent imports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from whoknows.errors import ImportParseError, UserError
from whoknows.services import imports, network, people, review
from whoknows.services.store import Store
from whoknows.storage import schema as s

FIXTURES = Path(__file__).parents[1] / "fixtures"
HAND = FIXTURES / "handmade"
REAL = FIXTURES / "real-exports"
TODAY = dt.date(2024, 6, 1)
JAN, MAR, MAY = dt.date(2024, 1, 15), dt.date(2024, 3, 1), dt.date(2024, 5, 1)


def counts(store: Store) -> dict[str, int]:
    with store.read() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in s.Base.metadata.sorted_tables
            if table.name not in {"accounts", "imports", "import_changes"}  # bookkeeping
        }


def run(store: Store, path: Path, **options: object) -> imports.ImportReport:
    return imports.import_file(store, path, today=TODAY, **options)  # type: ignore[arg-type]


def test_importing_the_same_linkedin_file_twice_changes_nothing(store: Store) -> None:
    first = run(store, HAND / "linkedin-connections-with-notes-preamble.csv")
    assert (first.created, first.skipped) == (3, 0)
    before = counts(store)
    again = run(store, HAND / "linkedin-connections-with-notes-preamble.csv")
    assert (again.created, again.merged, again.updated) == (0, 0, 0)
    assert again.skipped_reasons == {"unchanged": 3}
    assert counts(store) == before


@pytest.mark.parametrize("path", sorted(REAL.rglob("*.vcf")), ids=lambda p: p.name)
def test_every_real_vcard_imports_and_reimports_as_a_no_op(store: Store, path: Path) -> None:
    first = run(store, path)
    assert first.errors == []
    before = counts(store)
    again = run(store, path)
    assert again.created == again.merged == again.updated == 0
    assert counts(store) == before


def test_android_quoted_printable_gives_one_person_per_card(store: Store) -> None:
    report = run(store, REAL / "ez-vcard" / "John_Doe_ANDROID.vcf")
    assert report.created == 6
    assert any(p.name == " ".join(["Ñ"] * 11) for p in people.list_people(store))


def test_the_same_person_from_five_sources_ends_up_as_one(store: Store, tmp_path: Path) -> None:
    people.set_me(store, people.PersonInput(name="Me Myself", emails=["me@example.com"]))
    run(store, HAND / "google-contacts-legacy-type-value-utf16.csv")
    run(
        store,
        HAND / "linkedin-connections-with-notes-preamble.csv",
        resolver=imports.AutoResolver(),
    )
    card = tmp_path / "dana.vcf"
    card.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Dana Whitfield\nEMAIL:DANA@northwind.example\n"
        "TEL:+44 20 7946 0958\nCATEGORIES:Mentors\nEND:VCARD\n",
        encoding="utf-8",
    )
    run(store, card)
    calendar = tmp_path / "meet.ics"
    calendar.write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:m1\nDTSTART:20240301T100000Z\n"
        "SUMMARY:Partnership chat\nORGANIZER:mailto:me@example.com\n"
        "ATTENDEE;CN=Dana W.:mailto:dana@northwind.example\n"
        "ATTENDEE;CN=Kenji Sato:mailto:kenji@fabrikam.example\nEND:VEVENT\nEND:VCALENDAR\n",
        encoding="utf-8",
    )
    meeting = run(store, calendar)
    assert meeting.interactions == 1
    mailbox = run(store, HAND / "mbox-conversations-lists-bounces-rfc2047.mbox", skip_bad_rows=True)
    assert mailbox.interactions == 3  # Kenji's message has no Date: its "From " line says when
    danas = [p for p in people.list_people(store) if "Dana" in p.name]
    assert len(danas) == 1
    (dana,) = danas
    assert set(dana.emails) == {"dana@northwind.example", "dana.w@gmail.example"}
    assert dana.tags == ("Mentors", "Referral partners")
    with store.read() as session:
        links = session.scalars(select(s.PersonLink.url)).all()
        assert "https://www.linkedin.com/in/dana-whitfield-4a1b2c" in links
        ties = session.scalar(select(func.count()).select_from(s.Tie))
        assert ties
        assert ties >= 4
    assert run(store, calendar).interactions == 0


def _linkedin(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "Connections.csv"
    header = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    path.write_text(header + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def test_a_likely_person_is_queued_by_default_and_merged_by_dedupe_auto(
    store: Store, tmp_path: Path
) -> None:
    people.add_person(store, people.PersonInput(name="Dana Whitfield", organization="Northwind"))
    path = _linkedin(tmp_path, "dana ,whitfield,https://linkedin.com/in/dw,,Northwind Inc.,,")
    report = run(store, path)
    assert (report.created, report.queued) == (1, 1)
    assert len(people.list_people(store)) == 2
    (pair,) = review.page(store).pairs
    assert (pair.rule, pair.reason) == ("name-org", "same name and organization")
    outcome = review.dedupe(store, imports.AutoResolver())
    assert outcome["merged"] == 1
    assert len(people.list_people(store)) == 1
    assert review.page(store).pairs == []


def test_a_row_with_the_wrong_number_of_fields_fails_the_import_and_writes_nothing(
    store: Store, tmp_path: Path
) -> None:
    path = _linkedin(
        tmp_path,
        "Bo,Chen,https://www.linkedin.com/in/bo-chen,,Fabrikam,CTO,01 Apr 2022",
        "Dana,Whitfield,https://www.linkedin.com/in/dw,,Northwind,Partner,01 Apr 2022,extra",
    )
    with pytest.raises(ImportParseError, match=r"Connections.csv:3: 8 fields") as caught:
        run(store, path)
    assert "--skip-bad-rows" in (caught.value.hint_for("cli") or "")
    assert "--skip-bad-rows" not in str(caught.value), "a page or the API names no flag"
    assert counts(store)["people"] == 0


def test_skip_bad_rows_imports_the_good_ones_and_reports_the_bad(
    store: Store, tmp_path: Path
) -> None:
    path = _linkedin(
        tmp_path,
        "Bo,Chen,https://www.linkedin.com/in/bo-chen,,Fabrikam,CTO,01 Apr 2022",
        "Dana,Whitfield,https://www.linkedin.com/in/dw,,Northwind,Partner,01 Apr 2022,extra",
    )
    report = run(store, path, skip_bad_rows=True)
    assert report.created == 1
    assert report.errors == [
        {"source": "Connections.csv", "line": 3, "reason": "8 fields where the header has 7"}
    ]


def test_a_bad_connected_on_date_keeps_the_person_without_it(store: Store) -> None:
    report = run(store, HAND / "linkedin-connections-bad-date.csv")
    assert (report.created, report.errors) == (2, [])
    assert report.warnings == [
        "linkedin-connections-bad-date.csv:2: date 'the other day' is not in a form LinkedIn "
        "writes (like 15 Mar 2023); left out"
    ]
    dana = people.get_person(store, "Dana Whitfield")
    assert (dana.organization, dana.met_on) == ("Northwind Traders", None)


def test_dry_run_reports_but_writes_nothing(store: Store) -> None:
    report = run(store, HAND / "linkedin-connections-with-notes-preamble.csv", dry_run=True)
    assert report.created == 3
    assert counts(store)["people"] == 0


def test_outlook_referred_by_becomes_a_referral_source(store: Store) -> None:
    people.set_me(store, people.PersonInput(name="Me Myself"))
    report = run(store, HAND / "outlook-88-columns-cp1252.csv")
    assert report.created == 2
    with store.read() as session:
        referral = session.scalars(select(s.Referral)).one()
        assert session.get(s.Person, referral.from_id).name == "Dana Whitfield"  # type: ignore[union-attr]
        assert session.get(s.Person, referral.about_id).name == "François Dupré"  # type: ignore[union-attr]
    run(store, HAND / "outlook-88-columns-cp1252.csv")
    assert counts(store)["referrals"] == 1


def test_a_mailbox_needs_my_address(store: Store) -> None:
    people.set_me(store, people.PersonInput(name="Me Myself"))
    with pytest.raises(UserError, match="your own address"):
        run(store, HAND / "mbox-conversations-lists-bounces-rfc2047.mbox")


def test_cp1252_files_import_with_a_warning_and_names_kept(store: Store) -> None:
    report = run(store, HAND / "outlook-wizard-german-headers-cp1252.csv")
    assert any("cp1252" in w for w in report.warnings)
    assert people.list_people(store)[0].name == "Jürgen Müller"


def _message(sender: str, to: str, cc: str, day: dt.date, number: int) -> str:
    stamp = f"{day:%a, %d %b %Y} 10:00:00 +0000"
    return (
        f"From {sender} Mon Jan  1 00:00:00 2024\nFrom: {sender}\nTo: {to}\nCc: {cc}\n"
        f"Date: {stamp}\nSubject: hello {number}\nMessage-ID: <{number}@example.com>\n\n"
        f"body {number}\n\n"
    )


def test_mail_written_in_bulk_sets_stage_first_meeting_and_widens_ties(
    store: Store, tmp_path: Path
) -> None:
    people.set_me(store, people.PersonInput(name="Me Myself", emails=["me@example.com"]))
    people.add_person(store, people.PersonInput(name="Ana Lima", emails=["ana@example.com"]))
    network.know(store, "me", "Ana Lima", since=dt.date(2024, 2, 1))
    mbox = tmp_path / "mail.mbox"
    mbox.write_text(
        _message("me@example.com", "Ana Lima <ana@example.com>", "ben@example.com", MAR, 1)
        + _message("ana@example.com", "me@example.com", "", JAN, 2)
        + _message("Ben Ng <ben@example.com>", "me@example.com", "ana@example.com", MAY, 3),
        encoding="utf-8",
    )
    report = run(store, mbox)
    assert (report.interactions, report.people_created) == (3, 1)
    with store.read() as session:
        ana = session.scalars(select(s.Person).where(s.Person.name == "Ana Lima")).one()
        ben_id = select(s.PersonEmail.person_id).where(s.PersonEmail.email == "ben@example.com")
        ben = session.scalars(select(s.Person).where(s.Person.id.in_(ben_id))).one()
        assert (ana.stage, ana.met_on, ben.stage, ben.met_on) == ("met", JAN, "met", MAR)
        ties = {
            frozenset((t.person_a_id, t.person_b_id)): (t.since, t.last_seen)
            for t in session.scalars(select(s.Tie))
        }
        me = session.scalars(select(s.Person).where(s.Person.is_me)).one()
        # Widened back from Feb 1; last seen no earlier than May (I was told of it today).
        since, last = ties[frozenset((me.id, ana.id))]
        assert since == JAN
        assert last is not None
        assert last >= MAY
        assert ties[frozenset((me.id, ben.id))] == (MAR, MAY)
        assert ties[frozenset((ana.id, ben.id))] == (MAR, MAY)
        assert session.scalar(select(func.count()).select_from(s.InteractionPerson)) == 5
    before = counts(store)
    again = run(store, mbox)
    assert (again.interactions, again.people_created, again.ties) == (0, 0, 0)
    assert counts(store) == before
    logged = network.log(store, "coffee", ["ben@example.com"], on=TODAY)  # ids keep counting up
    with store.read() as session:
        imported = session.scalars(select(s.Interaction.id).where(s.Interaction.kind == "email"))
        assert logged.id > max(imported)


def test_a_google_yearless_birthday_is_kept_once(store: Store) -> None:
    run(store, HAND / "google-contacts-current-label-value.csv")
    run(store, HAND / "google-contacts-current-label-value.csv")
    with store.read() as session:
        kept = session.execute(select(s.PersonExtra.key, s.PersonExtra.value)).all()
    assert [tuple(row) for row in kept] == [("birthday", "--11-02")]


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("1980-03-15", "1980-03-15"),
        ("19800315", "1980-03-15"),
        ("1980-03-15T00:00:00Z", "1980-03-15"),
        ("--0229", "--02-29"),
        ("--11-02", "--11-02"),
        ("--13-01", None),
        ("1981-02-29", None),
        ("soon", None),
    ],
)
def test_birthdays_are_stored_in_one_form(raw: str, kept: str | None) -> None:
    assert imports.birthday(raw) == kept
