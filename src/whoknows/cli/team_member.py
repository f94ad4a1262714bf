"""`whoknows team join|share|private|block|preview|push|pull`: the member's own machine.

Thin over services/team: this database decides what leaves it (docs/team.md, "Sharing your
network").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from whoknows.cli import paging
from whoknows.cli.common import DbOption, JsonOption, Person, print_json, print_table, say, store
from whoknows.cli.paging import LimitOption, OffsetOption
from whoknows.cli.tables import NAME, Column

if TYPE_CHECKING:
    from whoknows.services.paging import Page
    from whoknows.services.team.projection import Item, Projection

LEVELS = "who (whom you know at which organization, and how well), name (their names too), nothing"


def join(
    url: Annotated[
        str, typer.Argument(help="The team server's address, e.g. https://team.example.com.")
    ],
    token: Annotated[
        str,
        typer.Option(
            "--token",
            envvar="WHOKNOWS_TEAM_TOKEN",
            help="Your API token for the space (made on the team server's page).",
            show_default=False,
        ),
    ],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Join a team server's space with your token (it is checked first; nothing is pushed)."""
    from whoknows.services.team import link

    with store(db) as opened:
        joined = link.join(opened, url, token)
    if json:
        print_json(joined.as_json())
        return
    say(
        "Joined ",
        Text(joined.space_name, style="bold"),
        f" ({joined.space}) on {joined.url} as {joined.account}.",
    )
    say("See what colleagues would see: whoknows team preview; then send it: whoknows team push")


def share(
    level: Annotated[
        str | None,
        typer.Option("--level", metavar="LEVEL", help=f"Set it: {LEVELS}.", show_default=False),
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Show or set how much of your network you share: who, name or nothing."""
    from whoknows.services.team import settings

    with store(db) as opened:
        if level is not None:
            settings.set_level(opened, settings.parse_level(level))
        found = settings.sharing(opened)
    if json:
        print_json(found.as_json())
        return
    words = {
        "who": "whom you know, at which organization, in which role, and how well",
        "name": "whom you know by name, with organization, role and how well",
        "nothing": "nothing: your contacts leave the team's graph on the next push",
    }
    say("Sharing level: ", Text(found.level.value, style="bold"), f" — {words[found.level.value]}")
    say(f"Private people: {len(found.private)}; blocked organizations: {len(found.blocked)}")
    if level is not None:
        say("It applies from the next push: whoknows team push")


def private(
    person: Person,
    off: Annotated[bool, typer.Option("--off", help="Share them again.")] = False,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Keep a person off every push, whatever the sharing level (--off shares them again)."""
    from whoknows.services.team import settings

    with store(db) as opened:
        flagged = settings.set_private(opened, person, not off)
    if json:
        print_json(
            {
                "id": flagged.person_id,
                "name": flagged.name,
                "private": flagged.private,
                "changed": flagged.changed,
            }
        )
        return
    state = "private: never shared" if flagged.private else "shared again as your level allows"
    say(Text(f"#{flagged.person_id} {flagged.name}", style="bold"), f" is {state}.")


def block(
    organization: Annotated[
        str | None,
        typer.Argument(help="Organization whose people you never share.", show_default=False),
    ] = None,
    off: Annotated[bool, typer.Option("--off", help="Lift the block.")] = False,
    list_: Annotated[bool, typer.Option("--list", help="List the blocked organizations.")] = False,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Share nobody at an organization ("Acme" blocks "ACME, Inc." too), or list the blocks."""
    from whoknows.errors import UserError
    from whoknows.services.team import settings

    if organization is None and not list_:
        raise UserError("name an organization to block", hint="or see the list with --list")
    with store(db) as opened:
        if organization is not None:
            done = settings.set_blocked(opened, organization, not off)
            if not list_:
                if json:
                    print_json(
                        {
                            "organization": done.name,
                            "blocked": done.blocked,
                            "changed": done.changed,
                        }
                    )
                else:
                    state = (
                        "blocked: nobody there is shared" if done.blocked else "no longer blocked"
                    )
                    say(Text(done.name, style="bold"), f" is {state}.")
                return
        found = settings.sharing(opened)
    if json:
        print_json(found.blocked)
        return
    if not found.blocked:
        say("No organization is blocked.")
    for name in found.blocked:
        say(Text(name))


def preview(
    level: Annotated[
        str | None,
        typer.Option(
            "--level",
            metavar="LEVEL",
            help="Preview another level (who, name, nothing).",
            show_default=False,
        ),
    ] = None,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Exactly what colleagues will see of your network, before anything is pushed."""
    from whoknows.services.team import projection, settings

    wanted = paging.window(limit, offset)
    with store(db) as opened:
        found = projection.project(opened, level=settings.parse_level(level) if level else None)
    page = found.page(wanted)
    if json:
        print_json(
            {
                "level": found.level.value,
                "counts": found.counts,
                "total": page.total,
                "offset": page.offset,
                "contacts": [item.as_json() for item in page],
            }
        )
        if page.more:
            paging.more(page, "shared contacts")
        return
    _preview_table(found, page)


def _preview_table(found: Projection, page: Page[Item]) -> None:
    counts = found.counts
    say(
        "Level ",
        Text(found.level.value, style="bold"),
        ": ",
        "; ".join(f"{n:,} {what}" for what, n in counts.items() if n or what == "shared"),
    )
    if not page.items:
        if found.level.value == "nothing":
            say("Colleagues see nothing of your network, not even a count.")
        return
    print_table(
        (
            Column("id", justify="right"),
            Column("colleagues see", least=NAME),
            Column("band", drop=1),
        ),
        (
            (str(item.person_id), Text(item.shared.description()), item.shared.band.value)
            for item in page
        ),
        title=page.describe("shared contacts"),
    )
    if page.more:
        paging.more(page, "shared contacts")


def push(db: DbOption = None, json: JsonOption = False) -> None:
    """Send what changed in your shareable network since the last push.

    All of it the first time, or after a level change; removing someone here removes them
    there."""
    from whoknows.services.team import push as pushing

    with store(db) as opened:
        done = pushing.push(opened)
    if json:
        print_json(done.as_json())
        return
    if done.level.value == "nothing":
        say(f"Shared nothing with {done.space}: your contacts left the team's graph.")
        return
    sent = "everything" if done.complete else f"{done.sent:,} changed"
    say(
        f"Pushed to {done.space} ({sent}): {done.added:,} added, {done.changed:,} changed, "
        f"{done.removed:,} removed; {done.total:,} shared in all (version {done.version})."
    )


def pull(db: DbOption = None, json: JsonOption = False) -> None:
    """Bring what the team sent you into your own whoknows, once each.

    Accepted introduction requests become introductions in your ledger, to ask, make and
    report like any other. In a chapter, the slips you received and gave become referrals
    from (or to) their member, confirmed 1-to-1s become interactions, and the visitors you
    recorded become people met at the chapter (due a follow-up)."""
    from whoknows.services.team import pull as pulling

    with store(db) as opened:
        done = pulling.pull(opened)
    if json:
        print_json(done.as_json())
        return
    for item in done.recorded:
        say(f"Recorded introduction #{item['introduction']}: ", Text(item["what"]))
    for item in done.slips:
        say(f"Recorded referral #{item['referral']} from a slip: ", Text(item["what"]))
    for item in done.one_to_ones:
        say(f"Recorded interaction #{item['interaction']}: a 1-to-1 with ", Text(item["with"]))
    for item in done.visitors:
        say(f"Captured visitor #{item['person']} met at the chapter: ", Text(item["name"]))
    for reason in done.skipped:
        say(Text(f"Not recorded: {reason}", style="dim"))
    say(
        f"{len(done.recorded)} recorded; {done.waiting} still waiting for an answer; "
        f"{done.declined} declined or withdrawn. See them with: whoknows intro list"
    )
