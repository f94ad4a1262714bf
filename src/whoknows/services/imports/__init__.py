"""Imports: every importer's records through one merge step and the identity engine.

`import_file` reads a file and writes it in short transactions (`run`); each record goes
through the identity engine (`core.identity`) in `people`; what the engine can't decide
is asked of a MergeResolver (`resolvers`) or queued for review (`services.review`);
`history` lists imports and undoes them exactly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from whoknows.services.imports.fields import BIRTHDAY, birthday
    from whoknows.services.imports.history import ImportEntry, UndoReport, entries, undo
    from whoknows.services.imports.report import ImportReport
    from whoknows.services.imports.resolvers import (
        AutoResolver,
        Candidate,
        Decision,
        MergeResolver,
        QueueResolver,
    )
    from whoknows.services.imports.run import ALL_TIME, Progress, import_file, records

# What lives where: loaded when first used, so that a command that needs a resolver or the
# import list (dedupe, import list) doesn't load the whole import machinery and numpy.
_WHERE = {
    "BIRTHDAY": "fields",
    "birthday": "fields",
    "ImportEntry": "history",
    "UndoReport": "history",
    "entries": "history",
    "undo": "history",
    "ImportReport": "report",
    "AutoResolver": "resolvers",
    "Candidate": "resolvers",
    "Decision": "resolvers",
    "MergeResolver": "resolvers",
    "QueueResolver": "resolvers",
    "ALL_TIME": "run",
    "Progress": "run",
    "import_file": "run",
    "records": "run",
}


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "ALL_TIME",
    "BIRTHDAY",
    "AutoResolver",
    "Candidate",
    "Decision",
    "ImportEntry",
    "ImportReport",
    "MergeResolver",
    "Progress",
    "QueueResolver",
    "UndoReport",
    "birthday",
    "entries",
    "import_file",
    "records",
    "undo",
]
