"""One identity engine for every way a person arrives: imports, capture, referrals, `person add`.

The same inputs get the same answer whichever door they come through; only what an
adapter does with a likely person differs (an import queues it, capture asks).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from whoknows.config import load_settings
from whoknows.errors import Ambiguous, Conflict
from whoknows.services import events, imports, people, referrals, review
from whoknows.services.store import Store
from whoknows.storage import schema as s

TODAY = dt.date(2024, 6, 1)


@pytest.fixture
def known(store: Store) -> Store:
    people.set_me(store, people.PersonInput(name="Me Myself", emails=["me@example.com"]))
    people.add_person(
        store,
        people.PersonInput(
            name="Dana Whitfield", emails=["dana@northwind.example"], organization="Northwind"
        ),
    )
    people.add_person(store, people.PersonInput(name="Wojciech Iksiński", organization="Polmex"))
    for org in ("A", "B", "C"):
        people.add_person(store, people.PersonInput(name="Maria Garcia", organization=org))
    events.add_event(store, "Breakfast", TODAY)
    return store


def _card(tmp_path: Path, name: str, email: str | None, org: str | None) -> Path:
    path = tmp_path / f"{abs(hash((name, email, org)))}.vcf"
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{name}"]
    lines += [f"EMAIL:{email}"] if email else []
    lines += [f"ORG:{org}"] if org else []
    path.write_text("\n".join([*lines, "END:VCARD", ""]), encoding="utf-8")
    return path


def _capture(name: str, email: str | None, org: str | None) -> str:
    return name + (f" <{email}>" if email else "") + (f" @{org}" if org else "")


def _count(store: Store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(s.Person)) or 0


def test_a_shared_email_is_the_same_person_through_every_door(known: Store, tmp_path: Path) -> None:
    dana = people.get_person(known, "dana@northwind.example")
    inputs = ("D. Whitfield", "DANA@northwind.example", None)
    report = imports.import_file(known, _card(tmp_path, *inputs), today=TODAY)
    assert report.created == 0
    met = events.met(known, "Breakfast", [_capture(*inputs)])
    assert [p.id for p in met.people] == [dana.id]
    assert met.recognized == [(dana.id, "they share the email dana@northwind.example")]
    referral = referrals.add(known, "Wojciech", _capture(*inputs), on=TODAY)
    assert referral.about is not None
    assert referral.about.id == dana.id
    with pytest.raises(Conflict, match="already belongs to"):
        people.add_person(
            known, people.PersonInput(name="Dana W", emails=["dana@northwind.example"])
        )


def test_the_same_name_at_the_same_organization_is_likely_through_every_door(
    known: Store, tmp_path: Path
) -> None:
    dana = people.get_person(known, "dana@northwind.example")
    inputs = ("Dana Whitfield", None, "Northwind Inc.")
    report = imports.import_file(
        known, _card(tmp_path, *inputs), today=TODAY, resolver=imports.AutoResolver()
    )
    assert (report.created, report.merged) == (0, 1)
    met = events.met(known, "Breakfast", [_capture(*inputs)])
    assert met.recognized == [(dana.id, "same name and organization")]
    referral = referrals.add(known, "Wojciech", _capture(*inputs), on=TODAY)
    assert referral.about is not None
    assert referral.about.id == dana.id


def test_a_rare_name_elsewhere_is_offered_not_taken_through_every_door(
    known: Store, tmp_path: Path
) -> None:
    wojciech = people.get_person(known, "Wojciech")
    inputs = ("Wojciech Iksinski", "wi@kamsoft.example", None)
    report = imports.import_file(known, _card(tmp_path, *inputs), today=TODAY, dry_run=True)
    assert (report.created, report.queued) == (1, 1)
    with pytest.raises(Ambiguous) as at_the_event:
        events.met(known, "Breakfast", [_capture(*inputs)])
    assert [(o.id, o.reason) for o in at_the_event.value.choices] == [
        (wojciech.id, "same name, and nobody else in your network has it")
    ]
    with pytest.raises(Ambiguous) as in_a_referral:
        referrals.add(known, "Dana", _capture(*inputs), on=TODAY)
    assert in_a_referral.value.choices == at_the_event.value.choices
    imports.import_file(known, _card(tmp_path, *inputs), today=TODAY)
    (pair,) = [p for p in review.page(known).pairs if wojciech.id in {p.a.id, p.b.id}]
    assert (pair.rule, pair.reason) == (
        "rare-name",
        "same name, and nobody else in your network has it",
    )
    met = events.met(
        known, "Breakfast", [_capture("Wojciech Iksinski", None, "Elsewhere")], new=True
    )
    assert met.created


def test_a_common_name_alone_is_someone_new_through_every_door(
    known: Store, tmp_path: Path
) -> None:
    before = _count(known)
    report = imports.import_file(known, _card(tmp_path, "Maria García", None, "Zeta"), today=TODAY)
    assert (report.created, report.queued) == (1, 0)
    met = events.met(known, "Breakfast", [_capture("Maria García", None, "Eta")])
    assert met.created
    referrals.add(known, "Dana", _capture("Maria García", None, "Theta"), on=TODAY)
    assert _count(known) == before + 3


# -- realistic names ----------------------------------------------------------------------


def test_namesakes_with_different_profiles_are_never_fused(store: Store, tmp_path: Path) -> None:
    """Many people share a first and last name, at the same companies; their LinkedIn profile
    URLs tell them apart, in whatever form the export writes them."""
    rng = random.Random(7)
    names = list(itertools.product(["John", "Maria", "Wei"], ["Smith", "Garcia", "Chen"]))
    rows, urls = [], []
    for i in range(300):
        first, last = rng.choice(names)
        url = f"https://www.linkedin.com/in/{first.lower()}-{last.lower()}-{i}"
        urls.append(url)
        rows.append(f"{first},{last},{url},,{rng.choice(['Acme', 'Globex'])},,01 Apr 2022")
    for i in (3, 50, 120):  # the same profile again, in another URL form
        first, last = rows[i].split(",")[:2]
        form = urls[i].replace("https://www.", "http://uk.").upper() + "/?trk=x"
        rows.append(f"{first},{last},{form},,Acme,,01 Apr 2022")
    path = tmp_path / "Connections.csv"
    path.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        + "\n".join(rows)
        + "\n",
        encoding="utf-8",
    )
    report = imports.import_file(store, path, today=TODAY)
    assert (report.created, report.queued) == (300, 0)
    with store.read() as session:
        per_person = session.execute(
            select(s.PersonLink.person_id, func.count())
            .group_by(s.PersonLink.person_id)
            .having(func.count() > 1)
        ).all()
    assert per_person == [], "no person holds two profiles"
    again = imports.import_file(store, path, today=TODAY)
    assert (again.created, again.updated, again.merged) == (0, 0, 0)


# -- other writers during an import --------------------------------------------------------


def test_other_writers_get_their_turn_during_an_import(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import holds the write lock a chunk at a time; a writer whose busy timeout is
    shorter than the whole import still gets in."""
    from whoknows.services.imports import run, step
    from whoknows.storage import engine

    path = tmp_path / "Connections.csv"
    path.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        + "".join(f"P,{i},https://www.linkedin.com/in/p{i},,Acme,,\n" for i in range(60)),
        encoding="utf-8",
    )
    monkeypatch.setattr(run, "CHUNK", 5)
    slow = step.Step.run

    def a_slow_chunk(self: Any, writer: Any, records: Any) -> None:
        time.sleep(0.15)  # each transaction holds the lock a while: 12 × 0.15 s in all
        slow(self, writer, records)

    monkeypatch.setattr(step.Step, "run", a_slow_chunk)
    importer = Store(load_settings(sqlite_url))
    done: list[Any] = []
    thread = threading.Thread(
        target=lambda: done.append(imports.import_file(importer, path, today=TODAY))
    )
    thread.start()
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 1000)  # far less than the whole import
    writer = Store(load_settings(sqlite_url))
    added = []
    try:
        while thread.is_alive() and len(added) < 5:
            added.append(
                people.add_person(writer, people.PersonInput(name=f"Walk-in {len(added)}"))
            )
    finally:
        thread.join()
        writer.close()
        importer.close()
    assert len(added) == 5
    assert done
    assert done[0].created == 60


def test_two_imports_at_once_both_succeed_one_after_the_other(db_url: str, tmp_path: Path) -> None:
    """The second waits for the first (one import at a time) instead of failing."""
    paths = []
    for n in (1, 2):
        path = tmp_path / f"Connections-{n}.csv"
        path.write_text(
            "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
            + "".join(
                f"Person,{n}-{i},https://www.linkedin.com/in/p{n}-{i},,Acme,,\n" for i in range(400)
            )
            + "".join(
                f"Shared,{i},https://www.linkedin.com/in/shared-{i},,Acme,,\n" for i in range(50)
            ),
            encoding="utf-8",
        )
        paths.append(path)
    done: list[Any] = []
    failed: list[BaseException] = []

    def run(path: Path) -> None:
        store = Store(load_settings(db_url))
        try:
            done.append(imports.import_file(store, path, today=TODAY))
        except BaseException as exc:  # pragma: no cover - what the test looks for
            failed.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=run, args=(p,)) for p in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed == []
    assert sorted(r.created for r in done) == [400, 450]  # the profiles both share: made once
    store = Store(load_settings(db_url))
    try:
        assert _count(store) == 850
    finally:
        store.close()
