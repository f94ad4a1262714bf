"""`whoknows intro …`: introductions with double opt-in, and the drafts they send."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text
from typer.core import TyperGroup

from whoknows.cli import paging
from whoknows.cli.common import (
    DateOption,
    DbOption,
    JsonOption,
    NoteOption,
    console,
    print_json,
    print_table,
    say,
    store,
)
from whoknows.cli.common import when as when_
from whoknows.cli.paging import LimitOption, OffsetOption
from whoknows.cli.tables import NAME, Column

if TYPE_CHECKING:
    from whoknows.services import introductions
    from whoknows.services.introductions import IntroView
    from whoknows.services.paging import Page, Window
    from whoknows.services.store import Store

OutOption = Annotated[
    Path | None, typer.Option("--out", help="Also write the drafts as .eml files in this folder.")
]
IntroId = Annotated[int, typer.Argument(metavar="ID", help="The introduction's number.")]


# -- intro ---------------------------------------------------------------------------------


class IntroGroup(TyperGroup):
    """`whoknows intro A B` is short for `whoknows intro propose A B`."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["propose", *args]
        return super().parse_args(ctx, args)


intro_app = typer.Typer(
    cls=IntroGroup,
    help=(
        "Introductions with double opt-in: intro A B [--why] [--force] (or intro request VIA TO "
        "to be introduced), then ask, accept, make, outcome."
    ),
    no_args_is_help=True,
)


def _intro_line(intro: introductions.IntroView) -> None:
    marks = []
    if intro.state == "asked":
        marks = [
            f"{intro.a.name} {'said yes' if intro.a_accepted else 'to answer'}",
            f"{intro.b.name} {'said yes' if intro.b_accepted else 'to answer'}",
        ]
    extra = f" ({'; '.join(marks)})" if marks else ""
    outcome = f", outcome {intro.outcome}" if intro.outcome else ""
    through = f" through {intro.introducer.name}" if intro.introducer else ""
    say(
        f"Introduction #{intro.id}: ",
        Text(intro.a.name, style="bold"),
        " and ",
        Text(intro.b.name, style="bold"),
        f"{through} — {intro.state}{extra}{outcome}",
    )


def _show(found: IntroView, json: bool, *, proposed: bool = False) -> None:
    """An introduction as a line (or JSON); a PROPOSED one with the guard's warnings and what
    is next."""
    if json:
        print_json(found)
        return
    _intro_line(found)
    if proposed:
        for warning in found.warnings:
            say(Text("  warned: ", style="yellow"), Text(warning))
        say(f"Next: whoknows intro ask {found.id}")


def _show_drafts(found: introductions.IntroDrafts, out: Path | None, json: bool) -> None:
    from whoknows.services import views
    from whoknows.services.drafts import missing_emails, write_drafts

    written = write_drafts(found.drafts, out, found.sender) if out is not None else []
    for name in dict.fromkeys(n for d in found.drafts for n in missing_emails(d)):
        sys.stderr.write(
            f"whoknows: warning: {name} has no email: the draft's To: line leaves them out "
            f'(add one: whoknows person edit "{name}" --email ADDRESS)\n'
        )
    if json:
        print_json({**views.as_json(found), "written": [str(p) for p in written]})
        return
    _intro_line(found.introduction)
    for draft in found.drafts:
        to = ", ".join(f"{r.name} <{r.email}>" if r.email else r.name for r in draft.to)
        say("")
        say(Text("To: ", style="bold"), Text(to))
        say(Text("Subject: ", style="bold"), Text(draft.subject))
        say("")
        console().print(Text(draft.body.rstrip("\n")))
    for path in written:
        say("Written: ", Text(str(path)))
    if not written:
        say("")
        say("(nothing is sent; add --out DIR to save the drafts as .eml files)")


@intro_app.command("propose")
def intro_propose(
    a: Annotated[str, typer.Argument(metavar="A", help="One side.")],
    b: Annotated[str, typer.Argument(metavar="B", help="The other side.")],
    why: Annotated[
        str | None, typer.Option("--why", help="Why they should meet, in your words.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Propose it even though the reputation guard warns.")
    ] = False,
    date: DateOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Propose introducing A and B (also: whoknows intro A B); the reputation guard checks both."""
    from whoknows.services import introductions

    with store(db) as opened:
        found = introductions.propose(opened, a, b, why=why, force=force, today=when_(date))
    _show(found, json, proposed=True)


@intro_app.command("request")
def intro_request(
    via: Annotated[str, typer.Argument(metavar="VIA", help="Someone you know who knows TO.")],
    to: Annotated[str, typer.Argument(metavar="TO", help="Whom you would like to meet.")],
    why: Annotated[
        str | None, typer.Option("--why", help="Why you would like to meet, in your words.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Ask even though the reputation guard warns.")
    ] = False,
    date: DateOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Ask VIA to introduce you to TO; the reputation guard checks how well you know VIA.

    Then `intro ask ID` drafts your request to VIA, `intro accept ID B` records TO's yes and
    `intro make ID` that VIA made it (their give to you)."""
    from whoknows.services import introductions

    with store(db) as opened:
        found = introductions.request(opened, via, to, why=why, force=force, today=when_(date))
    _show(found, json, proposed=True)


def _drafting(step: str, doc: str) -> Callable[..., None]:
    """`intro ask` and `intro make`: the step STEP of the service, its drafts shown."""

    def command(
        intro_id: IntroId,
        out: OutOption = None,
        date: DateOption = None,
        db: DbOption = None,
        json: JsonOption = False,
    ) -> None:
        from whoknows.services import introductions

        run = introductions.ask if step == "ask" else introductions.make
        with store(db) as opened:
            found = run(opened, intro_id, today=when_(date))
        _show_drafts(found, out, json)

    command.__doc__ = doc
    command.__name__ = f"intro_{step}"
    return command


intro_app.command("ask")(
    _drafting("ask", "Draft the opt-in message to each side and mark the introduction asked.")
)


@intro_app.command("accept")
def intro_accept(
    intro_id: IntroId,
    side: Annotated[str, typer.Argument(metavar="SIDE", help="A or B: who said yes.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Record that side A or B said yes to the introduction."""
    from whoknows.services import introductions

    with store(db) as opened:
        found = introductions.accept(opened, intro_id, side)
    _show(found, json)
    if found.state == "accepted" and not json:
        say(f"Both said yes. Next: whoknows intro make {found.id}")


intro_app.command("make")(
    _drafting("make", "Draft the introduction email to both and record a give to each side.")
)


@intro_app.command("decline")
def intro_decline(
    intro_id: IntroId,
    date: DateOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Close an introduction that one side (or you) declined."""
    from whoknows.services import introductions

    with store(db) as opened:
        found = introductions.decline(opened, intro_id, today=when_(date))
    _show(found, json)


@intro_app.command("outcome")
def intro_outcome(
    intro_id: IntroId,
    result: Annotated[str, typer.Argument(metavar="OUTCOME", help="good, neutral or bad.")],
    note: NoteOption = None,
    date: DateOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Record how a made introduction went (a bad one makes the guard warn next time)."""
    from whoknows.services import introductions

    with store(db) as opened:
        found = introductions.outcome(opened, intro_id, result, note=note, today=when_(date))
    _show(found, json)


@intro_app.command("list")
def intro_list(
    state: Annotated[
        str | None,
        typer.Option("--state", help="Only this state: proposed, asked, accepted, made, declined."),
    ] = None,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """List introductions, newest first, a page at a time."""
    from whoknows.services import introductions

    def fetch(opened: Store, window: Window) -> Page[IntroView]:
        return introductions.introductions_page(opened, window, state=state)

    found = paging.page_or_json(db, limit, offset, json, fetch, lambda i: i, "introductions")
    if found is None:
        return
    if not found.total:
        say("No introductions yet: whoknows intro A B --why TEXT (or see: whoknows suggest)")
        return
    rows = []
    for intro in found:
        state_text = intro.state
        if intro.state == "asked" and (intro.a_accepted or intro.b_accepted):
            state_text += f" ({'A' if intro.a_accepted else 'B'} said yes)"
        if intro.forced:
            state_text += " (forced)"
        rows.append(
            (
                str(intro.id),
                Text(intro.a.name),
                Text(intro.b.name),
                state_text,
                intro.proposed_on.isoformat(),
                intro.outcome or "",
                Text(intro.why or ""),
            )
        )
    print_table(
        (
            Column("id", justify="right"),
            Column("A", least=NAME),
            Column("B", least=NAME),
            Column("state"),
            Column("proposed", drop=2),
            Column("outcome", drop=3),
            Column("why", drop=1, wrap=True),
        ),
        rows,
        title=f"Introductions: {found.describe()}",
    )
    if found.more:
        paging.more(found, "introductions")
