"""The CLI reference (docs/cli.md), generated from the commands themselves."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import typer

from whoknows.cli.launch import HELP, WIDTH
from whoknows.cli.main import app


def _walk(command: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
    subcommands = getattr(command, "commands", None)
    if subcommands:
        for name in sorted(subcommands):
            yield from _walk(subcommands[name], [*path, name])
    else:
        yield path, command


def commands() -> list[tuple[str, Any]]:
    """Every leaf command as ("whoknows person add", click command)."""
    root = typer.main.get_command(app)
    return [(" ".join(["whoknows", *path]), command) for path, command in _walk(root, [])]


def _usage(name: str, command: Any) -> str:
    parts = [name]
    for param in command.params:
        if param.param_type_name == "argument":
            metavar = (param.metavar or param.name).upper()
            many = "..." if param.nargs == -1 else ""
            parts.append(f"{metavar}{many}" if param.required else f"[{metavar}{many}]")
    if any(p.param_type_name == "option" for p in command.params):
        parts.append("[OPTIONS]")
    return " ".join(parts)


def render() -> str:
    lines = [
        "# Command line reference",
        "",
        "Generated from the commands' own help by `python -m whoknows.cli.reference`;",
        "`tests/test_docs.py` fails when this file and the commands disagree.",
        "Every command also takes `--db URL` (or `WHOKNOWS_DATABASE_URL`); exit codes:",
        "0 done, 1 internal error, 2 bad input or usage (nothing written), 3 refused by a guard,",
        "4 the database is busy or unreachable (nothing written; try again).",
        "",
    ]
    for name, command in commands():
        lines += [f"## `{name}`", "", (command.help or "").strip().splitlines()[0], ""]
        lines += ["```", _usage(name, command), "```", ""]
        options = [p for p in command.params if p.param_type_name == "option" and p.name != "db"]
        for param in [p for p in command.params if p.param_type_name == "argument"] + options:
            flags = (
                ", ".join(f"`{o}`" for o in param.opts)
                if param.param_type_name == "option"
                else f"`{(param.metavar or param.name).upper()}`"
            )
            lines.append(f"- {flags}: {(getattr(param, 'help', None) or '').strip()}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def top_help(color: bool) -> str:
    """`whoknows --help` as Typer prints it WIDTH columns wide, in colour or plain: what
    `whoknows.cli.launch` prints without loading Typer."""
    unset = ("NO_COLOR", "FORCE_COLOR", "TYPER_USE_RICH", "COLORTERM", "COLUMNS", "LINES")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env |= {"COLUMNS": str(WIDTH), "TERM": "xterm"} | ({"FORCE_COLOR": "1"} if color else {})
    script = "import sys; from whoknows.cli.main import main; sys.exit(main(['--help']))"
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def top_help_files() -> dict[str, str]:
    return {"plain.txt": top_help(color=False), "color.txt": top_help(color=True)}


if __name__ == "__main__":
    if sys.argv[1:] == ["--write-help"]:
        HELP.mkdir(exist_ok=True)
        for name, text in top_help_files().items():
            (HELP / name).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(render())
