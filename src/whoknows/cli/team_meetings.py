"""`whoknows team one-to-one|lights …`: a chapter's 1-to-1s and explained traffic lights.

Thin over services/team/chapter.py (docs/team.md, "Chapters").
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.text import Text

from whoknows.cli.common import DbOption, JsonOption, print_json, say, store
from whoknows.cli.team_chapter import ClientId, Member

one_to_one = typer.Typer(
    help="1-to-1s: logged by one member, confirmed by the other.", no_args_is_help=True
)
lights = typer.Typer(
    help="The members' traffic lights over six months, each with its reasons.",
    no_args_is_help=True,
)


@lights.command("show")
def lights_show(db: DbOption = None, json: JsonOption = False) -> None:
    """Your light (every member's, for leaders): its parts and thresholds in words."""
    from whoknows.services.team import chapter

    with store(db) as opened:
        answer = chapter.lights(opened)
    if json:
        print_json(answer)
        return
    window = answer["window"]
    if window["to"] is None:
        say("No closed week yet: lights count closed weeks only.")
    for found in answer["lights"]:
        say(
            Text(f"{found['member']['name']}: {found['color']}", style="bold"),
            f" ({found['reason']})",
        )
        for part in found["parts"]:
            say(f"  {part['color']:>5}  {part['words']}")


@lights.command("set")
def lights_set(
    part: Annotated[str, typer.Argument(help="referrals, absences or thanks.")],
    amber: Annotated[int, typer.Option("--amber", min=0, help="Where amber begins.")],
    green: Annotated[int, typer.Option("--green", min=0, help="Where green begins.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Set a part's thresholds (leaders): e.g. referrals --amber 6 --green 12."""
    from whoknows.services.team import chapter

    with store(db) as opened:
        answer = chapter.set_rule(opened, part, amber, green)
    if json:
        print_json(answer)
        return
    rule = answer["set"]
    say(
        f"{rule['label']}: amber {rule['amber']}, green {rule['green']} "
        f"({rule['better']} is better)."
    )


@one_to_one.command("log")
def one_to_one_log(
    member: Member,
    on: Annotated[
        dt.datetime | None,
        typer.Option("--on", formats=["%Y-%m-%d"], help="The day you met (default: today)."),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="What you talked about.")] = None,
    client_id: ClientId = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Log a 1-to-1 with a member; it counts once they confirm it."""
    from whoknows.cli.common import today
    from whoknows.services.team import chapter

    with store(db) as opened:
        made = chapter.log_one_to_one(
            opened, member, on.date() if on else today(), note, client_id=client_id
        )
    if json:
        print_json(made)
        return
    say(
        f"1-to-1 {made['id']} with {made['with']['name']} on {made['met_on']}: "
        "it counts once they confirm it (whoknows team one-to-one confirm ID)."
    )


@one_to_one.command("confirm")
def one_to_one_confirm(
    meeting: Annotated[int, typer.Argument(help="The 1-to-1's number (one-to-one list).")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Confirm a 1-to-1 a member logged with you."""
    from whoknows.services.team import chapter

    with store(db) as opened:
        done = chapter.confirm_one_to_one(opened, meeting)
    if json:
        print_json(done)
        return
    say(f"Confirmed the 1-to-1 with {done['with']['name']} on {done['met_on']}.")


@one_to_one.command("list")
def one_to_one_list(db: DbOption = None, json: JsonOption = False) -> None:
    """Your 1-to-1s, logged by you or with you, newest first."""
    from whoknows.services.team import chapter

    with store(db) as opened:
        answer = chapter.one_to_ones(opened)
    if json:
        print_json(answer)
        return
    if not answer["one_to_ones"]:
        say("No 1-to-1s yet: whoknows team one-to-one log MEMBER")
        return
    for m in answer["one_to_ones"]:
        state = "confirmed" if m["confirmed"] else "waiting for confirmation"
        by = "you logged it" if m["role"] == "logger" else "they logged it"
        say(f"{m['id']}. {m['met_on']} with {m['with']['name']} ({by}; {state})")


@lights.command("board")
def lights_board(
    join: Annotated[
        bool | None,
        typer.Option(
            "--join/--leave", help="Put yourself on the leaderboard, or take yourself off."
        ),
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """The chapter's leaderboard: only members who chose to be on it, by referrals given."""
    from whoknows.services.team import chapter

    with store(db) as opened:
        answer = chapter.leaderboard(opened, join)
    if json:
        print_json(answer)
        return
    for row in answer["board"]:
        say(
            f"{row['rank']}. {row['member']['name']}: {row['referrals']} referral(s), "
            f"{row['one_to_ones']} 1-to-1(s)"
        )
    if not answer["board"]:
        say("Nobody is on the leaderboard yet.")
    say(
        "You are on it (--leave to come off)."
        if answer["me"]
        else "You are not on it (--join to be)."
    )
