"""`whoknows import`, `export` and `dedupe`: bringing a network in and taking it out."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from whoknows.cli.common import DbOption, JsonOption, print_json, say, store, today
from whoknows.cli.review import resolver
from whoknows.errors import UserError

if TYPE_CHECKING:
    # Loaded by the commands that need them: `whoknows --help` must not pay for them.
    from whoknows.services import imports as service

KINDS = ", ".join(("linkedin", "google", "outlook", "vcard", "ics", "mbox", "whoknows"))


def import_(
    kind_or_path: Annotated[
        str,
        typer.Argument(
            metavar="[KIND] PATH | list | undo ID",
            help=f"Optional kind ({KINDS}), then the file; or list, or undo and an import id.",
        ),
    ],
    path: Annotated[str | None, typer.Argument(show_default=False, metavar="", hidden=True)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change.")] = False,
    skip_bad_rows: Annotated[
        bool, typer.Option("--skip-bad-rows", help="Import the good rows, report the bad ones.")
    ] = False,
    auto: Annotated[
        bool, typer.Option("--auto", help="Merge near-certain duplicates by rule, queue the rest.")
    ] = False,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Calendars: from this date, or all (default: two years ago)."),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Calendars: up to this date (default today).")
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Import LinkedIn, Google, Outlook CSV, vCard, iCalendar, mbox, Maildir or .eml: all or none.

    Every import is recorded: `whoknows import list` shows them, `whoknows import undo ID`
    takes one back exactly.
    """
    verb = kind_or_path.strip().lower()
    if verb == "list" and path is None and not Path(kind_or_path).exists():
        _list_imports(db, json)
        return
    if verb == "undo" and not Path(kind_or_path).exists():
        _undo(path, db, json)
        return
    from whoknows.services import imports as service
    from whoknows.services import validate

    kind: str | None = kind_or_path.lower() if path is not None else None
    target = Path(path if path is not None else kind_or_path)
    start = None
    if since and since.strip().lower() == "all":
        start = service.ALL_TIME
    elif since:
        start = validate.date(since, "--since")
    end = validate.date(until, "--until") if until else None
    with store(db) as opened:
        options = {
            "today": today(),
            "since": start,
            "until": end,
            "dry_run": dry_run,
            "skip_bad_rows": skip_bad_rows,
            "resolver": resolver(auto, json),
            "waiting": lambda: sys.stderr.write("waiting for another import to finish…\n"),
        }
        if json or not sys.stderr.isatty():
            report = service.import_file(opened, target, kind, **options)  # type: ignore[arg-type]
        else:
            with _bar() as progress:
                report = service.import_file(
                    opened,
                    target,
                    kind,
                    progress=progress,
                    **options,  # type: ignore[arg-type]
                )
    if json:
        print_json(report.as_json())
        return
    _summary(report, target)


@contextmanager
def _bar() -> Iterator[Callable[[int, float | None], None]]:
    """A progress bar on stderr: records read, how far into the file, and the time left."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("importing"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[records]:,} records"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("import", total=1000, records=0)

        def told(records: int, fraction: float | None) -> None:
            bar.update(task, records=records, completed=int((fraction or 0) * 1000))

        yield told


_MEETINGS = {"ics": "meetings", "mbox": "messages"}


def _summary(report: service.ImportReport, target: Path) -> None:
    verb = "Would import" if report.dry_run else "Imported"
    which = f" (import #{report.id})" if report.id else ""
    dry = " (dry run: nothing was written)" if report.dry_run else ""
    if report.kind in _MEETINGS:  # what it read are meetings or messages, not people
        noun = _MEETINGS[report.kind] if report.interactions != 1 else _MEETINGS[report.kind][:-1]
        say(
            f"{verb} {target.name} as {report.kind}{which}: {report.interactions} {noun} "
            f"recorded, {report.skipped} skipped{dry}"
        )
    else:
        say(
            f"{verb} {target.name} as {report.kind}{which}: {report.created} created, "
            f"{report.merged} merged, {report.updated} updated, {report.skipped} skipped{dry}"
        )
    people = "person" if report.people_created == 1 else "people"
    met = f"{report.people_created} new {people} met in them, {report.ties} new ties"
    if report.kind in _MEETINGS:
        say(f"  {met}")
    elif report.people_created or report.interactions or report.ties:
        say(f"  {report.interactions} interactions, {met}")
    for sentence in report.left_out:
        say(f"  {sentence}")
    for reason, count in sorted(report.skipped_reasons.items()):
        say(f"  skipped {count}: {reason}")
    for error in report.errors[:50]:
        say(f"  {error['source']}:{error['line']}: {error['reason']}")
    if len(report.errors) > 50:
        say(f"  … and {len(report.errors) - 50} more bad rows (--json lists them all)")
    for warning in report.warnings[:20]:
        say(f"  warning: {warning}")
    if len(report.warnings) > 20:
        say(f"  … and {len(report.warnings) - 20} more warnings (--json lists them)")
    if report.queued:
        pairs = "pair" if report.queued == 1 else "pairs"
        say(f"  {report.queued} {pairs} of people who may be one to review: whoknows dedupe")
    if report.id:
        say(f"  take it back with: whoknows import undo {report.id}")


def _list_imports(db: str | None, json: bool) -> None:
    from whoknows.services import imports as service

    with store(db) as opened:
        found = service.entries(opened)
    if json:
        print_json(found)
        return
    if not found:
        say("No imports yet.")
        return
    for entry in found:
        counts = entry.counts
        done = (
            f"{counts.get('created', 0)} created, {counts.get('updated', 0)} updated, "
            f"{counts.get('merged', 0)} merged"
            if counts
            else ""
        )
        when = entry.started_at.strftime("%Y-%m-%d %H:%M")
        say(f"#{entry.id}  {when}  {entry.kind:8}  {entry.status:7}  {entry.file_name}  {done}")


def _undo(value: str | None, db: str | None, json: bool) -> None:
    from whoknows.services import imports as service

    if value is None or not value.strip().lstrip("#").isdigit():
        raise UserError("which import?", hint="whoknows import undo ID (see: whoknows import list)")
    with store(db) as opened:
        done = service.undo(opened, int(value.strip().lstrip("#")))
    if json:
        print_json(done)
        return
    removed = ", ".join(f"{n} {table.replace('_', ' ')}" for table, n in done.removed.items() if n)
    say(f"Undid import #{done.id} of {done.file_name}: removed {removed or 'nothing'}")
    if done.restored:
        say(f"  put back {done.restored} values it had filled in")
    for line in done.kept:
        say(f"  kept {line}")
    for line in done.conflicts:
        say(f"  {line}")


def export(
    format: Annotated[str, typer.Argument(help="vcard, csv or json (a full backup).")],
    path: Annotated[Path, typer.Argument(help="File to write.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Export everyone as vCard 4.0 or CSV, or everything as JSON (restore reads it back)."""
    from whoknows.services import exports

    chosen = format.strip().lower()
    with store(db) as opened:
        if chosen == "vcard":
            count = exports.export_vcard(opened, path)
        elif chosen == "csv":
            count = exports.export_csv(opened, path)
        elif chosen == "json":
            count = sum(exports.export_json(opened, path).values())
        else:
            raise UserError(f"export format {format!r} is not known", hint="use vcard, csv or json")
    if json:
        print_json({"format": chosen, "path": str(path), "count": count})
    else:
        say(f"Exported {count} {'rows' if chosen == 'json' else 'records'} to {path}")


def register(app: typer.Typer) -> None:
    """Add import, export and dedupe to the whoknows command."""
    from whoknows.cli import review

    app.command("import")(import_)
    app.command("export")(export)
    app.command("dedupe")(review.dedupe)
