"""`whoknows icp`, `prospects`, `path`, `advocates` and `who-knows`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from whoknows.cli.common import DbOption, JsonOption, console, print_json, say, store

if TYPE_CHECKING:
    from whoknows.core.icp import Profile

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
    top: Annotated[int, typer.Option("--top", help="How many.")] = 20,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """People who match your ideal client profile, most reachable through people you know first."""
    from whoknows.services import reach, views

    with store(db) as opened:
        profile, total, found = reach.prospects(opened, top=top)
    if json:
        print_json(
            [
                {
                    "id": p.person.id,
                    "name": p.person.name,
                    "reachability": p.reachability,
                    "hops": p.hops,
                    "advocate": views.as_json(p.advocate),
                }
                for p in found
            ]
        )
        return
    table = Table(title=f"{total} people match: {profile.describe()}")
    for column in ("id", "name", "reachability", "hops", "ask first"):
        table.add_column(column)
    for p in found:
        table.add_row(
            str(p.person.id),
            Text(p.person.name),
            f"{p.reachability:.3f}",
            str(p.hops or "—"),
            Text(p.advocate.name if p.advocate else "nobody within reach"),
        )
    console().print(table)


def path(
    target: Annotated[str, typer.Argument(help="A person, org:NAME, or icp (your ideal clients).")],
    top: Annotated[int, typer.Option("--top", help="How many paths (distinct advocates).")] = 5,
    max_hops: Annotated[int, typer.Option("--max-hops", help="At most this many hops.")] = 4,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """The warmest introduction paths to a person, an organization or your ideal clients."""
    from whoknows.services import reach, views

    with store(db) as opened:
        answer = reach.find_paths(opened, target, top=top, max_hops=max_hops)
    if json:
        print_json(
            {
                "target": answer.target,
                "paths": [
                    {
                        "strength": p.strength,
                        "people": views.as_json(p.people),
                        "explanation": p.explanation,
                    }
                    for p in answer.paths
                ],
                "message": answer.message,
                "closest": answer.closest,
            }
        )
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
    from whoknows.services import reach, views

    with store(db) as opened:
        if potential:
            profile, found_potential = reach.potential(opened, top=top)
        else:
            profile, found = reach.advocates(opened, top=top)
    if potential:
        if json:
            print_json(
                [
                    {
                        "id": p.person.id,
                        "name": p.person.name,
                        "score": p.score,
                        "parts": p.parts,
                        "reaches": p.reaches,
                        "introducer": views.as_json(p.introducer),
                        "explanation": p.explanation,
                    }
                    for p in found_potential
                ]
            )
            return
        _hint(profile)
        table = Table(title="Who to meet next: potential advocates")
        for column in ("id", "name", "score", "why"):
            table.add_column(column, overflow="fold")
        for p in found_potential:
            table.add_row(
                str(p.person.id), Text(p.person.name), f"{p.score:.2f}", Text(p.explanation)
            )
        console().print(table)
        return
    if json:
        print_json(
            [
                {
                    "id": a.person.id,
                    "name": a.person.name,
                    "score": a.score,
                    "parts": a.parts,
                    "reaches": a.reaches,
                    "reaches_indirect": a.reaches_indirect,
                    "explanation": a.explanation,
                }
                for a in found
            ]
        )
        return
    _hint(profile)
    table = Table(title="Your best advocates")
    for column in ("id", "name", "score", "reach", "sphere", "tie", "trust", "why"):
        table.add_column(column, overflow="fold")
    for a in found:
        table.add_row(
            str(a.person.id),
            Text(a.person.name),
            f"{a.score:.2f}",
            f"{a.parts['reach']:.2f}",
            f"{a.parts['sphere']:.2f}",
            f"{a.parts['tie']:.2f}",
            f"{a.parts['trust']:.2f}",
            Text(a.explanation),
        )
    console().print(table)


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
    table = Table(title=f"Who you know at or into {name}")
    for column in ("id", "you know", "your tie", "who they know there"):
        table.add_column(column, overflow="fold")
    for r in rows:
        whom = ", ".join(f"{p.name} ({st:.2f})" for p, st in r.knows)
        if r.works_there:
            whom = "works there" + (f"; {whom}" if whom else "")
        table.add_row(str(r.contact.id), Text(r.contact.name), f"{r.tie:.2f}", Text(whom))
    console().print(table)
