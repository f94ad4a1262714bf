"""`whoknows due|done|snooze|cadence|prep`, `calendar export`, `brief …` (cli/brief.py)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from whoknows.cli import brief as brief_commands
from whoknows.cli import paging
from whoknows.cli.common import (
    DateOption,
    DbOption,
    JsonOption,
    Person,
    console,
    print_json,
    say,
    store,
    when,
)
from whoknows.cli.common import today as today_
from whoknows.core.followups import DEFAULT_WITHIN, Item
from whoknows.errors import UserError

if TYPE_CHECKING:
    from whoknows.services import plan

Within = Annotated[
    int, typer.Option("--within", help="Also list who is due in the next DAYS days.")
]


def due(
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            "--top",
            help="Show this many (default: the week's capacity, [plan] capacity in config.toml).",
            show_default=False,
        ),
    ] = None,
    offset: Annotated[int, typer.Option("--offset", help="Skip the first N (the next page).")] = 0,
    all_: Annotated[
        bool, typer.Option("--all", help="Show everyone due, not a week's worth.")
    ] = False,
    reconnect: Annotated[
        bool, typer.Option("--reconnect", help="The long-lapsed people to reconnect with instead.")
    ] = False,
    within: Within = DEFAULT_WITHIN,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Your week's plan: whom to follow up with, first things first, and why."""
    from whoknows.services import plan, views

    today = today_()
    with store(db) as opened:
        found = plan.page(
            opened,
            limit=0 if all_ else limit,
            offset=offset,
            reconnect=reconnect,
            within_days=within,
            today=today,
        )
    more = _more(found, reconnect=reconnect)
    if json:
        paging.json_array(views.plan_item(i) for i in found.items)
        if more:
            sys.stderr.write(f"whoknows: {more}\n")
        return
    if not found.items:
        say(
            "Nobody to reconnect with."
            if reconnect
            else f"Nobody is due in the next {within} days."
        )
    else:
        shown = f"{offset + 1}–{offset + len(found.items)} of {found.total}"
        say(
            Text(
                f"Reconnect: {shown} long-lapsed relationships"
                if reconnect
                else f"Your plan: {shown} follow-ups (a week holds {found.capacity})",
                style="bold",
            )
        )
        _plan_lines(found.items, offset, today)
    if more:
        say(more)


def _plan_lines(items: Sequence[Item], offset: int, today: dt.date) -> None:
    """Each follow-up in two lines, under its part of the plan: who, when and what; why."""
    from whoknows.core.plan import timing

    out = console()
    tier = None
    for number, item in enumerate(items, start=offset + 1):
        if item.tier is not tier:
            tier = item.tier
            out.print(Text(f"\n{tier.label.capitalize()}", style="bold"))
        lead = Text(f"{number:>3}. ")
        lead.append(item.name, style="bold")
        lead.append(f" (#{item.id}), {timing(item.reasons[0].due, today)}: {item.what}")
        out.print(lead, no_wrap=True, overflow="ellipsis")
        out.print(Text(f"     {item.why}", style="dim"), no_wrap=True, overflow="ellipsis")


def _more(found: plan.Page, *, reconnect: bool) -> str:
    """What the page leaves out, and the command that shows it."""
    said = []
    if found.more:
        following = found.offset + len(found.items)
        said.append(f"{found.more} more: whoknows due --offset {following} (or --all)")
    if not reconnect and found.reconnect:
        said.append(f"{found.reconnect} to reconnect with: whoknows due --reconnect")
    return "\n".join(said)


def done(
    person: Person,
    note: Annotated[str | None, typer.Option("--note", help="What you said or did.")] = None,
    kind: Annotated[
        str, typer.Option("--kind", help="message, email, call, coffee, one-to-one or meeting.")
    ] = "message",
    date: DateOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Record that you followed up with someone (and thanked or reported back to them)."""
    from whoknows.services import followups

    with store(db) as opened:
        result = followups.done(opened, person, note=note, on=when(date), kind=kind)
    if json:
        print_json(result)
        return
    say("Followed up with ", Text(result.person.name, style="bold"), f" ({result.kind.value})")
    if result.thanked or result.reported:
        say(f"  thanked for {result.thanked}, reported back on {result.reported}")
    if result.next_due:
        say(f"  next follow-up due {result.next_due}")


def snooze(
    person: Person,
    days: Annotated[int, typer.Argument(help="For how many days (0 wakes them now).")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Leave someone out of the follow-up queue for a number of days."""
    from whoknows.services import followups

    with store(db) as opened:
        result = followups.snooze(opened, person, days, today=today_())
    if json:
        print_json(result)
    elif result.until:
        say(Text(result.person.name, style="bold"), f" is snoozed until {result.until}")
    else:
        say(Text(result.person.name, style="bold"), " is no longer snoozed")


def cadence(
    person: Person,
    days: Annotated[
        int, typer.Argument(help="Keep in touch every DAYS days (0: their stage's default).")
    ],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Set how often you want to be in touch with someone."""
    from whoknows.services import followups

    with store(db) as opened:
        result = followups.set_cadence(opened, person, days)
    if json:
        print_json(result)
    elif result.days:
        say(Text(result.person.name, style="bold"), f": every {result.days} days")
    else:
        default = f"every {result.stage_default} days" if result.stage_default else "none"
        say(Text(result.person.name, style="bold"), f": their stage's default ({default})")


def event_followup(
    event: Annotated[str, typer.Argument(help="The event: id or (part of) its name.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the drafts as .eml files into this folder.")
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Draft a personal follow-up proposing a 1-to-1 to each person met at an event (not sent)."""
    from whoknows.services import followups

    with store(db) as opened:
        result = followups.event_followup(opened, event, out_dir=out)
    if json:
        print_json(
            {
                "event": result.event,
                "people": [
                    {
                        "id": f.id,
                        "name": f.name,
                        "email": f.email,
                        "gets_it": f.gets_it,
                        "followed_up": f.followed_up,
                        "subject": f.draft.subject,
                        "body": f.draft.body,
                        "file": str(f.file) if f.file else None,
                    }
                    for f in result.drafts
                ],
            }
        )
        return
    found = result.event
    say(Text(found.name, style="bold"), f"  {found.date}: {len(result.drafts)} people met")
    for f in result.drafts:
        flags = [
            x
            for x in (
                "gets Give to Get" if f.gets_it else "",
                "followed up" if f.followed_up else "",
            )
            if x
        ]
        say("")
        say(
            Text(f"#{f.id} {f.name}", style="bold"),
            Text(f" <{f.email}>" if f.email else " (no email)"),
            f"  [{', '.join(flags)}]" if flags else "",
        )
        if f.notes:
            say("  your notes: ", Text(f.notes))
        if f.file:
            say("  draft: ", Text(str(f.file)))
        else:
            say("  Subject: ", Text(f.draft.subject))
            for line in f.draft.body.rstrip().splitlines():
                say("  ", Text(line))
    if out is None and result.drafts:
        say("")
        say("Write them as .eml files to open in your mail program: add --out FOLDER")


calendar_app = typer.Typer(help="Your follow-ups as a calendar (iCalendar).", no_args_is_help=True)


@calendar_app.command("export")
def calendar_export(
    file: Annotated[Path, typer.Argument(help="The .ics file to write (replaced atomically).")],
    within: Within = DEFAULT_WITHIN,
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            metavar="[both|events|todos]",
            help="events: the week's plan as all-day events (every calendar shows them); "
            "todos: a to-do for everyone due (some calendars only); both.",
        ),
    ] = "both",
    db: DbOption = None,
) -> None:
    """Write your follow-ups as iCalendar: the week's plan as events, everyone due as to-dos."""
    from whoknows.services import calendar

    with store(db) as opened:
        people, events = calendar.export(
            opened, file, within_days=within, today=today_(), kind=kind.strip().lower()
        )
    scheduled = f" ({events} scheduled this week)" if events else ""
    say(f"Wrote {people} follow-up{'s' if people != 1 else ''}{scheduled} to ", Text(str(file)))


def register(app: typer.Typer) -> None:
    """Add the follow-up commands, `calendar` and `brief` to APP."""
    app.command("due")(due)
    app.command("done")(done)
    app.command("snooze")(snooze)
    app.command("cadence")(cadence)
    app.command("prep")(prep)
    app.add_typer(calendar_app, name="calendar")
    app.add_typer(brief_commands.brief_app, name="brief")


def prep(
    person: Person,
    fmt: Annotated[
        str,
        typer.Option("--format", metavar="[text|md]", help="text (the terminal) or md (Markdown)."),
    ] = "text",
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """One sheet before a 1-to-1: what you know of them, what to give, what to ask for."""
    from whoknows.services import prep as prep_service

    chosen = fmt.strip().lower()
    if chosen not in ("text", "txt", "md", "markdown"):
        raise UserError(f"format {fmt!r} is not known", hint="use text or md (or --json)")
    with store(db) as opened:
        found = prep_service.sheet(opened, person, today=today_())
    if json:
        print_json(found)
        return
    text = prep_service.render(found, "md" if chosen.startswith("m") else "txt")
    sys.stdout.write(text)
