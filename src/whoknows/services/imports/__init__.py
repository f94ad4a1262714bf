"""Imports: every importer's records through one merge step and the identity engine.

`import_file` reads a file and writes it in short transactions (`run`); each record goes
through the identity engine (`core.identity`) in `people`; what the engine can't decide
is asked of a MergeResolver (`resolvers`) or queued for review (`services.review`);
`history` lists imports and undoes them exactly.
"""

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
