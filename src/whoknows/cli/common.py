"""What every command shares: --db, --json, --date, the store, and how things are printed."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from whoknows.cli.tables import NAME, Column, table
from whoknows.core import models

if TYPE_CHECKING:
    from whoknows.services.store import Store

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="WHOKNOWS_DATABASE_URL",
        metavar="URL",
        help="Database: a SQLite file path or a postgresql+psycopg:// URL.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
Person = Annotated[str, typer.Argument(help="Who: id, email or part of the name.")]
NoteOption = Annotated[str | None, typer.Option("--note", help="What it was, in a few words.")]
DateOption = Annotated[
    str | None,
    typer.Option("--date", metavar="DATE", help="When it happened, YYYY-MM-DD (default: today)."),
]


def today() -> dt.date:
    return dt.date.today()


def when(value: str | None) -> dt.date:
    from whoknows.services import validate

    return validate.date(value) if value else today()


@contextmanager
def store(db: str | None) -> Iterator[Store]:
    """The store the --db option (or the environment, or the default) names."""
    from whoknows.config import load_settings
    from whoknows.services.store import Store

    opened = Store(load_settings(db))
    try:
        yield opened
    finally:
        opened.close()


def console() -> Console:
    # Made per call so output goes to whatever sys.stdout is now (tests capture it).
    return Console(file=sys.stdout, highlight=False, soft_wrap=False)


def print_json(value: Any) -> None:
    from whoknows.services import views

    sys.stdout.write(json.dumps(views.as_json(value), ensure_ascii=False, indent=2) + "\n")


def say(*parts: str | Text) -> None:
    """Print a line; user text is never read as Rich markup."""
    line = Text()
    for part in parts:
        line.append(part if isinstance(part, Text) else Text(part))
    console().print(line)


def print_table(
    columns: Sequence[Column], rows: Iterable[Sequence[str | Text]], title: str | None = None
) -> None:
    """Print a table laid out for the terminal's width (see cli/tables.py)."""
    out = console()
    out.print(table(columns, rows, console=out, title=title))


PEOPLE_COLUMNS = (
    Column("id", justify="right"),
    Column("name", least=NAME),
    Column("organization", drop=2),
    Column("role", drop=4),
    Column("email", drop=5),
    Column("stage", drop=3),
)


def people_table(people: Sequence[models.Person], title: str | None = None) -> None:
    print_table(
        PEOPLE_COLUMNS,
        (
            (
                str(p.id),
                Text(p.name + (" (me)" if p.is_me else "")),
                Text(p.organization or ""),
                Text(p.role or ""),
                Text(p.emails[0] if p.emails else ""),
                p.stage.value if p.stage else "",
            )
            for p in people
        ),
        title=title,
    )


def describe(value: str | None) -> Text:
    return Text(value or "—")
