"""`whoknows team slip|thanks|week …`: a chapter's weekly business from the member's machine.

Thin over services/team/chapter.py (docs/team.md, "Chapters").
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer
from rich.text import Text

from whoknows.cli.common import DbOption, JsonOption, print_json, print_table, say, store
from whoknows.cli.tables import NAME, Column

slip = typer.Typer(help="Referral slips between chapter members.", no_args_is_help=True)
thanks = typer.Typer(help="Thanks for closed business (TYFCB).", no_args_is_help=True)
week = typer.Typer(
    help="The chapter's weeks: attendance, the close, the report.", no_args_is_help=True
)

Member = Annotated[str, typer.Argument(help="The member: their number, email or name.")]
SlipId = Annotated[int, typer.Argument(help="The slip's number (whoknows team slip list).")]
ClientId = Annotated[
    str | None,
    typer.Option(
        "--id",
        help="A client id of your own (e.g. a UUID): sending the same one again makes no "
        "second one. Made for you when left out.",
    ),
]
WeekOption = Annotated[
    dt.datetime | None,
    typer.Option("--week", formats=["%Y-%m-%d"], help="A day of the week (YYYY-MM-DD)."),
]


def _slip_line(found: dict[str, Any]) -> str:
    other = found["receiver"] if found["role"] == "giver" else found["giver"]
    arrow = "to" if found["role"] == "giver" else "from"
    return (
        f"Slip {found['id']} {arrow} {other['name']} about {found['about']['text']} "
        f"(hot {found['hot']}, {found['status'].replace('_', ' ')}, "
        f"week of {found['week']['starts_on']})"
    )


@slip.command("give")
def give(
    member: Member,
    about: Annotated[
        str, typer.Option("--about", help='Whom it is about: "Name <email> @Org / Role".')
    ],
    hot: Annotated[int, typer.Option("--hot", min=1, max=5, help="How hot, 1 to 5.")] = 3,
    note: Annotated[str | None, typer.Option("--note", help="What they need.")] = None,
    client_id: ClientId = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Give a member a referral slip; it counts in this week (the next, once this one closed)."""
    from whoknows.services.team import chapter

    with store(db) as opened:
        made = chapter.give(opened, member, about, hot, note, client_id=client_id)
    if json:
        print_json(made)
        return
    say(_slip_line(made))


@slip.command("list")
def slips(db: DbOption = None, json: JsonOption = False) -> None:
    """The slips you gave and received, newest first."""
    from whoknows.services.team import chapter

    with store(db) as opened:
        answer = chapter.slips(opened)
    if json:
        print_json(answer)
        return
    if not answer["slips"]:
        say("No slips yet. Give one: whoknows team slip give MEMBER --about 'Name <email>'")
        return
    print_table(
        (
            Column("id", justify="right"),
            Column("from", least=NAME),
            Column("to", least=NAME),
            Column("about"),
            Column("hot", justify="right"),
            Column("status"),
            Column("week"),
        ),
        (
            (
                str(s["id"]),
                Text(s["giver"]["name"] or ""),
                Text(s["receiver"]["name"] or ""),
                Text(s["about"]["text"]),
                str(s["hot"]),
                s["status"].replace("_", " "),
                s["week"]["starts_on"] + ("" if s["week"]["status"] == "open" else " (closed)"),
            )
            for s in answer["slips"]
        ),
    )


@slip.command("edit")
def edit(
    slip_id: SlipId,
    about: Annotated[str | None, typer.Option("--about", help="Whom it is about.")] = None,
    hot: Annotated[int | None, typer.Option("--hot", min=1, max=5, help="1 to 5.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="What they need.")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Change a slip you gave, while its week is open."""
    from whoknows.services.team import chapter

    with store(db) as opened:
        done = chapter.edit(opened, slip_id, about=about, hot=hot, note=note)
    if json:
        print_json(done)
        return
    say(_slip_line(done))


@slip.command("withdraw")
def withdraw(slip_id: SlipId, db: DbOption = None, json: JsonOption = False) -> None:
    """Withdraw a slip you gave, while its week is open."""
    from whoknows.services.team import chapter

    with store(db) as opened:
        done = chapter.withdraw(opened, slip_id)
    if json:
        print_json(done)
        return
    say(_slip_line(done))


@slip.command("move")
def move(
    slip_id: SlipId,
    status: Annotated[str, typer.Argument(help="accepted, contacted, won or no_sale.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Move a slip you received along: accepted, contacted, then won or no sale."""
    from whoknows.services.team import chapter

    with store(db) as opened:
        done = chapter.move(opened, slip_id, status)
    if json:
        print_json(done)
        return
    say(_slip_line(done))


@thanks.command("give")
def thank(
    amount: Annotated[str, typer.Argument(help="What the business was worth: 1200, EUR 450.")],
    member: Annotated[
        str | None, typer.Option("--to", help="The member who referred it (or --slip).")
    ] = None,
    slip_id: Annotated[
        int | None, typer.Option("--slip", help="The slip it came from: its giver is thanked.")
    ] = None,
    client_id: ClientId = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Thank a member for closed business. They see only their totals, after the close."""
    from whoknows.services.team import chapter

    with store(db) as opened:
        made = chapter.thank(opened, member, amount, slip_id=slip_id, client_id=client_id)
    if json:
        print_json(made)
        return
    say(
        f"Thanked {made['to']['name']} for {made['currency']} {made['amount']} "
        f"(week of {made['week']}). They will see only their week's total, after the close."
    )


@thanks.command("list")
def thanks_list(db: DbOption = None, json: JsonOption = False) -> None:
    """The thanks you gave, and your totals per closed week (never who or how much each)."""
    from whoknows.services.team import chapter

    with store(db) as opened:
        answer = chapter.thanks(opened)
    if json:
        print_json(answer)
        return
    for row in answer["given"]:
        say(f"You thanked {row['to']['name']}: {row['currency']} {row['amount']} ({row['week']})")
    for row in answer["received"]:
        say(f"Week of {row['week']}: you were thanked {row['currency']} {row['amount']} in all")
    if answer.get("held"):
        say(
            f"{answer['held']} thanks held: a total shows once it sums two thanks or more "
            "(then in the week of that close)"
        )
    if not answer["given"] and not answer["received"] and not answer.get("held"):
        say("No thanks yet (what you are thanked shows after the week's close).")


@week.command("list")
def weeks(db: DbOption = None, json: JsonOption = False) -> None:
    """The chapter's weeks, newest first."""
    from whoknows.services.team import chapter

    with store(db) as opened:
        answer = chapter.weeks(opened)
    if json:
        print_json(answer)
        return
    if not answer["weeks"]:
        say("No weeks yet: the first slip or attendance opens one.")
        return
    for w in answer["weeks"]:
        say(f"Week of {w['starts_on']}: {w['status']}, {w['slips']} slip(s)")


@week.command("attend")
def attend(
    member: Member,
    status: Annotated[
        str, typer.Argument(help="present, absent, late, substitute or medical.")
    ] = "present",
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Record a member's attendance this week (leaders)."""
    from whoknows.services.team import chapter

    with store(db) as opened:
        done = chapter.attend(opened, member, status)
    if json:
        print_json(done)
        return
    say(f"Week of {done['week']}: member {done['member']} {done['status']}.")


@week.command("close")
def close(when: WeekOption = None, db: DbOption = None, json: JsonOption = False) -> None:
    """Close the week (leaders): slips freeze, totals show, the report is written once."""
    from whoknows.services.team import chapter

    with store(db) as opened:
        body = chapter.close(opened, when.date() if when else None)
    if json:
        print_json(body)
        return
    totals = body["totals"]
    money = ", ".join(f"{c} {v}" for c, v in totals["thanks"].items()) or "none"
    say(
        f"Closed the week of {body['week']}: {totals['present']} present, "
        f"{totals['slips']} slip(s), {totals.get('visitors', 0)} visitor(s), thanks {money}. "
        "See: whoknows team week report"
    )


@week.command("report")
def report(
    when: WeekOption = None,
    csv: Annotated[bool, typer.Option("--csv", help="Print the report's CSV.")] = False,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """A closed week's report (the latest unless --week): attendance, slips, thanks totals."""
    from whoknows.services.team import chapter

    with store(db) as opened:
        found = chapter.report(opened, when.date() if when else None, as_csv=csv)
    if csv:
        typer.echo(found, nl=False)
        return
    if json:
        print_json(found)
        return
    print_table(
        (
            Column("member", least=NAME),
            Column("attendance"),
            Column("given", justify="right"),
            Column("received", justify="right"),
            Column("thanked"),
        ),
        (
            (
                Text(r["member"]["name"] or ""),
                r["attendance"],
                str(r["slips_given"]),
                str(r["slips_received"]),
                ", ".join(f"{c} {v}" for c, v in r["thanks_received"].items()),
            )
            for r in found["members"]
        ),
        title=f"Week of {found['week']}",
    )
    for guest in found.get("visitors", []):
        by = f" (invited by {guest['invited_by']['name']})" if guest["invited_by"] else ""
        say(f"Visitor: {guest['name']}" + (f" @{guest['org']}" if guest["org"] else "") + by)
    six = found.get("six_months") or {}
    if six.get("weeks"):
        money = "".join(f", thanks {c} {v}" for c, v in six["thanks_per_week"].items())
        per = six.get("visitors_per_week")
        visitors = f", {per} visitor(s)" if per is not None else ""
        say(
            f"Against the {six['weeks']} closed week(s) before it, a week held on average "
            f"{six['present_per_week']} present, {six['slips_per_week']} slip(s), "
            f"{six['one_to_ones_per_week']} 1-to-1(s){visitors}{money}."
        )
