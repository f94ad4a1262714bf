"""`whoknows give`, `got`, `balance`, `intro …` (cli/introductions.py) and `suggest`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from whoknows.cli import introductions as intro_commands
from whoknows.cli.common import (
    DateOption,
    DbOption,
    JsonOption,
    NoteOption,
    print_json,
    print_table,
    say,
    store,
)
from whoknows.cli.common import when as when_
from whoknows.cli.tables import NAME, Column

KIND_HELP = "introduction, referral, information, recommendation, testimonial, help, business"
Kind = Annotated[str, typer.Argument(metavar="KIND", help=f"What: {KIND_HELP}.")]
ValueOption = Annotated[
    str | None, typer.Option("--value", help="What it was worth, e.g. 4000 or EUR 1200.")
]


def give(
    person: Annotated[str, typer.Argument(help="Whom you gave it to.")],
    kind: Kind,
    to: Annotated[
        str | None, typer.Option("--to", help="Whom the introduction or referral was to.")
    ] = None,
    note: NoteOption = None,
    value: ValueOption = None,
    date: DateOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Record something you gave PERSON (an introduction, a referral, help…)."""
    from whoknows.core.ledger import kind_phrase
    from whoknows.services import ledger

    with store(db) as opened:
        found = ledger.give(opened, person, kind, to=to, note=note, value=value, on=when_(date))
    if json:
        print_json(found)
        return
    to_text = f" to {found.other.name}" if found.other else ""
    worth = f", worth {found.currency} {found.value}" if found.value else ""
    say(
        f"Recorded #{found.id}: you gave ",
        Text(found.receiver.name, style="bold"),
        f" {kind_phrase(found.kind)}{to_text}{worth} on {found.date}",
    )


def got(
    person: Annotated[str, typer.Argument(help="Who gave it to you.")],
    kind: Kind,
    note: NoteOption = None,
    value: ValueOption = None,
    date: DateOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Record something PERSON gave you (a referral, an introduction, business…)."""
    from whoknows.core.ledger import kind_phrase
    from whoknows.services import ledger

    with store(db) as opened:
        found = ledger.got(opened, person, kind, note=note, value=value, on=when_(date))
    if json:
        print_json(found)
        return
    worth = f", worth {found.currency} {found.value}" if found.value else ""
    say(
        f"Recorded #{found.id}: ",
        Text(found.giver.name, style="bold"),
        f" gave you {kind_phrase(found.kind)}{worth} on {found.date}; remember to thank them",
    )


def balance(
    person: Annotated[
        str | None, typer.Argument(help="One person's balance (default: everyone).")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="From this date, YYYY-MM-DD (default: the last 12 months)."),
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """What you gave and received: overall first, then per person, with flags."""
    from whoknows.services import ledger, validate

    start = validate.date(since, "--since") if since else None
    with store(db) as opened:
        found = ledger.balance(opened, person, since=start, today=when_(None))
    if json:
        print_json(found)
        return
    whom = f" with {found.person.name}" if found.person else ""
    say(
        f"From {found.since} to {found.until}{whom}: you gave ",
        Text(str(found.given), style="bold"),
        ", you received ",
        Text(str(found.received), style="bold"),
        ".",
    )
    for flag in found.flags:
        say(Text(f"  {flag.kind}: ", style="bold yellow"), Text(flag.reason))
    if found.exchanges:
        print_table(
            (
                Column("date"),
                Column("who gave", least=NAME),
                Column("to", least=NAME),
                Column("kind", drop=2),
                Column("note", drop=1, wrap=True),
            ),
            (
                (
                    x.date.isoformat(),
                    Text(x.giver.name),
                    Text(x.receiver.name),
                    x.kind,
                    Text(x.note or ""),
                )
                for x in found.exchanges
            ),
            title="Exchanges",
        )
    elif found.people:
        print_table(
            (
                Column("id", justify="right"),
                Column("name", least=NAME),
                Column("you gave", justify="right"),
                Column("you received", justify="right"),
                Column("to thank", justify="right", drop=2),
                Column("last", drop=1),
            ),
            (
                (
                    str(p.id),
                    Text(p.name),
                    str(p.given),
                    str(p.received),
                    str(p.unthanked or ""),
                    p.last.isoformat() if p.last else "",
                )
                for p in found.people
            ),
            title="Per person",
        )
    else:
        say("Nothing given or received in that period yet: whoknows give PERSON KIND")


# -- suggest -------------------------------------------------------------------------------


def suggest(
    top: Annotated[int, typer.Option("--top", help="How many.")] = 10,
    held: Annotated[
        bool,
        typer.Option("--held", help="Also those the reputation guard would stop, and why."),
    ] = False,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Introductions you could make: one's asks meet another's offers, or another's clients."""
    from whoknows.services import suggest as suggest_service

    with store(db) as opened:
        found = suggest_service.suggest(opened, top=top, held=True)
    clean = [x for x in found if not x.guard]
    stopped = [x for x in found if x.guard]
    if json:
        print_json(found if held else clean)
        return
    if not found:
        say("No introductions to suggest yet: record what people ask for and offer")
        say("(whoknows person edit NAME --asks TEXT --offers TEXT)")
        return
    if clean:
        say(Text("Give first: introductions you could make", style="bold"))
    for number, x in enumerate(clean, start=1):
        say(f"{number}. [{x.score:.2f}] ", Text(x.explanation))
        say("   ", Text(x.command, style="dim"))
    if stopped and held:
        say("")
        say(Text("Held back by the reputation guard: know them better first", style="bold"))
        for number, x in enumerate(stopped, start=len(clean) + 1):
            say(f"{number}. ", Text(x.explanation))
            say("   the guard: ", Text(x.guard, style="yellow"))
    elif stopped:
        say(f"({len(stopped)} more held back by the reputation guard: whoknows suggest --held)")


def register(app: typer.Typer) -> None:
    """Add give, got, balance, intro … and suggest to APP."""
    app.command("give")(give)
    app.command("got")(got)
    app.command("balance")(balance)
    app.add_typer(intro_commands.intro_app, name="intro")
    app.command("suggest")(suggest)
