"""`whoknows icp`, `prospects`, `path`, `advocates` and `who-knows`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from whoknows.cli import paging
from whoknows.cli.common import DbOption, JsonOption, print_json, print_table, say, store
from whoknows.cli.paging import LimitOption, OffsetOption
from whoknows.cli.tables import NAME, Column

if TYPE_CHECKING:
    from whoknows.core.icp import Profile
    from whoknows.services.paging import Page, Window
    from whoknows.services.reach import AdvocateView, PotentialView, Prospect

icp_app = typer.Typer(help="Your ideal client profile: who you want to meet.", no_args_is_help=True)


def _profile_json(profile: Profile) -> dict[str, object]:
    from whoknows.services import views

    return {**views.as_json(profile), "description": profile.describe()}


@icp_app.command("set")
def icp_set(
    industry: Annotated[
        list[str] | None, typer.Option("--industry", help="An industry (repeatable).")
    ] = None,
    role: Annotated[
        list[str] | None, typer.Option("--role", help="A role or title (repeatable).")
    ] = None,
    city: Annotated[list[str] | None, typer.Option("--city", help="A city (repeatable).")] = None,
    org_size: Annotated[
        str | None, typer.Option("--org-size", help="Organization size MIN:MAX, e.g. 50:500.")
    ] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="A tag (repeatable).")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Set your ideal client profile (replaces the previous one)."""
    from whoknows.services import icp as icp_service

    profile = icp_service.make_profile(
        industries=industry or [],
        roles=role or [],
        cities=city or [],
        org_size=org_size,
        tags=tag or [],
    )
    with store(db) as opened:
        icp_service.set_profile(opened, profile)
    if json:
        print_json(_profile_json(profile))
    else:
        say("Your ideal clients: ", Text(profile.describe(), style="bold"))


@icp_app.command("show")
def icp_show(db: DbOption = None, json: JsonOption = False) -> None:
    """Show your ideal client profile."""
    from whoknows.services import icp as icp_service

    with store(db) as opened:
        profile = icp_service.get_profile(opened)
    if json:
        print_json(_profile_json(profile))
    else:
        say("Your ideal clients: ", Text(profile.describe(), style="bold"))


def prospects(
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    top: Annotated[
        int | None, typer.Option("--top", hidden=True, help="The same as --limit (older scripts).")
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """People who match your ideal client profile, most reachable through people you know first."""
    from whoknows.services import reach

    wanted = paging.window(limit if limit is not None else top, offset)
    with store(db) as opened:

        def fetch(window: Window) -> Page[Prospect]:
            return reach.prospects(opened, window)[1]

        if json:
            paging.json_pages(fetch, wanted, lambda p: p.as_json(), "ideal clients")
            return
        profile, found = reach.prospects(opened, wanted)
    print_table(
        (
            Column("id", justify="right"),
            Column("name", least=NAME),
            Column("reachability", justify="right", drop=2),
            Column("hops", justify="right", drop=1),
            Column("ask first"),
        ),
        (
            (
                str(p.person.id),
                Text(p.person.name),
                f"{p.reachability:.3f}",
                str(p.hops or "—"),
                Text(p.advocate.name if p.advocate else "nobody within reach"),
            )
            for p in found
        ),
        title=f"{found.describe('ideal clients')}: {profile.describe()}",
    )
    if found.more:
        paging.more(found, "ideal clients")


def path(
    target: Annotated[str, typer.Argument(help="A person, org:NAME, or icp (your ideal clients).")],
    top: Annotated[int, typer.Option("--top", help="How many paths (distinct advocates).")] = 5,
    max_hops: Annotated[int, typer.Option("--max-hops", help="At most this many hops.")] = 4,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """The warmest introduction paths to a person, an organization or your ideal clients."""
    from whoknows.services import reach

    with store(db) as opened:
        answer = reach.find_paths(opened, target, top=top, max_hops=max_hops)
    if json:
        print_json(answer)
        return
    name = answer.target.get("name") or answer.target.get("description")
    if not answer.paths:
        say(f"No warm path to {name}: {answer.message}.")
        return
    say("Warm paths to ", Text(str(name), style="bold"))
    for number, found in enumerate(answer.paths, start=1):
        say(f"{number}. [{found.strength:.3f}] ", Text(found.explanation))


def advocates(
    top: Annotated[int, typer.Option("--top", help="How many.")] = 10,
    potential: Annotated[
        bool,
        typer.Option(
            "--potential", help="People you do not know yet who would be strong advocates."
        ),
    ] = False,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Your best advocates: who can bring you to your ideal clients, and why."""
    from whoknows.services import reach

    with store(db) as opened:
        if potential:
            profile, found_potential = reach.potential(opened, top=top)
        else:
            profile, found = reach.advocates(opened, top=top)
    if potential:
        if json:
            print_json(found_potential)
            return
        _hint(profile)
        _scores(found_potential, "Who to meet next: potential advocates")
        return
    if json:
        print_json(found)
        return
    _hint(profile)
    _scores(found, "Your best advocates")


# How the parts of an advocate score read in a table (the JSON keeps the keys).
PART_NAMES = {"give_get": "give/get", "introduction": "introducer"}


def _scores(found: Sequence[AdvocateView | PotentialView], title: str) -> None:
    """A ranking with each score and the parts it is the sum of, as written."""
    from whoknows.core.advocates import shown

    rows = []
    for a in found:
        score, parts = shown(a.score, a.parts)
        rows.append(
            (
                str(a.person.id),
                Text(a.person.name),
                score,
                " + ".join(f"{PART_NAMES.get(k, k)} {v}" for k, v in parts.items()),
                Text(a.explanation),
            )
        )
    print_table(
        (
            Column("id", justify="right"),
            Column("name", least=NAME),
            Column("score", justify="right"),
            Column("= the sum of its parts", wrap=True),
            Column("why", wrap=True, drop=1),
        ),
        rows,
        title=title,
    )


def _hint(profile: Profile) -> None:
    if profile.is_empty():
        say("(no ideal client profile yet: reach counts nothing; set one with whoknows icp set)")


def who_knows(
    org: Annotated[str, typer.Argument(help="The organization: id or (part of) its name.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """The people you know who know someone at an organization, and whom."""
    from whoknows.services import reach

    with store(db) as opened:
        name, rows = reach.who_knows(opened, org)
    if json:
        print_json(
            [
                {
                    "id": r.contact.id,
                    "name": r.contact.name,
                    "tie": r.tie,
                    "works_there": r.works_there,
                    "knows": [{"id": p.id, "name": p.name, "strength": st} for p, st in r.knows],
                }
                for r in rows
            ]
        )
        return
    if not rows:
        say(f"Nobody you know knows anyone at {name} yet.")
        return
    lines = []
    for r in rows:
        whom = ", ".join(f"{p.name} ({st:.2f})" for p, st in r.knows)
        if r.works_there:
            whom = "works there" + (f"; {whom}" if whom else "")
        lines.append((str(r.contact.id), Text(r.contact.name), f"{r.tie:.2f}", Text(whom)))
    print_table(
        (
            Column("id", justify="right"),
            Column("you know", least=NAME),
            Column("your tie", justify="right"),
            Column("who they know there", wrap=True),
        ),
        lines,
        title=f"Who you know at or into {name}",
    )
