"""`whoknows referral …` (add, move, won, lost, list) and `whoknows report`."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from whoknows.cli import paging
from whoknows.cli.common import (
    DateOption,
    DbOption,
    JsonOption,
    console,
    print_json,
    print_table,
    say,
    store,
)
from whoknows.cli.common import when as on_date
from whoknows.cli.paging import LimitOption, OffsetOption
from whoknows.cli.tables import NAME, Column, table

if TYPE_CHECKING:
    from whoknows.services import referrals as service
    from whoknows.services.paging import Page, Window
    from whoknows.services.referrals import ReferralView
    from whoknows.services.store import Store

app = typer.Typer(
    help="Referrals: leads passed to you (or by you), from received to won or lost.",
    no_args_is_help=True,
)

IdArgument = Annotated[int, typer.Argument(help="The referral's id (see: referral list).")]


def _say_view(verb: str, view: service.ReferralView) -> None:
    from whoknows.services.money import format_money

    about = view.about.name if view.about else "?"
    value = f" · {format_money(view.value, view.currency)}" if view.value and view.currency else ""
    whom = f"from {view.from_.name}" if view.direction == "received" else f"to {view.to.name}"
    say(f"{verb} referral #{view.id} ", whom, " about ", Text(about, style="bold"), value)


@app.command("add")
def add(
    about: Annotated[
        str,
        typer.Option(
            "--about",
            help='Whom it is about: a person, "Name <email> @Org" for someone new, or org:NAME.',
        ),
    ],
    from_: Annotated[
        str | None,
        typer.Option("--from", help="Who passed you the referral (the advocate)."),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option("--to", help="A referral you give: the person you pass it to."),
    ] = None,
    value: Annotated[
        str | None, typer.Option("--value", help="Its estimated value, e.g. 4000 or EUR 1200.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="What it is about.")] = None,
    new: Annotated[
        bool, typer.Option("--new", help="--about is someone new: never take them by name.")
    ] = False,
    date: DateOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Record a referral you received (--from ADVOCATE) or one you give (--to PERSON)."""
    from whoknows.services import referrals as service

    with store(db) as opened:
        view = service.add(
            opened, from_, about, to, note=note, value=value, on=on_date(date), new=new
        )
    if json:
        print_json(view.as_json())
        return
    _say_view("Recorded", view)
    if view.direction == "received" and view.about and view.about.id != view.from_.id:
        say("Next: thank ", Text(view.from_.name), " (it is on your follow-up list).")


@app.command("move")
def move(
    referral_id: IdArgument,
    status: Annotated[
        str, typer.Argument(help="contacted, meeting, proposal, won or lost (forward only).")
    ],
    date: DateOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Move a referral forward: received → contacted → meeting → proposal → won / lost."""
    from whoknows.services import referrals as service

    with store(db) as opened:
        view = service.move(opened, referral_id, status, on=on_date(date))
    if json:
        print_json(view.as_json())
    else:
        _say_view(f"Moved to {view.status}:", view)


def _say_closed(label: str, view: ReferralView, json: bool) -> None:
    """A referral just won or lost, and the report back to the advocate that is due."""
    if json:
        print_json(view.as_json())
        return
    _say_view(label, view)
    if view.direction == "received" and view.reported_on is None:
        say("Next: tell ", Text(view.from_.name), " how it went (it is on your follow-up list).")


@app.command("won")
def won(
    referral_id: IdArgument,
    value: Annotated[str, typer.Option("--value", help="What the business is worth, e.g. 4000.")],
    date: DateOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """The referral became business: record its value (then report back to the advocate)."""
    from whoknows.services import referrals as service

    with store(db) as opened:
        view = service.won(opened, referral_id, value, on=on_date(date))
    _say_closed("Won:", view, json)


@app.command("lost")
def lost(
    referral_id: IdArgument,
    reason: Annotated[str | None, typer.Option("--reason", help="Why it did not go ahead.")] = None,
    date: DateOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """The referral did not become business (then report back to the advocate)."""
    from whoknows.services import referrals as service

    with store(db) as opened:
        view = service.lost(opened, referral_id, reason, on=on_date(date))
    _say_closed("Lost:", view, json)


@app.command("list")
def list_(
    status: Annotated[
        str | None,
        typer.Option("--status", help="Only those at this status (or open: not yet closed)."),
    ] = None,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """List referrals, newest first, a page at a time."""
    from whoknows.services import referrals as service
    from whoknows.services.money import format_money

    def fetch(opened: Store, window: Window) -> Page[ReferralView]:
        return service.referrals_page(opened, window, status)

    found = paging.page_or_json(db, limit, offset, json, fetch, lambda v: v.as_json(), "referrals")
    if found is None:
        return
    if not found.total:
        say("No referrals yet. Record one: whoknows referral add --from ADVOCATE --about PERSON")
        return
    print_table(
        (
            Column("id", justify="right"),
            Column("date", drop=2),
            Column("from", least=NAME),
            Column("to", drop=1),
            Column("about", least=NAME),
            Column("status"),
            Column("value", justify="right", drop=3),
        ),
        (
            (
                str(v.id),
                v.date.isoformat(),
                Text(v.from_.name),
                Text(v.to.name),
                Text(v.about.name if v.about else "—"),
                v.status,
                format_money(v.value, v.currency) if v.value is not None and v.currency else "—",
            )
            for v in found
        ),
        title=found.describe("referrals"),
    )
    if found.more:
        paging.more(found, "referrals")


def report(
    since: Annotated[
        str | None, typer.Option("--since", help="Only from this date, YYYY-MM-DD.")
    ] = None,
    format_: Annotated[
        str, typer.Option("--format", help="table (terminal), json (scripts) or html (charts).")
    ] = "table",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write to this file (html default: whoknows-report.html here)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Which advocates, events and sources brought business: tables, JSON or an HTML report."""
    from whoknows.services import report as reports
    from whoknows.services import validate

    fmt = format_.strip().lower()
    if fmt == "html" and out is None:
        out = Path("whoknows-report.html")
    start = validate.date(since, "--since") if since else None
    with store(db) as opened:
        rendered = reports.report(opened, start, fmt, out)
    if rendered.path is not None:
        say("Wrote ", str(rendered.path))
        return
    if rendered.text is not None:
        typer.echo(rendered.text, nl=False)
        return
    if out is not None:
        recorder = Console(file=io.StringIO(), record=True, width=160, highlight=False)
        _tables(rendered.data, recorder)
        reports.write_atomic(out, recorder.export_text())
        say("Wrote ", str(out))
        return
    _tables(rendered.data, console())


def _tables(data: dict[str, Any], where: Console) -> None:
    from whoknows.services import report_view

    where.print(Text(str(data["thesis"]["summary"])))
    for section in report_view.sections(data):
        rows: list[list[str | Text]] = [[Text(cell) for cell in row] for row in section.rows]
        if not rows:
            rows = [["—"] * len(section.columns)]
        # The first column names what the row is about: the last ones go first when narrow.
        columns = [
            Column(c, justify="right" if numeric else "left", drop=i)
            for i, (c, numeric) in enumerate(zip(section.columns, section.numeric, strict=True))
        ]
        where.print(table(columns, rows, console=where, title=section.title))


def register(app_: typer.Typer) -> None:
    """Add the `referral` group and `report` to the whoknows app."""
    app_.add_typer(app, name="referral")
    app_.command("report")(report)
