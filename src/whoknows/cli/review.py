"""`whoknows dedupe`: the pairs of people who may be one, with the evidence, decided one by one."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from whoknows.cli.common import DbOption, JsonOption, print_json, say, store, today
from whoknows.errors import UserError

if TYPE_CHECKING:
    from whoknows.importers.records import PersonRecord
    from whoknows.services import imports as service
    from whoknows.services import review as reviews


class PromptResolver:
    """Asks the user at the terminal whether a likely person is the same one."""

    def decide(self, record: PersonRecord, candidate: service.Candidate) -> service.Decision:
        from whoknows.services import imports as service

        theirs = f" ({record.organization})" if record.organization else ""
        known = f" ({candidate.organization})" if candidate.organization else ""
        why = f" — {candidate.reason}" if candidate.reason else ""
        answer = typer.prompt(
            f"Is {record.name}{theirs} the same as #{candidate.person_id} "
            f"{candidate.name}{known}{why}? y=merge, n=someone else, l=later",
            default="l",
            err=True,
        )
        choice = answer.strip().lower()[:1]
        if choice == "y":
            return service.Decision.MERGE
        if choice == "n":
            return service.Decision.NEW
        return service.Decision.QUEUE


def resolver(auto: bool, json: bool) -> service.MergeResolver:
    """--auto: the rules; a terminal: the user; otherwise: the review queue."""
    from whoknows.services import imports as service

    if auto:
        return service.AutoResolver()
    if not json and sys.stdin.isatty() and sys.stderr.isatty():
        return PromptResolver()
    return service.QueueResolver()


def dedupe(
    auto: Annotated[
        bool, typer.Option("--auto", help="Merge the pairs a rule is sure of; keep the rest.")
    ] = False,
    scan: Annotated[
        bool, typer.Option("--scan", help="Look through everyone for pairs first.")
    ] = False,
    merge: Annotated[
        int | None, typer.Option("--merge", metavar="PAIR", help="Merge this pair.")
    ] = None,
    different: Annotated[
        int | None,
        typer.Option("--different", metavar="PAIR", help="These are two people: never ask again."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="Pairs per page.")] = 20,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Pairs to skip.")] = 0,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Review people who may be one: the most likely pairs first, with the evidence."""
    from whoknows.services import imports as service
    from whoknows.services import review as reviews

    if merge is not None and different is not None:
        raise UserError("--merge and --different name one decision each", hint="give one")
    with store(db) as opened:
        found = reviews.scan(opened, today()) if scan else None
        if merge is not None or different is not None:
            pair = merge if merge is not None else different
            assert pair is not None
            kept = reviews.decide(
                opened, pair, service.Decision.MERGE if merge is not None else service.Decision.NEW
            )
            if not json:
                say(f"Merged pair #{pair} into #{kept}" if kept else f"Pair #{pair}: two people")
        outcome = None
        if auto or (merge is None and different is None and not json and sys.stdin.isatty()):
            outcome = reviews.dedupe(opened, resolver(auto, json))
        page = reviews.page(opened, limit=limit, offset=offset)
    if json:
        print_json({"scanned": found, "done": outcome, "total": page.total, "pairs": page.pairs})
        return
    if found is not None:
        say(f"Looked through everyone: {found} new pairs to review")
    if outcome is not None:
        say(
            f"Merged {outcome['merged']}, marked {outcome['distinct']} as different people, "
            f"{outcome['left']} left to review"
        )
    _show(page)


def _show(page: reviews.Page) -> None:
    if not page.pairs:
        say("No possible duplicates." if not page.offset else "No more pairs.")
        return
    last = page.offset + len(page.pairs)
    say(f"Pairs {page.offset + 1}–{last} of {page.total:,}, most likely first:")
    for pair in page.pairs:
        say("")
        say(f"pair #{pair.id}  score {pair.score:.0f}  {pair.reason}")
        for side in (pair.a, pair.b):
            details = [
                x
                for x in (
                    side.organization,
                    side.role,
                    side.city,
                    ", ".join(side.emails),
                    ", ".join(side.phones),
                    ", ".join(side.links),
                )
                if x
            ]
            say(
                Text(f"  #{side.id} {side.name}"),
                Text(f" — {'; '.join(details)}" if details else ""),
            )
            say(f"      {side.source}; {side.interactions} interactions")
    say("")
    say("Decide: whoknows dedupe --merge PAIR | --different PAIR ; or run whoknows dedupe --auto")
    if last < page.total:
        say(f"More: whoknows dedupe --offset {last}")
