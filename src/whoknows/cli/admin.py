"""`whoknows init`, `settings`, `backup` and `restore`: the database and how it is set up."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from whoknows.cli.common import DbOption, JsonOption, print_json, print_table, say, store
from whoknows.cli.tables import Column


def init(db: DbOption = None, json: JsonOption = False) -> None:
    """Create the database, or upgrade it to this version's schema."""
    with store(db) as opened:
        url = opened.engine.url.render_as_string(hide_password=True)
        upgraded = opened.upgraded
    if json:
        print_json({"database": url, "upgraded": upgraded})
    else:
        say(f"Database ready: {url}" + (" (created or upgraded)" if upgraded else " (up to date)"))


def settings(db: DbOption = None, json: JsonOption = False) -> None:
    """Show the settings in force: database, folders, default currency, phone region, plan."""
    from whoknows.config import load_settings
    from whoknows.services import configuration

    found = configuration.current(load_settings(db))
    if json:
        print_json(found)
        return
    rows = [
        ("database", found.database, "--db or WHOKNOWS_DATABASE_URL"),
        ("data folder", found.data_dir, "WHOKNOWS_DATA_DIR"),
        ("config file", found.config_file, "WHOKNOWS_CONFIG_DIR"),
        ("default currency", found.currency, 'currency = "EUR" in config.toml'),
        ("phone region", found.phone_region or "none", 'phone_region = "GB" in config.toml'),
        ("week's capacity", str(found.plan_capacity), "[plan] capacity in config.toml"),
    ]
    columns = (Column("setting"), Column("value", wrap=True), Column("set with", drop=1, wrap=True))
    print_table(columns, [(name, Text(value), how) for name, value, how in rows])


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
