"""`whoknows init`, `backup` and `restore`: the database itself."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from whoknows.cli.common import DbOption, JsonOption, print_json, say, store


def init(db: DbOption = None, json: JsonOption = False) -> None:
    """Create the database, or upgrade it to this version's schema."""
    with store(db) as opened:
        url = opened.engine.url.render_as_string(hide_password=True)
        upgraded = opened.upgraded
    if json:
        print_json({"database": url, "upgraded": upgraded})
    else:
        say(f"Database ready: {url}" + (" (created or upgraded)" if upgraded else " (up to date)"))


def backup(
    path: Annotated[Path, typer.Argument(help="File to write (JSON; gzip when it ends in .gz).")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Write everything to one portable file (restores into SQLite or PostgreSQL)."""
    from whoknows.services import backup as backups

    with store(db) as opened:
        counts = backups.backup(opened, path)
    if json:
        print_json({"path": str(path), "rows": counts})
    else:
        say(f"Backed up {sum(counts.values())} rows to {path}")


def restore(
    path: Annotated[Path, typer.Argument(help="A file written by whoknows backup.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Restore a backup into an empty database."""
    from whoknows.services import backup as backups

    with store(db) as opened:
        counts = backups.restore(opened, path)
    if json:
        print_json({"path": str(path), "rows": counts})
    else:
        say(f"Restored {sum(counts.values())} rows from {path}")
