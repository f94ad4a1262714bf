"""`whoknows event …`: networking events and quick capture of the people met there."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from whoknows.cli.common import DbOption, JsonOption, console, print_json, say, store
from whoknows.cli.followups import event_followup
from whoknows.errors import UserError

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
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Record the people you met at an event (new people are created on the spot)."""
    from whoknows.services import events

    with store(db) as opened:
        result = events.met(opened, event, people, giver=giver)
    if json:
        print_json({"event": result.event, "people": result.people, "created": result.created})
        return
    for person in result.people:
        new = " (new)" if person.id in result.created else ""
        say("Met ", Text(person.label(), style="bold"), f"{new} at {result.event.name}")


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
    table = Table(title=f"{len(found.attendees)} people met")
    table.add_column("id")
    table.add_column("name")
    table.add_column("gets Give to Get")
    for a in found.attendees:
        table.add_row(str(a.person_id), Text(a.name), "yes" if a.gets_it else "")
    console().print(table)


app.command("followup")(event_followup)


@app.command("list")
def list_(db: DbOption = None, json: JsonOption = False) -> None:
    """List events, newest first."""
    from whoknows.services import events, views

    with store(db) as opened:
        found = events.list_events(opened)
    if json:
        print_json([{**views.as_json(e), "met": len(e.attendees)} for e in found])
        return
    table = Table(title=f"{len(found)} events")
    for column in ("id", "date", "name", "place", "met"):
        table.add_column(column, overflow="fold")
    for e in found:
        table.add_row(
            str(e.id), str(e.date), Text(e.name), Text(e.place or ""), str(len(e.attendees))
        )
    console().print(table)
