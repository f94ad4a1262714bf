"""Backups are complete, atomic, and refuse to overwrite data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from whoknows.config import load_settings
from whoknows.errors import UserError
from whoknows.services import backup, events, network, people
from whoknows.services.people import PersonInput
from whoknows.services.store import Store
from whoknows.storage import dump
from whoknows.storage.engine import head_revision


def _fill(store: Store) -> None:
    people.set_me(store, PersonInput(name="Sam"))
    people.add_person(store, PersonInput(name="Zoë", emails=["zoe@x.test"], trust=3))
    events.add_event(store, "Mixer", dt.date(2026, 5, 1))
    events.met(store, "Mixer", ["Zoë"], giver=True)
    network.log(store, "coffee", ["Zoë"], on=dt.date(2026, 5, 9), minutes=45)


def test_a_gzip_backup_restores_every_table(store: Store, tmp_path: Path) -> None:
    _fill(store)
    target = tmp_path / "b.json.gz"
    written = backup.backup(store, target)
    with Store(load_settings(str(tmp_path / "new.db"))) as fresh:
        restored = backup.restore(fresh, target)
        assert restored == written
        assert people.get_person(fresh, "Zoë") == people.get_person(store, "Zoë")
        assert events.show_event(fresh, "Mixer") == events.show_event(store, "Mixer")


def test_restore_refuses_a_database_with_data(store: Store, tmp_path: Path) -> None:
    _fill(store)
    target = tmp_path / "b.json"
    backup.backup(store, target)
    with pytest.raises(UserError, match="empty database"):
        backup.restore(store, target)
    assert len(people.list_people(store)) == 2


@pytest.mark.parametrize(
    "content",
    ['{"format": "something-else"}', "not json at all", '{"format": "whoknows-backup"', ""],
)
def test_restore_rejects_files_that_are_not_backups(
    sqlite_url: str, tmp_path: Path, content: str
) -> None:
    target = tmp_path / "bad.json"
    target.write_text(content, encoding="utf-8")
    with Store(load_settings(sqlite_url)) as fresh, pytest.raises(UserError):
        backup.restore(fresh, target)


def test_a_backup_is_written_whole_or_not_at_all(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(store)
    target = tmp_path / "b.json"
    target.write_text("previous backup", encoding="utf-8")

    def explode(_value: object) -> object:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(dump, "_out", explode)  # a row fails halfway through the file
    with pytest.raises(RuntimeError):
        backup.backup(store, target)
    assert target.read_text(encoding="utf-8") == "previous backup"
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".b.json")]


def test_a_backup_is_plain_json_with_its_schema_revision(store: Store, tmp_path: Path) -> None:
    _fill(store)
    target = tmp_path / "b.json"
    backup.backup(store, target)
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["format"] == "whoknows-backup"
    assert document["schema"] == head_revision()
    assert len(document["tables"]["people"]["rows"]) == 2


@pytest.mark.postgres
def test_a_restore_into_postgresql_takes_new_rows_after_the_restored_ids(
    sqlite_url: str, postgres_url: str, tmp_path: Path
) -> None:
    # Restored rows keep their ids: PostgreSQL's sequences must go on past them.
    target = tmp_path / "b.json"
    with Store(load_settings(sqlite_url)) as source:
        _fill(source)
        backup.backup(source, target)
    with Store(load_settings(postgres_url)) as restored:
        backup.restore(restored, target)
        ada = people.add_person(restored, PersonInput(name="Ada"))
        events.add_event(restored, "Later mixer", dt.date(2026, 6, 1))
        network.log(restored, "call", ["Ada", "Zoë"], on=dt.date(2026, 6, 2))
        assert people.get_person(restored, "Ada").id == ada.id
