"""`whoknows person …` and `whoknows me`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from whoknows.cli import paging
from whoknows.cli.common import (
    DbOption,
    JsonOption,
    console,
    describe,
    people_table,
    print_json,
    print_table,
    say,
    store,
)
from whoknows.cli.paging import LimitOption, OffsetOption
from whoknows.cli.tables import NAME, Column
from whoknows.errors import UserError

if TYPE_CHECKING:
    from whoknows.core.models import Person
    from whoknows.services.paging import Page, Window
    from whoknows.services.people import PersonInput

app = typer.Typer(
    help="Add, show, edit, find, list, merge and remove people.", no_args_is_help=True
)

Emails = Annotated[list[str] | None, typer.Option("--email", help="An email (repeatable).")]
Phones = Annotated[list[str] | None, typer.Option("--phone", help="A phone (repeatable).")]
Tags = Annotated[list[str] | None, typer.Option("--tag", help="A tag (repeatable).")]
Org = Annotated[str | None, typer.Option("--org", help="Organization (created when new).")]
Role = Annotated[str | None, typer.Option("--role", help="Role or job title.")]
Industry = Annotated[str | None, typer.Option("--industry", help="Industry.")]
City = Annotated[str | None, typer.Option("--city", help="City.")]
Note = Annotated[str | None, typer.Option("--note", help="Notes about them.")]
Serves = Annotated[
    str | None, typer.Option("--serves", help="Whom they serve: their own clients and market.")
]
Asks = Annotated[str | None, typer.Option("--asks", help="What they are looking for.")]
Offers = Annotated[str | None, typer.Option("--offers", help="What they can give or offer.")]
Trust = Annotated[
    int | None,
    typer.Option("--trust", help="How far you would stake your reputation on them, 1..5."),
]


def _input(**values: object) -> PersonInput:
    from whoknows.services.people import PersonInput

    return PersonInput(**{k: v for k, v in values.items() if v is not None})  # type: ignore[arg-type]


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Full name, exactly as it should be shown.")],
    email: Emails = None,
    phone: Phones = None,
    org: Org = None,
    role: Role = None,
    industry: Industry = None,
    city: City = None,
    tag: Tags = None,
    note: Note = None,
    serves: Serves = None,
    asks: Asks = None,
    offers: Offers = None,
    trust: Trust = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Add a person to your network."""
    from whoknows.services import people

    data = _input(
        name=name,
        emails=email,
        phones=phone,
        organization=org,
        role=role,
        industry=industry,
        city=city,
        tags=tag,
        notes=note,
        serves=serves,
        asks=asks,
        offers=offers,
        trust=trust,
    )
    with store(db) as opened:
        person = people.add_person(opened, data)
    if json:
        print_json(person)
    else:
        say("Added ", Text(person.label(), style="bold"))


@app.command("edit")
def edit(
    ref: Annotated[str, typer.Argument(help="Who: id, email or part of the name.")],
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    email: Emails = None,
    drop_email: Annotated[list[str] | None, typer.Option("--drop-email")] = None,
    phone: Phones = None,
    drop_phone: Annotated[list[str] | None, typer.Option("--drop-phone")] = None,
    org: Org = None,
    role: Role = None,
    industry: Industry = None,
    city: City = None,
    tag: Tags = None,
    drop_tag: Annotated[list[str] | None, typer.Option("--drop-tag")] = None,
    note: Note = None,
    serves: Serves = None,
    asks: Asks = None,
    offers: Offers = None,
    trust: Trust = None,
    stage: Annotated[str | None, typer.Option("--stage", help="Relationship stage.")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Change what is known about a person (adds emails, phones and tags; --drop-* removes)."""
    from whoknows.services import people

    data = _input(
        name=name,
        emails=email,
        drop_emails=drop_email,
        phones=phone,
        drop_phones=drop_phone,
        organization=org,
        role=role,
        industry=industry,
        city=city,
        tags=tag,
        drop_tags=drop_tag,
        notes=note,
        serves=serves,
        asks=asks,
        offers=offers,
        trust=trust,
        stage=stage,
    )
    with store(db) as opened:
        person = people.edit_person(opened, ref, data)
    if json:
        print_json(person)
    else:
        say("Updated ", Text(person.label(), style="bold"))


@app.command("show")
def show(
    ref: Annotated[str, typer.Argument(help="Who: id, email or part of the name.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Everything known about a person: details, ties, interactions, events."""
    from whoknows.core.tiestrength import described
    from whoknows.services import detail, views

    with store(db) as opened:
        found = detail.person_detail(opened, ref)
    if json:
        payload = views.person_detail(found)
        print_json(payload)
        return
    p = found.person
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    rows = [
        ("id", str(p.id)),
        ("emails", ", ".join(p.emails)),
        ("phones", ", ".join(p.phones)),
        ("organization", p.organization),
        ("role", p.role),
        ("industry", p.industry),
        ("city", p.city),
        ("tags", ", ".join(p.tags)),
        ("stage", p.stage),
        ("trust", str(p.trust) if p.trust else None),
        ("serves", p.serves),
        ("asks", p.asks),
        ("offers", p.offers),
        ("met", " ".join(x for x in (p.met_where, str(p.met_on or "")) if x)),
        ("notes", p.notes),
    ]
    for label, value in rows:
        if value:
            facts.add_row(label, describe(value))
    say(Text(p.name + (" (me)" if p.is_me else ""), style="bold"))
    console().print(facts)
    if found.interactions:
        print_table(
            (
                Column("date"),
                Column("kind"),
                Column("with", drop=2),
                Column("note", drop=1, wrap=True),
            ),
            (
                (str(i.date), i.kind, Text(", ".join(i.with_people)), Text(i.note or ""))
                for i in found.interactions[:20]
            ),
            title=f"Interactions ({len(found.interactions)})",
        )
    if found.ties:
        print_table(
            (
                Column("id", justify="right"),
                Column("name", least=NAME),
                Column("strength", justify="right", least=13),
                Column("source", drop=1, wrap=True),
                Column("since", drop=2),
                Column("last seen", drop=3),
            ),
            (
                (
                    str(t.other_id),
                    Text(t.other_name),
                    described(t.tie.strength) if t.tie.strength is not None else "—",
                    ", ".join(t.sources) or t.tie.source.value,
                    str(t.tie.since or ""),
                    str(t.tie.last_seen or ""),
                )
                for t in found.ties[:20]
            ),
            title=f"Knows ({found.ties_total})",
        )


@app.command("list")
def list_(
    tag: Annotated[str | None, typer.Option("--tag", help="Only people with this tag.")] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="Only people at this organization.")
    ] = None,
    stage: Annotated[str | None, typer.Option("--stage", help="Only people at this stage.")] = None,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """List people, by name, a page at a time."""
    from whoknows.services import people_list

    wanted = paging.window(limit, offset)
    with store(db) as opened:

        def fetch(window: Window) -> Page[Person]:
            return people_list.people_page(opened, window, tag=tag, organization=org, stage=stage)

        if json:
            paging.json_pages(fetch, wanted, lambda p: p, "people")
            return
        found = fetch(wanted)
    people_table(found.items, title=found.describe("people"))
    if found.more:
        paging.more(found, "people")


@app.command("find")
def find(
    text: Annotated[str, typer.Argument(help="Words to look for; typos in names are forgiven.")],
    limit: Annotated[int, typer.Option("--limit", help="At most this many.")] = 20,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Find people by name, email, organization, role, tag or notes."""
    from whoknows.services import people

    with store(db) as opened:
        found = people.find_people(opened, text, limit=limit)
    if json:
        print_json(found)
    elif not found:
        say(f"Nobody matches {text!r}.")
    else:
        people_table(found, title=f"{len(found)} found")


@app.command("merge")
def merge_(
    keep: Annotated[str, typer.Argument(help="The person to keep.")],
    other: Annotated[str, typer.Argument(help="The duplicate, folded into KEEP and removed.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Merge a duplicate into a person, keeping everything from both."""
    from whoknows.services import merge

    with store(db) as opened:
        person = merge.merge_people(opened, keep, other)
    if json:
        print_json(person)
    else:
        say("Merged into ", Text(person.label(), style="bold"))


@app.command("rm")
def remove(
    ref: Annotated[str, typer.Argument(help="Who: id, email or part of the name.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Remove a person, with their ties and their part in interactions."""
    from whoknows.services import people

    with store(db) as opened:
        person = people.get_person(opened, ref)
        if not yes:
            if not sys.stdin.isatty():
                raise UserError(f"not removing {person.label()} without --yes", hint="add --yes")
            typer.confirm(f"Remove {person.label()}?", abort=True)
        gone = people.remove_person(opened, str(person.id))
    if json:
        print_json(gone)
    else:
        say("Removed ", Text(gone.label()))


def me(
    name: Annotated[str | None, typer.Argument(help="Your name.")] = None,
    email: Emails = None,
    phone: Phones = None,
    org: Org = None,
    role: Role = None,
    city: City = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Say who you are (the owner of this network), or show it without arguments."""
    from whoknows.services import people

    with store(db) as opened:
        if name is None and not any((email, phone, org, role, city)):
            person = people.get_person(opened, "me")
        else:
            data = _input(
                name=name, emails=email, phones=phone, organization=org, role=role, city=city
            )
            person = people.set_me(opened, data)
    if json:
        print_json(person)
    else:
        say("You are ", Text(person.label(), style="bold"))


def stage(
    ref: Annotated[str, typer.Argument(help="Who: id, email or part of the name.")],
    new_stage: Annotated[
        str,
        typer.Argument(
            metavar="STAGE", help="met, connected, one-to-one, trusted, advocate, dormant"
        ),
    ],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Set where a relationship stands."""
    from whoknows.services import people, validate

    validate.stage(new_stage)
    with store(db) as opened:
        person = people.set_stage(opened, ref, new_stage)
    if json:
        print_json(person)
    else:
        say(Text(person.name, style="bold"), f" is now at stage {person.stage}")
