"""`whoknows team power-team`: my contact sphere in a chapter, and the power team it suggests.

Thin over services/team/sphere.py (docs/team.md, "Chapters").
"""

from __future__ import annotations

from typing import Annotated

import typer

from whoknows.cli.common import DbOption, JsonOption, print_json, say, store


def power_team(
    share: Annotated[
        bool | None,
        typer.Option(
            "--share/--keep",
            help="Share whom you serve and your ideal clients with the chapter at your next "
            "push (--keep: the next push removes them from the server).",
        ),
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Your power team: members whose clients overlap yours, and who knows your ideal clients."""
    from whoknows.services.team import sphere

    with store(db) as opened:
        if share is not None:
            chosen = sphere.choose(opened, share)
            if json:
                print_json(chosen)
                return
            if share:
                say(f"Whom you serve: {chosen['serves'] or '(your brief has no For whom yet)'}")
                say("Sent with your next push: whoknows team push")
            else:
                say("Kept here: your next push removes it from the chapter (whoknows team push).")
            return
        answer = sphere.power_team(opened)
    if json:
        print_json(answer)
        return
    if not answer["shared"]:
        say("You have not shared your sphere: whoknows team power-team --share, then team push.")
        return
    if not answer["team"]:
        say("No member who shared their sphere serves clients like yours yet.")
    for found in answer["team"]:
        common = ", ".join(found["in_common"])
        say(
            f"{found['member']['name']} (overlap {found['score']:.2f})"
            + (f": serves {found['serves']}" if found["serves"] else "")
            + (f" (in common: {common})" if common else "")
        )
    for known in answer["know_your_clients"]:
        say(
            f"{known['member']['name']} knows {known['people']} of your ideal clients "
            f"(at best a {known['band']} tie)"
        )
