"""The `whoknows` program: `whoknows --help` answered without loading the commands.

Typer, Rich and every command module cost a fifth of a second to load, more than the help
takes to read. The top-level help is rendered by Typer itself when the docs are generated
(`make docs` writes `help/plain.txt` and `help/color.txt`) and `tests/test_docs.py` fails
when the stored text and Typer's rendering disagree. Anything else, or a terminal narrower
than the stored text, goes to the commands (`whoknows.cli.main`).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

HELP = Path(__file__).with_name("help")
WIDTH = 80  # the width the stored help is rendered at (Rich's own default off a terminal)


def stored_help(stream: object) -> str | None:
    """The stored top-level help as Typer would print it on STREAM, or None when Typer
    would print something else (a narrower terminal, Rich's settings changed by the user)."""
    if os.environ.get("TYPER_USE_RICH") is not None or os.environ.get("FORCE_COLOR"):
        return None
    terminal = bool(getattr(stream, "isatty", lambda: False)())
    if shutil.get_terminal_size((WIDTH, 24)).columns < WIDTH:
        return None
    color = terminal and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    try:
        return (HELP / ("color.txt" if color else "plain.txt")).read_text(encoding="utf-8")
    except OSError:  # an installation without the stored help: Typer renders it
        return None


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args in ([], ["--help"]):
        text = stored_help(sys.stdout)
        if text is not None:
            # no arguments prints the help as a group without its command does
            sys.stdout.write(text if args else text.rstrip("\n") + "\n")
            return 0
    from whoknows.cli.main import main as run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
