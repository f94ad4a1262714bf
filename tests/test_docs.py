"""Docs kept honest: the CLI reference matches the commands; the README's two commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from whoknows.cli import launch, reference

ROOT = Path(__file__).resolve().parent.parent


def test_the_cli_reference_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == reference.render(), "run: make docs"


@pytest.mark.parametrize(("name", "text"), sorted(reference.top_help_files().items()))
def test_the_stored_top_level_help_is_what_typer_prints(name: str, text: str) -> None:
    """`whoknows --help` prints a stored copy (no Typer to load): it must be Typer's own."""
    assert (launch.HELP / name).read_text(encoding="utf-8") == text, "run: make docs"


@pytest.mark.parametrize(("name", "command"), reference.commands())
def test_every_command_has_help_and_takes_db(name: str, command: object) -> None:
    assert (getattr(command, "help", None) or "").strip(), f"{name} has no help text"
    options = {o for p in getattr(command, "params", []) for o in getattr(p, "opts", [])}
    assert "--db" in options, f"{name} does not take --db"


@pytest.mark.parametrize(("name", "command"), reference.commands())
def test_every_command_says_what_it_does_in_one_line(name: str, command: object) -> None:
    """A group's listing shows each command's first paragraph as it is written: a line break
    in it breaks the listing's column (seen in `team --help`)."""
    first = (getattr(command, "help", None) or "").strip().split("\n\n")[0]
    assert "\n" not in first, f"{name}: its help's first paragraph must be one line"


def test_every_listing_and_show_takes_json() -> None:
    for name, command in reference.commands():
        if name.split()[-1] in {"list", "show", "find"}:
            options = {o for p in command.params for o in p.opts}
            assert "--json" in options, name


def test_the_readme_quick_start_has_exactly_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = [
        line.split("#")[0].strip() for line in quick.splitlines() if line.startswith("make")
    ]
    assert commands == ["make demo", "make test"]


def test_every_command_a_hint_names_exists() -> None:
    """A hint that says "run: whoknows X Y" names a command whoknows has (a wrong one sends the
    user to an error): every `whoknows WORD [WORD]` in a `hint=` (or a Hint's `cli=`)."""
    import ast
    import re

    import whoknows

    leaves = [name.split()[1:] for name, _ in reference.commands()]
    paths = {" ".join(leaf[:n]) for leaf in leaves for n in range(1, len(leaf) + 1)}
    single = {leaf[0] for leaf in leaves if len(leaf) == 1}  # a second word is an argument
    # "whoknows X" as a command, not in prose ("the whoknows version", "a whoknows server")
    named = re.compile(r"(?<!the )(?<!a )\bwhoknows ([a-z][a-z-]+)(?: ([a-z][a-z-]+))?")
    wrong = []
    for path in Path(whoknows.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.keyword) and node.arg in ("hint", "cli")):
                continue
            texts = [c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant)]
            for text in texts:
                if not isinstance(text, str):
                    continue
                for first, second in named.findall(text):
                    ok = first in single or (
                        f"{first} {second}" in paths if second else first in paths
                    )
                    if not ok:
                        wrong.append(f"{path.name}:{node.value.lineno}: whoknows {first} {second}")
    assert wrong == []
