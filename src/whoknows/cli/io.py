"""`whoknows import`, `export` and `dedupe`: bringing a network in and taking it out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from whoknows.cli.common import DbOption, JsonOption, print_json, say, store, today
from whoknows.errors import UserError

if TYPE_CHECKING:
    # Loaded by the commands that need them: `whoknows --help` must not pay for them.
    from whoknows.importers.records import PersonRecord
    from whoknows.services import imports as service

KINDS = ", ".join(("linkedin", "google", "outlook", "vcard", "ics", "mbox"))


class PromptResolver:
    """Asks the user at the terminal whether a similar person is the same one."""

    def decide(self, record: PersonRecord, candidate: service.Candidate) -> service.Decision:
        from whoknows.services import imports as service

        theirs = f" ({record.organization})" if record.organization else ""
        known = f" ({candidate.organization})" if candidate.organization else ""
        answer = typer.prompt(
            f"Is {record.name}{theirs} the same as #{candidate.person_id} "
            f"{candidate.name}{known}? [score {candidate.score:.0f}] y=merge, n=new, l=later",
            default="l",
            err=True,
        )
        choice = answer.strip().lower()[:1]
        if choice == "y":
            return service.Decision.MERGE
        if choice == "n":
            return service.Decision.NEW
        return service.Decision.QUEUE


def _resolver(auto: bool, json: bool) -> service.MergeResolver:
    from whoknows.services import imports as service

    if auto:
        return service.AutoResolver()
    if not json and sys.stdin.isatty() and sys.stderr.isatty():
        return PromptResolver()
    return service.QueueResolver()


def import_(
    kind_or_path: Annotated[
        str, typer.Argument(metavar="[KIND] PATH", help=f"Optional kind ({KINDS}), then the file.")
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
        str | None, typer.Option("--since", help="Calendars: from this date (default 2 years ago).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Calendars: up to this date (default today).")
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Import LinkedIn, Google, Outlook CSV, vCard, iCalendar, mbox or Maildir, all or nothing."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from whoknows.services import imports as service
    from whoknows.services import validate

    kind: str | None = kind_or_path.lower() if path is not None else None
    target = Path(path if path is not None else kind_or_path)
    start = validate.date(since, "--since") if since else None
    end = validate.date(until, "--until") if until else None
    with store(db) as opened:
        if json or not sys.stderr.isatty():
            report = service.import_file(
                opened,
                target,
                kind,
                today=today(),
                since=start,
                until=end,
                dry_run=dry_run,
                skip_bad_rows=skip_bad_rows,
                resolver=_resolver(auto, json),
            )
        else:
            columns = (SpinnerColumn(), TextColumn("importing… {task.completed} records"))
            with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
                task = bar.add_task("import", total=None)
                report = service.import_file(
                    opened,
                    target,
                    kind,
                    today=today(),
                    since=start,
                    until=end,
                    dry_run=dry_run,
                    skip_bad_rows=skip_bad_rows,
                    resolver=_resolver(auto, json),
                    progress=lambda done: bar.update(task, completed=done),
                )
    if json:
        print_json(report.as_json())
        return
    verb = "Would import" if dry_run else "Imported"
    say(
        f"{verb} {target.name} as {report.kind}: {report.created} created, "
        f"{report.merged} merged, {report.updated} updated, {report.skipped} skipped"
        + (" (dry run: nothing was written)" if dry_run else "")
    )
    if report.people_created or report.interactions or report.ties:
        say(
            f"  {report.interactions} interactions, {report.people_created} new "
            f"{'person' if report.people_created == 1 else 'people'} from them, "
            f"{report.ties} new ties"
        )
    for reason, count in sorted(report.skipped_reasons.items()):
        say(f"  skipped {count}: {reason}")
    for error in report.errors[:50]:
        say(f"  {error['source']}:{error['line']}: {error['reason']}")
    for warning in report.warnings[:20]:
        say(f"  warning: {warning}")
    if report.queued:
        say(f"  {report.queued} possible duplicates to review: whoknows dedupe")


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


def dedupe(
    auto: Annotated[
        bool, typer.Option("--auto", help="Merge the pairs the rules are sure of; keep the rest.")
    ] = False,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Review possible duplicates: list them, merge by rule (--auto), or answer each one."""
    from whoknows.services import imports as service

    with store(db) as opened:
        if auto or (not json and sys.stdin.isatty()):
            outcome = service.dedupe(opened, _resolver(auto, json))
            pairs = service.review_queue(opened)
        else:
            outcome = None
            pairs = service.review_queue(opened)
    if json:
        print_json({"done": outcome, "pairs": pairs})
        return
    if outcome is not None:
        say(
            f"Merged {outcome['merged']}, marked {outcome['distinct']} as different people, "
            f"{outcome['left']} left to review"
        )
    if not pairs:
        say("No possible duplicates.")
    for pair in pairs:
        say(
            f"{pair.score:5.1f}  #{pair.a} {pair.a_name}"
            + (f" ({pair.a_organization})" if pair.a_organization else "")
            + f"  ~  #{pair.b} {pair.b_name}"
            + (f" ({pair.b_organization})" if pair.b_organization else "")
            + f"  — {pair.reason}"
        )
    if pairs:
        say("Merge one with: whoknows person merge A B ; or run: whoknows dedupe --auto")


def register(app: typer.Typer) -> None:
    """Add import, export and dedupe to the whoknows command."""
    app.command("import")(import_)
    app.command("export")(export)
    app.command("dedupe")(dedupe)
