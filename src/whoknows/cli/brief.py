"""`whoknows brief …`: my referral brief, set, edited in my editor, rendered and handed out."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

from whoknows.cli.common import (
    DateOption,
    DbOption,
    JsonOption,
    Person,
    print_json,
    say,
    store,
    when,
)
from whoknows.errors import UserError

if TYPE_CHECKING:
    from whoknows.services import brief


brief_app = typer.Typer(
    help="Your referral brief: what you offer, for whom, and the introductions you want.",
    no_args_is_help=True,
)


def _brief_json(view: brief.BriefView) -> dict[str, Any]:
    from whoknows.services import brief

    return {
        "version": view.version,
        "created_on": view.created_on.isoformat(),
        **{name: view.section(name) for name, _ in brief.SECTIONS},
        "intros": view.intros,
        "help_answer": view.help_answer,
        "holders": [
            {
                "id": h.id,
                "name": h.name,
                "version": h.version,
                "sent_on": h.sent_on.isoformat(),
                "current": h.current,
            }
            for h in view.holders
        ],
    }


def _show(view: brief.BriefView) -> None:
    from whoknows.services import brief

    say(Text(f"Referral brief, version {view.version}", style="bold"), f" ({view.created_on})")
    for name, heading in brief.SECTIONS:
        say("")
        say(Text(heading, style="bold"))
        say(view.section(name) or "—")
    if view.help_answer:
        say("")
        say(Text("How could I help you?", style="bold"))
        say(view.help_answer)
    if view.holders:
        say("")
        held = [f"{h.name}{'' if h.current else f' (old: v{h.version})'}" for h in view.holders]
        say("Held by: ", Text(", ".join(held)))


@brief_app.command("set")
def brief_set(
    offer: Annotated[str | None, typer.Option("--offer", help="What you offer.")] = None,
    problems: Annotated[
        str | None, typer.Option("--problems", help="The problems you solve.")
    ] = None,
    for_whom: Annotated[
        str | None, typer.Option("--for-whom", help="For whom: the people you help.")
    ] = None,
    results: Annotated[str | None, typer.Option("--results", help="Typical results.")] = None,
    wanted_intros: Annotated[
        list[str] | None,
        typer.Option(
            "--wanted-intros",
            help="An introduction you want: a role, an organization or a person (repeatable).",
        ),
    ] = None,
    date: DateOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Write your referral brief (a new version; sections not given are kept)."""
    from whoknows.services import brief

    with store(db) as opened:
        view, changed = brief.set_brief(
            opened,
            offer=offer,
            problems=problems,
            for_whom=for_whom,
            results=results,
            wanted_intros="\n".join(wanted_intros) if wanted_intros is not None else None,
            on=when(date),
        )
    if json:
        print_json(_brief_json(view))
    elif changed:
        say(f"Saved your referral brief as version {view.version}")
    else:
        say(f"Nothing changed: your referral brief is still version {view.version}")


@brief_app.command("show")
def brief_show(db: DbOption = None, json: JsonOption = False) -> None:
    """Show your referral brief and who holds which version."""
    from whoknows.services import brief

    with store(db) as opened:
        view = brief.show(opened)
    if json:
        print_json(_brief_json(view))
    else:
        _show(view)


def run_editor(text: str) -> str | None:
    """Open $VISUAL or $EDITOR on TEXT in a temporary file; the text saved, or None if unsaved."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    handle, name = tempfile.mkstemp(prefix="whoknows-brief-", suffix=".md")
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        before = path.stat().st_mtime_ns
        try:
            finished = subprocess.run([*shlex.split(editor), str(path)], check=False)
        except OSError as exc:
            raise UserError(
                f"cannot start the editor {editor!r}: {exc.strerror}",
                hint="set EDITOR to your editor, e.g. EDITOR=nano",
            ) from exc
        if finished.returncode != 0:
            raise UserError(
                f"the editor {editor!r} exited with {finished.returncode}",
                hint="nothing was changed",
            )
        edited = path.read_text(encoding="utf-8")
        if path.stat().st_mtime_ns == before and edited == text:
            return None
        return edited
    finally:
        path.unlink(missing_ok=True)


@brief_app.command("edit")
def brief_edit(date: DateOption = None, db: DbOption = None, json: JsonOption = False) -> None:
    """Edit your referral brief in $EDITOR (saved as a new version; a broken edit saves nothing)."""
    from whoknows.services import brief

    with store(db) as opened:
        view, changed = brief.edit(opened, run_editor, on=when(date))
    if json:
        print_json(_brief_json(view))
    elif changed:
        say(f"Saved your referral brief as version {view.version}")
    else:
        say(f"Nothing changed: your referral brief is still version {view.version}")


@brief_app.command("render")
def brief_render(
    fmt: Annotated[str, typer.Option("--format", help="md, html or txt.")] = "md",
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file.")] = None,
    db: DbOption = None,
) -> None:
    """Render your one-page referral brief to hand to an advocate."""
    from whoknows.services import brief

    with store(db) as opened:
        text = brief.render(opened, fmt)
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    brief.write_file(out, text)
    say("Wrote your referral brief to ", Text(str(out)))


@brief_app.command("sent")
def brief_sent(
    person: Person, date: DateOption = None, db: DbOption = None, json: JsonOption = False
) -> None:
    """Record that you gave someone the current version of your brief."""
    from whoknows.services import brief

    with store(db) as opened:
        result = brief.sent(opened, person, on=when(date))
    if json:
        print_json(result)
    elif result.already:
        say(Text(result.name, style="bold"), f" already has version {result.version}")
    else:
        say(Text(result.name, style="bold"), f" now has version {result.version} of your brief")
