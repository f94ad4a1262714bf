"""`whoknows team who-knows|path|ask|intros|accept|decline|withdraw`: the firm-wide questions.

Thin over services/team/questions.py (docs/team.md, "Asking the firm").
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.text import Text

from whoknows.cli.common import DbOption, JsonOption, print_json, print_table, say, store
from whoknows.cli.tables import NAME, Column


def who_knows(
    organization: Annotated[str, typer.Argument(help="The organization, e.g. Acme.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Which colleagues know someone at an organization, and how well."""
    from whoknows.services.team import questions

    with store(db) as opened:
        answer = questions.who_knows(opened, organization)
    if json:
        print_json(answer)
        return
    if not answer["colleagues"]:
        say(f"Nobody in the space shares anyone at {answer['org']}.")
        return
    print_table(
        (
            Column("colleague", least=NAME),
            Column("best tie"),
            Column("how many", justify="right"),
            Column("for example", drop=2),
        ),
        (
            (
                Text((c["name"] or "a colleague") + (" (you)" if c["you"] else "")),
                c["band"],
                str(c["count"]),
                Text("; ".join(p["description"] for p in c["contacts"])),
            )
            for c in answer["colleagues"]
        ),
        title=f"Who knows someone at {answer['org']}",
    )
    say(
        f"{answer['total_colleagues']} colleague(s), {answer['total_contacts']} contact(s). "
        "To be introduced: whoknows team ask COLLEAGUE --about PERSON --why …"
    )


def path(
    target: Annotated[str, typer.Argument(help="A person here (id, email or name) or org:NAME.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Warm paths of up to four hops through what colleagues share, each with the way in."""
    from whoknows.services.team import questions

    with store(db) as opened:
        answer = questions.path(opened, target)
    if json:
        print_json(answer)
        return
    if answer.get("known_directly"):
        say(f"You know {answer['known_directly']} of them yourself; paths to the others:")
    if not answer["paths"]:
        say(f"No path of four hops or fewer to {answer['to']} through what colleagues share.")
        return
    for number, found in enumerate(answer["paths"], 1):
        way_in = found["colleague"]["name"] if found["colleague"] else "your own tie"
        say(
            f"{number}. ",
            Text(way_in, style="bold"),
            f" ({found['hops']} hops, strength {found['strength']:.2f}): ",
            Text(" → ".join(_step(s) for s in found["steps"])),
        )


def _step(step: dict[str, Any]) -> str:
    shown = "you" if step["kind"] == "you" else step.get("name") or step.get("description", "")
    return f"{shown} ({step['band']})" if step.get("band") else shown


def ask(
    colleague: Annotated[str, typer.Argument(help="The colleague: their number or name.")],
    about: Annotated[
        str, typer.Option("--about", help="Whom to be introduced to (a person here).")
    ],
    why: Annotated[str, typer.Option("--why", help="Why you ask (the colleague reads it).")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Ask a colleague for an introduction; they accept or decline before anything more shows."""
    from whoknows.services.team import questions

    with store(db) as opened:
        made = questions.ask(opened, colleague, about, why)
    if json:
        print_json(made)
        return
    say(
        f"Asked {made['colleague']['name']} (request {made['id']}) about ",
        Text(made["about"]["description"], style="bold"),
        ". You will see the answer in: whoknows team intros",
    )


def intros(db: DbOption = None, json: JsonOption = False) -> None:
    """Introduction requests you made or were asked, newest first."""
    from whoknows.services.team import questions

    with store(db) as opened:
        answer = questions.intros(opened)
    if json:
        print_json(answer)
        return
    if not answer["intros"]:
        say("No introduction requests yet.")
        return
    print_table(
        (
            Column("id", justify="right"),
            Column("asked by", least=NAME),
            Column("of", least=NAME),
            Column("about"),
            Column("status"),
            Column("why", drop=2),
        ),
        (
            (
                str(i["id"]),
                Text(i["requester"]["name"] or ""),
                Text(i["colleague"]["name"] or ""),
                Text(i["about"]["description"]),
                i["status"],
                Text(i["why"]),
            )
            for i in answer["intros"]
        ),
    )


def _decide(intro: int, decision: str, db: str | None, json: bool) -> None:
    from whoknows.services.team import questions

    with store(db) as opened:
        done = questions.decide(opened, intro, decision)
    if json:
        print_json(done)
        return
    say(f"Request {done['id']} is {done['status']}.")


IntroArgument = Annotated[int, typer.Argument(help="The request's number (whoknows team intros).")]


def accept(intro: IntroArgument, db: DbOption = None, json: JsonOption = False) -> None:
    """Accept a request made of you: the asker learns your email and, if you share names, who."""
    _decide(intro, "accept", db, json)


def decline(intro: IntroArgument, db: DbOption = None, json: JsonOption = False) -> None:
    """Decline a request made of you: nothing more is revealed."""
    _decide(intro, "decline", db, json)


def withdraw(intro: IntroArgument, db: DbOption = None, json: JsonOption = False) -> None:
    """Withdraw a request you made that is still open."""
    _decide(intro, "withdraw", db, json)
