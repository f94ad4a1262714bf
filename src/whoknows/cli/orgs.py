"""`whoknows org …`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from whoknows.cli import paging
from whoknows.cli.common import (
    DbOption,
    JsonOption,
    people_table,
    print_json,
    print_table,
    say,
    store,
)
from whoknows.cli.paging import LimitOption, OffsetOption
from whoknows.cli.tables import NAME, Column

if TYPE_CHECKING:
    from whoknows.services.organizations import OrgRow
    from whoknows.services.paging import Page, Window

app = typer.Typer(help="Add, show and list organizations.", no_args_is_help=True)


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Organization name.")],
    domain: Annotated[
        str | None, typer.Option("--domain", help="Web domain, e.g. acme.com.")
    ] = None,
    industry: Annotated[str | None, typer.Option("--industry", help="Industry.")] = None,
    size: Annotated[int | None, typer.Option("--size", help="Number of employees.")] = None,
    city: Annotated[str | None, typer.Option("--city", help="City.")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Add an organization."""
    from whoknows.services import organizations
    from whoknows.services.organizations import OrgInput

    with store(db) as opened:
        org = organizations.add_org(
            opened, OrgInput(name=name, domain=domain, industry=industry, size=size, city=city)
        )
    if json:
        print_json(org)
    else:
        say("Added ", Text(f"#{org.id} {org.name}", style="bold"))


@app.command("show")
def show(
    ref: Annotated[str, typer.Argument(help="Organization: id or (part of) its name.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """An organization and the people known there."""
    from whoknows.services import organizations, views

    with store(db) as opened:
        found = organizations.show_org(opened, ref)
    if json:
        print_json(views.org_detail(found))
        return
    org = found.organization
    facts = [f"#{org.id}"] + [x for x in (org.domain, org.industry, org.city) if x]
    if org.size:
        facts.append(f"{org.size} people")
    say(Text(org.name, style="bold"), "  ", Text(" · ".join(facts), style="dim"))
    people_table(found.people, title=f"{len(found.people)} people known there")


@app.command("list")
def list_(
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """List organizations by name, with how many people you know there, a page at a time."""
    from whoknows.services import organizations, views

    wanted = paging.window(limit, offset)
    with store(db) as opened:

        def fetch(window: Window) -> Page[OrgRow]:
            return organizations.orgs_page(opened, window)

        if json:
            paging.json_pages(
                fetch,
                wanted,
                views.org_row,
                "organizations",
            )
            return
        found = fetch(wanted)
    print_table(
        (
            Column("id", justify="right"),
            Column("name", least=NAME),
            Column("industry", drop=2),
            Column("city", drop=3),
            Column("people", justify="right", drop=1),
        ),
        (
            (
                str(r.organization.id),
                Text(r.organization.name),
                Text(r.organization.industry or ""),
                Text(r.organization.city or ""),
                str(r.people),
            )
            for r in found
        ),
        title=found.describe("organizations"),
    )
    if found.more:
        paging.more(found, "organizations")
