"""`whoknows event …`: networking events and quick capture of the people met there."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from whoknows.cli import paging
from whoknows.cli.common import DbOption, JsonOption, print_json, print_table, say, store
from whoknows.cli.followups import event_followup
from whoknows.cli.paging import LimitOption, OffsetOption
from whoknows.cli.tables import NAME, Column
from whoknows.errors import UserError

if TYPE_CHECKING:
    from whoknows.core.models import Event
    from whoknows.services.paging import Page, Window

app = typer.Typer(help="Networking events and the people met there.", no_args_is_help=True)


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Event name.")],
    date: Annotated[str | None, typer.Option("--date", help="When, YYYY-MM-DD.")] = None,
    place: Annotated[str | None, typer.Option("--place", help="Where.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Notes.")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Add a networking event."""
    from whoknows.services import events, validate

    if date is None:
        raise UserError("an event needs a date", hint="add --date YYYY-MM-DD")
    on = validate.date(date)
    with store(db) as opened:
        event = events.add_event(opened, name, on, place=place, note=note)
    if json:
        print_json(event)
    else:
        say("Added ", Text(f"#{event.id} {event.name}", style="bold"), f" on {event.date}")


@app.command("met")
def met(
    event: Annotated[str, typer.Argument(help="The event: id or (part of) its name.")],
    people: Annotated[
        list[str], typer.Argument(help='Who: a name, email or id, or "Name <email> @Org / Role".')
    ],
    giver: Annotated[
        bool, typer.Option("--giver", help="They get Give to Get: follow up with them first.")
    ] = False,
    new: Annotated[
        bool,
        typer.Option("--new", help="They are people you had not met: never take them by name."),
    ] = False,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Record the people you met at an event (new people are created on the spot).

    Someone whose email you know, or the only person with that name at that organization,
    is taken to be them, and said so; a likely person you know is offered as a choice.
    """
    from whoknows.services import events

    with store(db) as opened:
        result = events.met(opened, event, people, giver=giver, new=new)
    recognized = dict(result.recognized)
    if json:
        print_json(result)
        return
    for person in result.people:
        how = " (new)" if person.id in result.created else ""
        if person.id in recognized:
            how = f" (known: {recognized[person.id]})"
        say("Met ", Text(person.label(), style="bold"), Text(how), f" at {result.event.name}")


@app.command("show")
def show(
    event: Annotated[str, typer.Argument(help="The event: id or (part of) its name.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """An event and the people met there (those who get Give to Get first)."""
    from whoknows.services import events

    with store(db) as opened:
        found = events.show_event(opened, event)
    if json:
        print_json(found)
        return
    say(Text(found.name, style="bold"), f"  {found.date}", Text(f"  {found.place or ''}"))
    print_table(
        (Column("id", justify="right"), Column("name", least=NAME), Column("gets Give to Get")),
        ((str(a.person_id), Text(a.name), "yes" if a.gets_it else "") for a in found.attendees),
        title=f"{len(found.attendees)} people met",
    )


app.command("followup")(event_followup)


@app.command("list")
def list_(
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """List events, newest first, a page at a time."""
    from whoknows.services import events, views

    wanted = paging.window(limit, offset)
    with store(db) as opened:

        def fetch(window: Window) -> Page[Event]:
            return events.events_page(opened, window)

        if json:
            paging.json_pages(fetch, wanted, views.as_json, "events")
            return
        found = fetch(wanted)
    print_table(
        (
            Column("id", justify="right"),
            Column("date"),
            Column("name", least=NAME),
            Column("place", drop=2),
            Column("met", justify="right", drop=1),
        ),
        (
            (str(e.id), str(e.date), Text(e.name), Text(e.place or ""), str(len(e.attendees)))
            for e in found
        ),
        title=found.describe("events"),
    )
    if found.more:
        paging.more(found, "events")
