"""Two CLI writes at the same moment against one database both succeed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from clirun import Cli


def _spawn(args: list[str], db_url: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "whoknows", *args, "--db", db_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_two_writers_at_the_same_moment_both_succeed(cli: Cli, db_url: str, tmp_path: Path) -> None:
    assert cli("me", "Sam").code == 0
    env = {**os.environ, "WHOKNOWS_CONFIG_DIR": str(tmp_path / "config")}
    # Several rounds of two processes started together, each writing at once.
    for round_ in range(3):
        first = _spawn(["person", "add", f"Left {round_}", "--tag", "race"], db_url, env)
        second = _spawn(["person", "add", f"Right {round_}", "--tag", "race"], db_url, env)
        for process in (first, second):
            _out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
    raced = json.loads(cli("person", "list", "--tag", "race", "--json").out)
    assert sorted(p["name"] for p in raced) == sorted(
        [f"Left {i}" for i in range(3)] + [f"Right {i}" for i in range(3)]
    )


def test_a_writer_waits_for_a_long_transaction_instead_of_failing(
    cli: Cli, sqlite_url: str, tmp_path: Path
) -> None:
    """A held SQLite write lock makes the other writer wait (busy timeout), not fail."""
    import sqlite3
    import time

    assert cli("me", "Sam", db=sqlite_url).code == 0
    path = sqlite_url.removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    env = {**os.environ, "WHOKNOWS_CONFIG_DIR": str(tmp_path / "config")}
    waiting = _spawn(["person", "add", "Patient"], sqlite_url, env)
    time.sleep(1.5)
    assert waiting.poll() is None  # still waiting for the lock
    holder.execute("COMMIT")
    holder.close()
    _out, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    assert cli("person", "show", "Patient", "--json", db=sqlite_url).code == 0
