"""What whoknows writes is its user's alone: 0600 files in 0700 folders (finding 12).

The database, its WAL and SHM, report.html, drafts and exports were created 0644 in 0755
folders. Each command runs as a fresh process under a permissive umask (022), as a shell
usually has it.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest


def _whoknows(*args: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "whoknows", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert done.returncode == 0, done.stderr


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "WHOKNOWS_DATA_DIR": str(tmp_path / "data"),
        "WHOKNOWS_CONFIG_DIR": str(tmp_path / "config"),
    }


def test_the_database_and_everything_written_from_it_are_private(
    tmp_path: Path, env: dict[str, str]
) -> None:
    db = tmp_path / "new" / "folder" / "w.db"
    for args in (
        ["me", "Sam"],
        ["event", "add", "Mixer", "--date", "2026-01-05"],
        ["event", "met", "Mixer", "Ada Lee <ada@lee.test>"],
        ["referral", "add", "--from", "Ada", "--about", "Bo Client <bo@client.test>"],
    ):
        _whoknows(*args, "--db", str(db), env=env)
    assert _mode(db.parent) == 0o700
    assert _mode(db.parent.parent) == 0o700
    assert _mode(db) == 0o600
    # SQLite gives the WAL and SHM files the database file's mode.
    with sqlite3.connect(db) as held:
        held.execute("INSERT INTO settings (owner_id, key, value) VALUES (1, 'x', 'y')")
        for side in ("-wal", "-shm"):
            assert _mode(Path(f"{db}{side}")) == 0o600
    out = tmp_path / "out"
    out.mkdir()
    written = {
        "report": (["report", "--format", "html", "--out", str(out / "r.html")], out / "r.html"),
        "vcard": (["export", "vcard", str(out / "x.vcf")], out / "x.vcf"),
        "csv": (["export", "csv", str(out / "x.csv")], out / "x.csv"),
        "json": (["export", "json", str(out / "x.json")], out / "x.json"),
        "backup": (["backup", str(out / "b.json.gz")], out / "b.json.gz"),
    }
    for args, path in written.values():
        _whoknows(*args, "--db", str(db), env=env)
        assert _mode(path) == 0o600, path
    drafts = tmp_path / "drafts"
    _whoknows("event", "followup", "Mixer", "--out", str(drafts), "--db", str(db), env=env)
    assert _mode(drafts) == 0o700
    assert [_mode(p) for p in drafts.iterdir()] == [0o600]


def test_a_database_others_could_read_is_closed_to_them_on_open(
    tmp_path: Path, env: dict[str, str]
) -> None:
    db = tmp_path / "old.db"
    _whoknows("me", "Sam", "--db", str(db), env=env)
    db.chmod(0o644)  # as earlier versions made it
    _whoknows("person", "list", "--db", str(db), env=env)
    assert _mode(db) == 0o600
