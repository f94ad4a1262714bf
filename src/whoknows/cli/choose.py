"""An ambiguous name in a terminal: the candidates numbered, and the command run again with
the one picked. Scripts (--json, or no terminal) get the error and exit 2 as before."""

from __future__ import annotations

import sys

from whoknows.errors import Ambiguous

OFFERED = 20  # more is not a choice but a list: a longer name narrows it better


def interactive(args: list[str]) -> bool:
    """Whether a person is there to answer: a terminal on both ends, and no --json."""
    return "--json" not in args and sys.stdin.isatty() and sys.stderr.isatty()


def pick(exc: Ambiguous, args: list[str]) -> list[str] | None:
    """ARGS with the ambiguous reference replaced by the candidate chosen, or None when
    there is nobody to ask, nothing to offer, or no choice was made."""
    where = _where(exc.ref, args)
    if where is None or not exc.choices or not interactive(args):
        return None
    say = sys.stderr.write
    choices = exc.choices[:OFFERED]
    say(f"{exc.ref!r} could be:\n")
    for number, choice in enumerate(choices, start=1):
        about = " at ".join(x for x in (choice.role, choice.organization) if x)
        say(f"  {number:>2}. {choice.name} (#{choice.id}){', ' + about if about else ''}\n")
    if len(exc.candidates) > len(choices):
        say(f"  (and {len(exc.candidates) - len(choices)} more: give more of the name)\n")
    say(f"Which one? [1-{len(choices)}, Enter for none] ")
    sys.stderr.flush()
    answer = sys.stdin.readline().strip()
    if not answer.isdigit() or not 1 <= int(answer) <= len(choices):
        return None
    chosen = f"#{choices[int(answer) - 1].id}"
    original = args[where]
    replaced = f"org:{chosen}" if original.strip().casefold().startswith("org:") else chosen
    return [*args[:where], replaced, *args[where + 1 :]]


def _where(ref: str, args: list[str]) -> int | None:
    """The position of the argument that was REF (as typed, or as org:REF)."""
    for i, arg in enumerate(args):
        typed = arg.strip()
        if typed == ref.strip() or typed.casefold() == f"org:{ref.strip()}".casefold():
            return i
    return None
