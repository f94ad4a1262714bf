"""`whoknows demo`: build a realistic demo network in its own database and show a tour of it."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.text import Text

from whoknows.cli.common import JsonOption, console, print_json, print_table, say
from whoknows.cli.tables import NAME, Column
from whoknows.config import load_settings

if TYPE_CHECKING:
    from rich.progress import TaskID

    from whoknows.demo.build import DemoSummary
    from whoknows.demo.tour import Tour

DEMO_FILE = "demo.db"


class Size(StrEnum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


SizeOption = Annotated[
    Size,
    typer.Option(
        "--size",
        help="small: 2k people (seconds); medium: 20k people, 150k ties; "
        "large: 1M people, 10M ties (a few minutes).",
    ),
]
SeedOption = Annotated[int, typer.Option("--seed", help="The same seed builds the same network.")]
# Unlike the other commands, no WHOKNOWS_DATABASE_URL: an exported variable pointing at the
# user's real database (or at the demo itself) must never become the demo's target.
DemoDbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Build into this empty database (a SQLite file or a postgresql+psycopg:// URL) "
        f"instead of the demo's own {DEMO_FILE} in the data folder.",
        show_default=False,
    ),
]


def demo(
    size: SizeOption = Size.MEDIUM,
    seed: SeedOption = 7,
    db: DemoDbOption = None,
    json: JsonOption = False,
) -> None:
    """Build a realistic, reproducible demo network and show a tour of what is in it.

    A SQLite demo is built in a temporary file and moved into place whole; on PostgreSQL a
    demo stopped half-way is built again by the next run.
    """
    from whoknows.demo.build import build_demo
    from whoknows.demo.file import build_demo_file
    from whoknows.demo.tour import tour
    from whoknows.services.store import Store

    settings = load_settings(db or str(load_settings().data_dir / DEMO_FILE))
    sqlite_file = _sqlite_file(settings.database_url)
    with _progress(enabled=not json) as report:
        if sqlite_file is not None:
            summary, shown = build_demo_file(
                sqlite_file, size.value, seed, report, replace=db is None
            )
        else:
            with Store(settings) as opened:
                summary = build_demo(opened, size.value, seed, report)
                shown = tour(opened)
    if json:
        print_json({"summary": summary, "tour": shown})
        return
    _print_tour(summary, shown)


def _sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for another database, or SQLite in memory)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url[len(prefix) :] in ("", ":memory:"):
        return None
    return Path(url[len(prefix) :])


@contextmanager
def _progress(*, enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress bar on stderr (stdout stays clean for the tour or the JSON)."""
    if not enabled:
        yield None
        return
    # here, not at the top: every command loads this module, only the demo draws bars
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bars = Progress(
        TextColumn("{task.description:<26}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def report(step: str, done: int, total: int) -> None:
        if step not in tasks:
            tasks[step] = bars.add_task(step, total=total)
        bars.update(tasks[step], completed=done, total=total)

    with bars:
        yield report


def _print_tour(summary: DemoSummary, shown: Tour) -> None:
    out = console()
    rss = f", peak memory {summary.peak_rss_mb:,.0f} MB" if summary.peak_rss_mb else ""
    seconds = summary.generate_seconds + summary.write_seconds
    say(f"Demo network ({summary.size}, seed {summary.seed}) built in {seconds:.1f} s{rss}.")
    console().print(Text(f"  {shown.database}", style="bold"), soft_wrap=True)
    counts = [
        ("people", shown.people),
        ("first degree", shown.first_degree),
        ("second degree", shown.second_degree),
        ("ties", shown.ties),
        ("organizations", shown.organizations),
        ("events", shown.events),
        ("interactions", shown.interactions),
    ]
    say("  " + " · ".join(f"{label} {value:,}" for label, value in counts[:4]))
    say("  " + " · ".join(f"{label} {value:,}" for label, value in counts[4:]))
    if shown.me is not None:
        me = shown.me
        say("\nYou are ", Text(me.name, style="bold"), Text(f", {me.role} at {me.organization}"))
        if me.offers:
            say("  offer: ", me.offers)
    if shown.ideal_client:
        say("  ideal client: ", shown.ideal_client)
    if shown.strongest:
        out.print()
        print_table(
            (
                Column("name", least=NAME),
                Column("organization", drop=1),
                Column("stage", drop=2),
                Column("interactions", justify="right", drop=3),
                Column("since", drop=4),
                Column("last", drop=5),
            ),
            (
                (
                    Text(r.name),
                    Text(r.organization or ""),
                    r.stage or "",
                    str(r.interactions),
                    r.first.isoformat(),
                    r.last.isoformat(),
                )
                for r in shown.strongest
            ),
            title="Strongest relationships",
        )
    if shown.busiest_events:
        out.print()
        print_table(
            (
                Column("event"),
                Column("date", drop=2),
                Column("place", drop=3),
                Column("people met", justify="right", drop=1),
                Column("givers", justify="right", drop=1),
            ),
            (
                (
                    Text(e.name),
                    e.date.isoformat(),
                    Text(e.place or ""),
                    str(e.people_met),
                    str(e.gets_it),
                )
                for e in shown.busiest_events
            ),
            title="Busiest events (givers: people met there who get Give to Get)",
        )
    for section in shown.sections:
        say("\n", Text(section.title, style="bold"))
        for line in section.lines:
            say("  ", line)
    say("\n", Text("Try", style="bold"))
    for command in shown.try_commands:
        _verbatim(command)
    database = shlex.quote(shown.database)
    say("\n", Text("Point commands at the demo database", style="bold"), " with --db or once:")
    _verbatim(f"whoknows person list --db {database}")
    _verbatim(f"export WHOKNOWS_DATABASE_URL={database}")


def _verbatim(command: str) -> None:
    """A command to copy and paste: indented, never wrapped, never read as markup."""
    console().print(Text(f"  {command}"), soft_wrap=True)
