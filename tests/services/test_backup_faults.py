"""Backups under faults: taken while others write, killed half-way, read back, per owner."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, func, insert, select

from whoknows import files
from whoknows.config import load_settings
from whoknows.errors import UserError
from whoknows.services import backup, events, exports, network, people
from whoknows.services.people import PersonInput
from whoknows.services.store import Store
from whoknows.storage import schema as s


def _fill(store: Store, prefix: str = "") -> None:
    people.set_me(store, PersonInput(name=f"{prefix}Sam"))
    people.add_person(
        store, PersonInput(name=f"{prefix}Zoë", emails=[f"{prefix.strip()}zoe@x.test"])
    )
    people.add_person(store, PersonInput(name=f"{prefix}Omar"))
    network.know(store, f"{prefix}Zoë", f"{prefix}Omar", strength=0.6)
    events.add_event(store, f"{prefix}Mixer", dt.date(2026, 5, 1))
    events.met(store, f"{prefix}Mixer", [f"{prefix}Zoë"], giver=True)


def test_a_backup_taken_while_another_process_writes_restores_whole(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    """Finding 1: rows written between two tables of the backup pointed at missing rows."""
    _fill(store)
    target = tmp_path / "during.json"
    with Store(load_settings(db_url)) as writer:

        def write_meanwhile(table: str, _count: int) -> None:
            if table == "people":  # people are in the file; their ties are still to come
                people.add_person(writer, PersonInput(name="Late Comer", emails=["l@c.test"]))
                network.know(writer, "Late Comer", "Zoë", strength=0.4)

        written = backup.backup(store, target, progress=write_meanwhile)
    assert people.get_person(store, "Late Comer")  # the write itself succeeded
    with Store(load_settings(str(tmp_path / "restored.db"))) as fresh:
        assert backup.restore(fresh, target) == written
        assert {p.name for p in people.list_people(fresh)} == {"Sam", "Zoë", "Omar"}


def test_a_backup_is_synced_to_disk_before_it_replaces_the_old_one(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 9: no fsync before the rename."""
    _fill(store)
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        calls.append("fsync")
        real_fsync(fd)

    def replace(a: object, b: object) -> None:
        calls.append("replace")
        real_replace(a, b)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    backup.backup(store, tmp_path / "b.json")
    assert "replace" in calls
    assert "fsync" in calls[: calls.index("replace")]


_SLOW_BACKUP = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from whoknows.config import load_settings
    from whoknows.services import backup
    from whoknows.services.store import Store

    def slow(table, count):
        print(table, flush=True)
        time.sleep(60)

    with Store(load_settings(sys.argv[1])) as store:
        backup.backup(store, Path(sys.argv[2]), progress=slow)
    """
)


def test_a_killed_backup_leaves_its_temp_file_only_until_the_next_backup(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    """Finding 9: a killed backup left a hidden temp file behind for good."""
    _fill(store)
    target = tmp_path / "b.json"
    process = subprocess.Popen(
        [sys.executable, "-c", _SLOW_BACKUP, db_url, str(target)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.readline()  # it has started writing
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    process.stdout.close()
    left = [p for p in tmp_path.iterdir() if p.name.startswith(".b.json")]
    assert left, "the killed backup left its temporary file"
    assert not target.exists()
    backup.backup(store, target)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".b.json")]
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "whoknows-backup"


def test_a_backup_that_reads_back_wrong_keeps_the_previous_file(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(store)
    target = tmp_path / "b.json"
    target.write_text("previous backup", encoding="utf-8")
    real_verify = backup._verify

    def damaged_on_disk(path: Path, **kwargs: object) -> None:
        document = json.loads(path.read_text(encoding="utf-8"))
        document["tables"]["people"]["rows"][0][2] = "Someone Else"
        path.write_text(json.dumps(document), encoding="utf-8")
        real_verify(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(backup, "_verify", damaged_on_disk)
    with pytest.raises(UserError, match="differs from what was written"):
        backup.backup(store, target)
    assert target.read_text(encoding="utf-8") == "previous backup"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".b.json")]


def test_a_backup_records_its_row_counts_and_content_hash(store: Store, tmp_path: Path) -> None:
    _fill(store)
    written = backup.backup(store, tmp_path / "b.json")
    document = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert document["check"]["rows"] == written
    assert len(document["check"]["sha256"]) == 64


def test_a_backup_file_is_readable_by_its_owner_only(store: Store, tmp_path: Path) -> None:
    _fill(store)
    backup.backup(store, tmp_path / "b.json.gz")
    assert (tmp_path / "b.json.gz").stat().st_mode & 0o777 == files.PRIVATE_FILE


# -- tenancy (finding 11) --------------------------------------------------------------------


@pytest.fixture
def second_owner(db_url: str) -> Iterator[Store]:
    """The same database opened as a second owner (team mode keeps several in one)."""
    opened = Store(load_settings(db_url))
    with opened.write() as session:
        session.execute(insert(s.Account).values(id=2, name="second"))
    opened.owner_id = 2
    yield opened
    opened.close()


def _names_of(store: Store, owner: int) -> set[str]:
    with store.read() as session:
        return set(session.scalars(select(s.Person.name).where(s.Person.owner_id == owner)))


def test_backup_and_export_json_hold_only_their_owners_rows(
    store: Store, second_owner: Store, tmp_path: Path
) -> None:
    _fill(store, "one ")
    _fill(second_owner, "two ")
    backup.backup(second_owner, tmp_path / "two.json")
    exports.export_json(second_owner, tmp_path / "two-export.json")
    for name in ("two.json", "two-export.json"):
        document = json.loads((tmp_path / name).read_text(encoding="utf-8"))
        tables = document["tables"]
        people_names = {
            row[tables["people"]["columns"].index("name")] for row in tables["people"]["rows"]
        }
        assert people_names == {"two Sam", "two Zoë", "two Omar"}
        assert [row[0] for row in tables["accounts"]["rows"]] == [2]
        for table, block in tables.items():
            if "owner_id" in block["columns"]:
                at = block["columns"].index("owner_id")
                assert {row[at] for row in block["rows"]} <= {2}, table


def test_restore_writes_only_its_owners_rows(
    store: Store, second_owner: Store, tmp_path: Path
) -> None:
    _fill(store, "one ")
    _fill(second_owner, "two ")
    backup.backup(second_owner, tmp_path / "two.json")
    before_one = _names_of(store, 1)
    with second_owner.write() as session:  # owner 2 loses their network
        for table in reversed(s.Base.metadata.sorted_tables):
            if "owner_id" in table.c:
                session.execute(delete(table).where(table.c.owner_id == 2))
    backup.restore(second_owner, tmp_path / "two.json")
    assert _names_of(store, 1) == before_one
    assert _names_of(store, 2) == {"two Sam", "two Zoë", "two Omar"}
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(s.Account)) == 2
