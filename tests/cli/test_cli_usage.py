"""The CLI reads like a normal command-line tool: help, usage lines, --db before the command."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from clirun import Cli
from whoknows.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_plain_whoknows_prints_the_help_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys)
    assert code == 0
    assert "Usage: whoknows [OPTIONS] COMMAND [ARGS]..." in out
    assert "error" not in err


def test_a_group_without_its_command_prints_its_help_and_exits_0(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "person")
    assert code == 0
    assert "Usage: whoknows person [OPTIONS] COMMAND [ARGS]..." in out
    assert err == ""


@pytest.mark.parametrize(
    ("args", "usage"),
    [
        (["import"], "Usage: whoknows import [OPTIONS] [KIND] PATH"),
        (["person", "show"], "Usage: whoknows person show [OPTIONS] REF"),
        (["log"], "Usage: whoknows log [OPTIONS] KIND PEOPLE..."),
        (["balance"], "Usage: whoknows balance [OPTIONS] [PERSON]"),
    ],
)
def test_usage_lines_name_arguments_the_usual_way(
    args: list[str], usage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, *args, "--help")
    assert code == 0
    assert usage in out
    assert "{" not in out.splitlines()[1]


def test_options_show_their_kind_of_value_and_flags_none(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = run(capsys, "due", "--help")
    assert "<bool>" not in out
    assert "<int>" not in out
    assert "<str>" not in out
    assert "--within" in out
    assert "INTEGER" in out
    assert "URL" in out  # --db URL
    _, root, _ = run(capsys, "--help")
    assert "<bool>" not in root
    assert "--db" in root


def test_db_is_accepted_before_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    assert run(capsys, "--db", first, "person", "add", "Ada Lovelace")[0] == 0
    assert run(capsys, f"--db={second}", "person", "add", "Grace Hopper")[0] == 0
    _, out, _ = run(capsys, "--db", first, "person", "list", "--json")
    assert [p["name"] for p in json.loads(out)] == ["Ada Lovelace"]
    # The command's own --db wins over the one before it.
    _, out, _ = run(capsys, "--db", first, "person", "list", "--json", "--db", second)
    assert [p["name"] for p in json.loads(out)] == ["Grace Hopper"]


@pytest.mark.parametrize("after", [[], ["--help"]])
def test_db_before_a_group_without_its_command_shows_the_groups_help(
    after: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # It answered "No such option: --db (see: whoknows person --help)", exit 2.
    code, out, err = run(capsys, "--db", str(tmp_path / "w.db"), "person", *after)
    assert code == 0
    assert "Usage: whoknows person [OPTIONS] COMMAND [ARGS]..." in out
    assert err == ""


def test_db_before_the_command_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    mine, other = str(tmp_path / "mine.db"), str(tmp_path / "other.db")
    monkeypatch.setenv("WHOKNOWS_DATABASE_URL", other)
    assert run(capsys, "--db", mine, "person", "add", "Ada Lovelace")[0] == 0
    _, out, _ = run(capsys, "person", "list", "--json", "--db", mine)
    assert [p["name"] for p in json.loads(out)] == ["Ada Lovelace"]
    assert not Path(other).exists()


def test_an_import_summary_counts_one_person_in_the_singular(cli: Cli, tmp_path: Path) -> None:
    mbox = tmp_path / "one.mbox"
    mbox.write_text(
        "From kenji@fabrikam.example Thu Mar 07 11:00:00 2024\n"
        "From: Kenji Sato <kenji@fabrikam.example>\nTo: me@example.com\n"
        "Date: Thu, 07 Mar 2024 11:00:00 +0000\nSubject: hi\n\nbody\n",
        encoding="utf-8",
    )
    assert cli("me", "Me Myself", "--email", "me@example.com").code == 0
    ran = cli("import", str(mbox))
    assert ran.code == 0, ran.err
    assert "1 new person met in them" in ran.out
    assert "1 people" not in ran.out


def test_the_cli_runs_as_a_program(tmp_path: Path) -> None:
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "whoknows.cli.main"],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "", "WHOKNOWS_DATA_DIR": str(tmp_path), "WHOKNOWS_CONFIG_DIR": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    assert "Usage: whoknows" in done.stdout
    assert done.stderr == ""
