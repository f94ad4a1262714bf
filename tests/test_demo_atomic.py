"""A demo killed half-way leaves nothing half-built, and the next run succeeds (finding 8)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from whoknows.config import load_settings
from whoknows.services import referrals
from whoknows.services.store import Store

# `whoknows demo …`, killed (SIGKILL, no clean-up) once the network is written, while the
# first feature (the ledger) is being added: people are in, their referrals are not.
_KILLED_DEMO = textwrap.dedent(
    """
    import dataclasses, os, signal, sys
    from whoknows.demo import build as demo

    real = demo.features

    def killed_half_way():
        found = real()

        def die(store, rng, today):
            os.kill(os.getpid(), signal.SIGKILL)

        return (dataclasses.replace(found[0], add=die), *found[1:])

    demo.features = killed_half_way
    from whoknows.cli.main import main
    sys.exit(main(sys.argv[1:]))
    """
)


def _run(
    args: list[str], env: dict[str, str], killed: bool = False
) -> subprocess.CompletedProcess[str]:
    code = (
        _KILLED_DEMO
        if killed
        else "import sys; from whoknows.cli.main import main; sys.exit(main(sys.argv[1:]))"
    )
    return subprocess.run(
        [sys.executable, "-c", code, "demo", "--size", "small", "--seed", "3", "--json", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "WHOKNOWS_DATA_DIR": str(tmp_path / "data"),
        "WHOKNOWS_CONFIG_DIR": str(tmp_path / "config"),
    }


def _referrals(url: str) -> int:
    with Store(load_settings(url)) as store:
        return len(referrals.list_referrals(store))


def test_a_killed_demo_into_a_sqlite_file_leaves_no_half_demo(
    tmp_path: Path, env: dict[str, str]
) -> None:
    target = tmp_path / "demo-target.db"
    killed = _run(["--db", str(target)], env, killed=True)
    assert killed.returncode == -9
    assert not target.exists(), "nothing half-built at the target"
    again = _run(["--db", str(target)], env)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["summary"]["database"] == str(target)
    assert _referrals(str(target)) > 0
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".demo-target.db")]


def test_a_killed_rebuild_of_the_demo_keeps_the_previous_demo(env: dict[str, str]) -> None:
    first = _run([], env)
    assert first.returncode == 0, first.stderr
    own = Path(json.loads(first.stdout)["summary"]["database"])
    before = _referrals(str(own))
    assert before > 0
    assert _run([], env, killed=True).returncode == -9
    assert _referrals(str(own)) == before, "the old demo is whole until the new one is"


@pytest.mark.postgres
def test_a_killed_demo_on_postgresql_is_built_again_by_the_next_run(
    env: dict[str, str], postgres_url: str
) -> None:
    url = postgres_url
    assert _run(["--db", url], env, killed=True).returncode == -9
    assert _referrals(url) == 0  # people without referrals: an unfinished demo …
    again = _run(["--db", url], env)
    assert again.returncode == 0, again.stderr  # … is built again, not refused as "not empty"
    summary = json.loads(again.stdout)["summary"]
    assert _referrals(url) > 0
    clean = _run(["--db", str(Path(env["WHOKNOWS_DATA_DIR"]) / "clean.db")], env)
    assert json.loads(clean.stdout)["summary"]["people"] == summary["people"]
    refused = _run(["--db", url], env)  # a whole demo is data: the next run refuses it
    assert refused.returncode == 2
    assert "not empty" in refused.stderr
