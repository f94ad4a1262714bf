"""The CLI reference (docs/cli.md), generated from the commands themselves."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import typer

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


if __name__ == "__main__":
    sys.stdout.write(render())
