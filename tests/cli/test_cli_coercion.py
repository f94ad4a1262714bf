"""Plain option values are converted without pydantic, as Typer converts them."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from whoknows.cli import coercion, usage

app = typer.Typer(add_completion=False)
seen: dict[str, object] = {}


@app.command()
def echo(
    name: str,
    words: list[str] | None = typer.Option(None, "--word"),
    count: int = typer.Option(3, "--count"),
    ratio: float = typer.Option(0.5, "--ratio"),
    limit: int = typer.Option(5, "--limit", min=1, max=10),
    where: Path | None = typer.Option(None, "--where"),
    flag: bool = typer.Option(False, "--flag"),
) -> None:
    seen.update(
        name=name, words=words, count=count, ratio=ratio, limit=limit, where=where, flag=flag
    )


@pytest.fixture(autouse=True)
def _installed() -> None:
    usage.install()
    coercion.install()
    seen.clear()


def run(*args: str) -> tuple[int, str]:
    done = CliRunner().invoke(app, list(args))
    return done.exit_code, done.output


def test_text_numbers_lists_and_flags_arrive_as_their_types() -> None:
    code, _ = run("Ann", "--word", "a", "--word", "b", "--count", " 7", "--flag")
    assert code == 0
    assert seen == {
        "name": "Ann",
        "words": ["a", "b"],
        "count": 7,
        "ratio": 0.5,
        "limit": 5,
        "where": None,
        "flag": True,
    }


def test_defaults_are_kept() -> None:
    assert run("Ann")[0] == 0
    assert seen["words"] is None or seen["words"] == ()
    assert seen["count"] == 3


def test_a_bad_number_says_what_typer_says() -> None:
    code, output = run("Ann", "--count", "x")
    assert code == 2
    assert "Input should be a valid integer, unable to parse string as an integer" in output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--ratio", "0.25"), {"ratio": 0.25}),
        (("--where", "a/b"), {"where": Path("a/b")}),
        (("--limit", "10"), {"limit": 10}),
    ],
)
def test_other_types_still_go_through_typer(
    args: tuple[str, ...], expected: dict[str, object]
) -> None:
    assert run("Ann", *args)[0] == 0
    assert {key: seen[key] for key in expected} == expected


def test_bounds_are_still_typers_to_check() -> None:
    assert run("Ann", "--limit", "11")[0] == 2
    assert seen == {}  # refused before the command ran


def test_only_plain_parameters_skip_typer() -> None:
    command = typer.main.get_command(app)
    plain = {p.name for p in command.params if coercion.plain(p.type_descriptor) is not None}
    assert plain == {"name", "words", "count", "flag"}
