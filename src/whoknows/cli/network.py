"""`whoknows know` and `whoknows log`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from whoknows.cli.common import DateOption, DbOption, JsonOption, print_json, say, store, when


def know(
    a: Annotated[str, typer.Argument(help="One person (id, email, name part, or me).")],
    b: Annotated[str, typer.Argument(help="The other person.")],
    strength: Annotated[
        float | None, typer.Option("--strength", help="How strong the tie is, in (0, 1].")
    ] = None,
    source: Annotated[
        str,
        typer.Option("--source", help="told, linkedin, email, calendar, event, colleague, manual"),
    ] = "told",
    since: Annotated[str | None, typer.Option("--since", help="Known since, YYYY-MM-DD.")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Record that A and B know each other."""
    from whoknows.services import network, validate

    since_date = validate.date(since, "--since") if since else None
    with store(db) as opened:
        tie = network.know(opened, a, b, strength=strength, source=source, since=since_date)
    if json:
        print_json(tie)
    else:
        shown = f" (strength {tie.strength:.2f})" if tie.strength is not None else ""
        say(Text(a, style="bold"), " and ", Text(b, style="bold"), f" know each other{shown}")


def log(
    kind: Annotated[
        str, typer.Argument(help="event, one-to-one, coffee, call, meeting, email, message")
    ],
    people: Annotated[list[str], typer.Argument(help="Who was there (ids, emails, names).")],
    date: DateOption = None,
    note: Annotated[str | None, typer.Option("--note", help="What happened.")] = None,
    minutes: Annotated[int | None, typer.Option("--minutes", help="How long it took.")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Log an interaction between you and one or more people."""
    from whoknows.services import network, validate

    on = when(date)
    validate.interaction_kind(kind)
    with store(db) as opened:
        interaction = network.log(opened, kind, people, on=on, note=note, minutes=minutes)
    if json:
        print_json(interaction)
    else:
        count = len(interaction.people)
        who = "1 person" if count == 1 else f"{count} people"
        say(f"Logged {interaction.kind.value} on {on} with {who}")
