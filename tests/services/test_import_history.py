"""Every import is recorded, and `import undo` takes it back exactly."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from whoknows.errors import ImportParseError, UserError
from whoknows.services import events, imports, network, people, review
from whoknows.services.store import Store
from whoknows.storage import schema as s

HAND = Path(__file__).parents[1] / "fixtures" / "handmade"
REAL = Path(__file__).parents[1] / "fixtures" / "real-exports"
TODAY = dt.date(2024, 6, 1)
BOOKKEEPING = {"accounts", "imports", "import_changes", "graph_changes"}


def content(store: Store) -> str:
    """A hash of every row of every table that holds the user's data."""
    digest = hashlib.sha256()
    with store.read() as session:
        for table in s.Base.metadata.sorted_tables:
            if table.name in BOOKKEEPING:
                continue
            rows = session.execute(select(table)).all()
            lines = sorted(json.dumps([_plain(v) for v in row], default=str) for row in rows)
            digest.update(f"{table.name}:{len(lines)}\n".encode())
            for line in lines:
                digest.update(line.encode() + b"\n")
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(timespec="seconds")
    return value


@pytest.fixture
def network_with_history(store: Store) -> Store:
    people.set_me(store, people.PersonInput(name="Me Myself", emails=["me@example.com"]))
    people.add_person(
        store, people.PersonInput(name="Dana Whitfield", emails=["dana@northwind.example"])
    )
    people.add_person(store, people.PersonInput(name="Ana Lima", emails=["ana@example.com"]))
    network.know(store, "me", "Ana Lima", since=dt.date(2024, 2, 1))
    return store


@pytest.mark.parametrize(
    ("path", "options"),
    [
        (HAND / "outlook-88-columns-cp1252.csv", {}),
        (HAND / "google-contacts-legacy-type-value-utf16.csv", {}),
        (HAND / "linkedin-connections-with-notes-preamble.csv", {"resolver": "auto"}),
        (HAND / "mbox-conversations-lists-bounces-rfc2047.mbox", {"skip_bad_rows": True}),
        (HAND / "calendar-broken-values-in-parts-not-used.ics", {"skip_bad_rows": True}),
        (REAL / "ez-vcard" / "John_Doe_IPHONE.vcf", {}),
    ],
    ids=lambda v: v.name if isinstance(v, Path) else "",
)
def test_import_then_undo_leaves_the_content_exactly_as_it_was(
    network_with_history: Store, path: Path, options: dict[str, Any]
) -> None:
    store = network_with_history
    if options.get("resolver") == "auto":
        options = {**options, "resolver": imports.AutoResolver()}
    before = content(store)
    report = imports.import_file(store, path, today=TODAY, **options)
    assert content(store) != before, "the import changed something"
    assert report.id is not None
    done = imports.undo(store, report.id)
    assert done.kept == []
    assert done.conflicts == []
    assert content(store) == before


def test_undo_restores_what_an_import_filled_in_on_someone_known(
    network_with_history: Store,
) -> None:
    store = network_with_history
    report = imports.import_file(
        store,
        HAND / "mbox-conversations-lists-bounces-rfc2047.mbox",
        today=TODAY,
        skip_bad_rows=True,
    )
    dana = people.get_person(store, "Dana Whitfield")
    assert (dana.stage, dana.met_on) == ("met", dt.date(2024, 3, 4))
    assert report.id is not None
    done = imports.undo(store, report.id)
    assert done.restored >= 2
    dana = people.get_person(store, "Dana Whitfield")
    assert (dana.stage, dana.met_on) == (None, None)


def test_a_person_recorded_about_since_is_kept_and_undo_says_so(store: Store) -> None:
    people.set_me(store, people.PersonInput(name="Me Myself", emails=["me@example.com"]))
    report = imports.import_file(store, HAND / "outlook-com-contacts.csv", today=TODAY)
    grace = next(p for p in people.list_people(store) if not p.is_me)
    events.add_event(store, "Chamber breakfast", dt.date(2024, 6, 1))
    events.met(store, "Chamber breakfast", [f"#{grace.id}"])
    assert report.id is not None
    done = imports.undo(store, report.id)
    assert len(done.kept) == 1
    assert done.kept[0].startswith(f"#{grace.id} {grace.name}: ")
    assert people.get_person(store, f"#{grace.id}").name == grace.name


def test_imports_are_listed_and_an_import_is_undone_once(store: Store) -> None:
    first = imports.import_file(store, HAND / "outlook-com-contacts.csv", today=TODAY)
    imports.import_file(store, HAND / "linkedin-connections-with-notes-preamble.csv", today=TODAY)
    listed = imports.entries(store)
    assert [(e.kind, e.file_name, e.status) for e in listed] == [
        ("linkedin", "linkedin-connections-with-notes-preamble.csv", "done"),
        ("outlook", "outlook-com-contacts.csv", "done"),
    ]
    assert listed[1].counts["created"] == first.created
    assert listed[1].file_hash is not None
    assert len(listed[1].file_hash) == 64
    assert first.id is not None
    imports.undo(store, first.id)
    assert imports.entries(store)[1].status == "undone"
    with pytest.raises(UserError, match="was undone already"):
        imports.undo(store, first.id)


def test_a_failed_import_leaves_nothing_and_is_recorded_as_failed(store: Store) -> None:
    before = content(store)
    with pytest.raises(ImportParseError):
        imports.import_file(
            store, HAND / "linkedin-connections-bad-date-and-extra-cells.csv", today=TODAY
        )
    assert content(store) == before
    assert [e.status for e in imports.entries(store)] == ["failed"]


def test_an_interrupted_import_is_taken_back_by_the_next_one(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash between two of an import's transactions: the next import cleans it up."""
    from whoknows.services.imports import history, run

    monkeypatch.setattr(run, "CHUNK", 1)
    monkeypatch.setattr(history, "fail", lambda store, import_id: None)  # the process "dies"
    calls = {"n": 0}
    real = run._commit

    def dies_on_the_second(*args: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        real(*args)

    monkeypatch.setattr(run, "_commit", dies_on_the_second)
    before = content(store)
    with pytest.raises(KeyboardInterrupt):
        imports.import_file(
            store, HAND / "linkedin-connections-with-notes-preamble.csv", today=TODAY
        )
    assert content(store) != before, "the first transaction was committed"
    monkeypatch.undo()
    report = imports.import_file(store, HAND / "outlook-com-contacts.csv", today=TODAY)
    assert any("was interrupted" in w for w in report.warnings)
    assert [e.status for e in imports.entries(store)][1] == "failed"
    assert {p.name for p in people.list_people(store)} == {"Grace Hopper"}


def test_the_review_queue_pages_the_most_likely_pairs_first(store: Store) -> None:
    for i in range(5):
        people.add_person(store, people.PersonInput(name=f"Twin {i}", organization="Acme"))
        people.add_person(store, people.PersonInput(name=f"Twin {i}", organization="Acme"))
    people.add_person(store, people.PersonInput(name="Solo Rare", emails=["a@x.example"]))
    people.add_person(store, people.PersonInput(name="Solo Rare", emails=["b@x.example"]))
    first = review.page(store, limit=4)
    assert (first.total, len(first.pairs)) == (6, 4)
    assert [p.rule for p in first.pairs] == ["name-org"] * 4
    last = review.page(store, limit=4, offset=4)
    assert [p.rule for p in last.pairs] == ["name-org", "rare-name"]
    pair = last.pairs[-1]
    assert {pair.a.emails, pair.b.emails} == {("a@x.example",), ("b@x.example",)}
    assert pair.a.source == "added in whoknows"


def test_a_long_import_tells_its_progress_as_it_goes(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whoknows.services.imports import run

    monkeypatch.setattr(run, "CHUNK", 100)
    monkeypatch.setattr(run, "MAX_CHUNK", 100)
    path = tmp_path / "Connections.csv"
    path.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        + "".join(f"P,{i},https://www.linkedin.com/in/p{i},,Acme,,\n" for i in range(1000)),
        encoding="utf-8",
    )
    told: list[tuple[int, float | None]] = []
    imports.import_file(store, path, today=TODAY, progress=lambda n, f: told.append((n, f)))
    assert [n for n, _ in told] == list(range(100, 1001, 100))
    fractions = [f for _, f in told]
    assert all(f is not None for f in fractions)
    assert fractions == sorted(fractions)
    assert fractions[-1] == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize(
    ("seconds_per_record", "sizes"),
    [
        (0.00001, [2000, 4000, 8000, 16000, 20000, 20000]),  # fast: fuller transactions
        (0.001, [2000, 2000, 2000, 2000, 2000, 2000]),  # slow: never below the first size
        (0.0002, [2000, 4000, 5000, 5000, 5000, 5000]),  # about a second each
    ],
)
def test_an_imports_transactions_last_about_a_second(
    monkeypatch: pytest.MonkeyPatch, seconds_per_record: float, sizes: list[int]
) -> None:
    """Other writers wait for one transaction at most: its size follows how long the last
    one took, between the first size and the largest."""
    from whoknows.services.imports import run

    clock = [0.0]
    monkeypatch.setattr(run.time, "monotonic", lambda: clock[0])
    taken = []
    for chunk in run._chunks(iter(range(100_000))):  # type: ignore[arg-type]
        taken.append(len(chunk))
        clock[0] += len(chunk) * seconds_per_record  # the transaction's work
        if len(taken) == len(sizes):
            break
    assert taken == sizes
