"""What a CLI test gets from the `cli` fixture: `cli(ARGS…)` runs whoknows in-process and
gives a `Ran` (exit code, what it printed, what it said on stderr).

A module of its own, not conftest: `from conftest import …` finds whichever conftest pytest
imported last (tests/web's, when the web tests are collected first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


Cli = Callable[..., Ran]
