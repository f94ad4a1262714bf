"""`whoknows team visitor add|list|move`: a chapter's visitors, from the visitor host's
machine. Thin over services/team/visitors.py (docs/team.md, "Chapters")."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer
from rich.text import Text

from whoknows.cli.common import DbOption, JsonOption, print_json, say, store
from whoknows.cli.team_chapter import ClientId

visitor = typer.Typer(
    help="Visitors of the chapter: record them, follow their trail (leaders).",
    no_args_is_help=True,
)


def _line(found: dict[str, Any]) -> Text:
    by = f", invited by {found['invited_by']['name']}" if found["invited_by"] else ""
    trail = " → ".join(f"{m['status'].replace('_', ' ')} {m['on']}" for m in found["trail"])
    return Text(f"Visitor {found['id']}: {found['capture']}{by} ({trail})")


@visitor.command("add")
def add(
    capture: Annotated[str, typer.Argument(help='Who visited: "Name <email> @Org / Role".')],
    invited_by: Annotated[
        str | None,
        typer.Option("--invited-by", help="The member who invited them: number, email or name."),
    ] = None,
    client_id: ClientId = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Record a visitor of this week's meeting.

    `whoknows team pull` then adds them to your own network, due a follow-up."""
    from whoknows.services.team import visitors

    with store(db) as opened:
        made = visitors.add(opened, capture, invited_by, client_id=client_id)
    if json:
        print_json(made)
        return
    say(_line(made))


@visitor.command("list")
def listing(db: DbOption = None, json: JsonOption = False) -> None:
    """The chapter's visitors, newest first, with their trails."""
    from whoknows.services.team import visitors

    with store(db) as opened:
        answer = visitors.listing(opened)
    if json:
        print_json(answer)
        return
    if not answer["visitors"]:
        say('No visitors yet: whoknows team visitor add "Name <email> @Org"')
    for found in answer["visitors"]:
        say(_line(found))


@visitor.command("move")
def move(
    visitor_id: Annotated[int, typer.Argument(help="The visitor's number (team visitor list).")],
    status: Annotated[str, typer.Argument(help="invited, applied, joined or not_now.")],
    on: Annotated[
        dt.datetime | None,
        typer.Option("--on", formats=["%Y-%m-%d"], help="The day it happened (today if left out)."),
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Move a visitor along their trail: invited (to apply), applied, joined, or not now."""
    from whoknows.services.team import visitors

    with store(db) as opened:
        moved = visitors.move(opened, visitor_id, status, on.date() if on else None)
    if json:
        print_json(moved)
        return
    say(_line(moved))
