"""Failures a user can cause or fix are one clear line and a non-zero exit (finding 7)."""

from __future__ import annotations

import errno
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, text

from clirun import Cli, Ran
from whoknows import files
from whoknows.cli.main import main
from whoknows.errors import Conflict
from whoknows.services import people
from whoknows.services.people import PersonInput
from whoknows.services.store import Store


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert "internal error" not in err
    return lines[0]


@pytest.fixture
def sqlite_cli(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> Cli:
    """The CLI over a SQLite file only (what these faults are about)."""

    def run(*args: str, db: str | None = None) -> Ran:
        capsys.readouterr()
        code = main([*args, "--db", db or sqlite_url])
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    return run


@pytest.fixture
def fill_disk() -> Iterator[Callable[[], None]]:
    """Call it to make SQLite files unable to grow (what SQLite answers when a disk is full)."""

    def cap(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {max(pages, 1)}")
        cursor.close()

    listening: list[bool] = []

    def fill() -> None:
        event.listen(Engine, "connect", cap)
        listening.append(True)

    yield fill
    if listening:
        event.remove(Engine, "connect", cap)


def _contacts(path: Path, count: int) -> Path:
    rows = "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nEMAIL:p{i}@x.test\r\n"
        f"NOTE:{'a long note ' * 40}\r\nEND:VCARD\r\n"
        for i in range(count)
    )
    path.write_text(rows, encoding="utf-8")
    return path


def test_an_import_onto_a_full_disk_says_so_and_writes_nothing(
    sqlite_cli: Cli, tmp_path: Path, fill_disk: Callable[[], None]
) -> None:
    assert sqlite_cli("me", "Sam").code == 0
    assert sqlite_cli("person", "list", "--json").code == 0
    fill_disk()
    ran = sqlite_cli("import", "vcard", str(_contacts(tmp_path / "c.vcf", 400)))
    assert ran.code == 2
    assert "the disk is full" in _one_line(ran.err)
    assert len(json.loads(sqlite_cli("person", "list", "--json").out)) == 1


def test_a_demo_onto_a_full_disk_says_so(sqlite_cli: Cli, fill_disk: Callable[[], None]) -> None:
    assert sqlite_cli("person", "list", "--json").code == 0
    fill_disk()
    ran = sqlite_cli("demo", "--size", "small", "--json")
    assert ran.code == 2
    assert "the disk is full" in _one_line(ran.err)


def test_a_backup_onto_a_full_disk_says_so_and_keeps_the_old_one(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("me", "Sam").code == 0
    target = tmp_path / "b.json"
    target.write_text("previous", encoding="utf-8")
    real_fsync = files.os.fsync

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", no_space)
    ran = cli("backup", str(target))
    monkeypatch.setattr(files.os, "fsync", real_fsync)
    assert ran.code == 2
    assert "the disk is full" in _one_line(ran.err)
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".b.json")] == []


def test_a_file_that_is_not_sqlite_is_named_as_such(cli: Cli, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\n" * 200, encoding="utf-8")
    ran = cli("person", "list", db=str(notes))
    assert ran.code == 2
    assert "is not a whoknows database" in _one_line(ran.err)
    assert notes.read_text(encoding="utf-8") == "shopping list\n" * 200


def test_a_database_from_a_newer_whoknows_asks_for_an_upgrade(cli: Cli, db_url: str) -> None:
    assert cli("me", "Sam").code == 0
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    ran = cli("person", "list")
    with engine.begin() as connection:  # leave it usable for the fixture's clean-up
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": _head()})
    engine.dispose()
    assert ran.code == 2
    line = _one_line(ran.err)
    assert "made by a newer whoknows (revision 9999)" in line
    assert "upgrade whoknows" in line


def _head() -> str:
    from whoknows.storage.engine import HEAD

    return HEAD


@pytest.mark.parametrize("ref", ["99999999999999999999999", "#18446744073709551616", "0"])
def test_ids_beyond_what_a_database_holds_are_not_found(cli: Cli, ref: str) -> None:
    assert cli("me", "Sam").code == 0
    for command in (["person", "show", ref], ["org", "show", ref], ["event", "show", ref]):
        ran = cli(*command)
        assert ran.code == 2, command
        assert "with id" in _one_line(ran.err)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://someone@db.example:notaport/x",
        "postgresql+psycopg://someone@[::1/x",
        "sqlite://relative/path.db",
    ],
)
def test_a_garbage_database_url_is_one_line(cli: Cli, url: str) -> None:
    ran = cli("person", "list", db=url)
    assert ran.code == 2
    assert "is not valid" in _one_line(ran.err)


def test_an_error_from_the_database_never_shows_sql_or_rows(store: Store) -> None:
    people.add_person(store, PersonInput(name="Private Person", emails=["private@x.test"]))
    with pytest.raises(Conflict) as raised, store.write() as session:
        session.execute(
            text(
                "INSERT INTO person_emails (owner_id, person_id, email) "
                "SELECT 1, id, 'private@x.test' FROM people WHERE name = 'Private Person'"
            )
        )
    shown = str(raised.value)
    for leaked in ("INSERT", "SELECT", "private@x.test", "Private Person", "DETAIL"):
        assert leaked not in shown


# -- the same limits as the web and the API --------------------------------------------------


def test_listing_limits_are_checked(cli: Cli) -> None:
    assert cli("me", "Sam").code == 0
    for args in (
        ["person", "list", "--limit", "-1"],
        ["person", "list", "--limit", "0"],
        ["person", "list", "--limit", "99999999999999999999999"],
        ["person", "find", "Sam", "--limit", "-1"],
        ["org", "list", "--limit", "-1"],
    ):
        ran = cli(*args)
        assert ran.code == 2, args
        assert "out of range" in _one_line(ran.err)


def test_a_bad_option_is_named_as_its_flag(cli: Cli) -> None:
    assert cli("me", "Sam").code == 0
    ran = cli("path", "Sam", "--max-hops", "9")
    assert ran.code == 2
    assert "--max-hops 9 is out of range" in _one_line(ran.err)


def test_an_overlong_reference_is_refused_before_any_search(cli: Cli) -> None:
    assert cli("me", "Sam").code == 0
    huge = "x" * 100_000
    for args in (["person", "show", huge], ["log", "coffee", huge], ["person", "find", huge]):
        ran = cli(*args)
        assert ran.code == 2
        assert "100,000 characters long" in _one_line(ran.err)


def test_a_128_kib_name_is_refused(cli: Cli) -> None:
    ran = cli("person", "add", "n" * 128 * 1024)
    assert ran.code == 2
    assert "characters long" in _one_line(ran.err)


def test_like_wildcards_in_a_search_match_themselves_only(cli: Cli) -> None:
    assert cli("me", "Sam").code == 0
    for name in ("Ann Lee", "Bob Smith", "Cleo_Ray"):
        assert cli("person", "add", name).code == 0
    found = {p["name"] for p in json.loads(cli("person", "find", "_", "--json").out)}
    assert found == {"Cleo_Ray"}
    assert json.loads(cli("person", "find", "%", "--json").out) == []


def test_a_write_kept_waiting_by_another_writer_says_try_again(
    sqlite_cli: Cli, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from whoknows.storage import engine

    assert sqlite_cli("me", "Sam").code == 0
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        ran = sqlite_cli("person", "add", "Patient")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert ran.code == 4
    assert "is busy" in _one_line(ran.err)
    assert sqlite_cli("person", "add", "Patient").code == 0
