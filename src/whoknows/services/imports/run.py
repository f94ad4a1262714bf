"""`import_file`: read a file, take its records through the merge step, record the import.

An import commits in short transactions of a few thousand records, so other writers wait
a fraction of a second, not minutes; it stays all or nothing because a failure takes
back what the earlier transactions wrote (history.fail), and an import whose process
died is taken back by the next one. Imports of one database run one at a time.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import itertools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoknows.errors import BadOption, Conflict, UserError
from whoknows.importers import detect, google, ical, linkedin, mail, outlook, vcard, whoknows_csv
from whoknows.importers.records import Record
from whoknows.services import next_steps
from whoknows.services.imports import history
from whoknows.services.imports.people import People, Vanished
from whoknows.services.imports.report import ImportReport
from whoknows.services.imports.resolvers import MergeResolver, QueueResolver
from whoknows.services.imports.step import Step
from whoknows.services.store import Store
from whoknows.storage import locks, people_index, persons
from whoknows.storage.writer import Writer

CHUNK = 2000  # records in an import's first transaction
MAX_CHUNK = 20_000
TURN = 1.0  # seconds an import's transaction aims at: no other writer waits longer
ALL_TIME = dt.date(1900, 1, 1)  # `--since all`
Progress = Callable[[int, float | None], None]  # records so far, fraction of the file read


class _DryRun(Exception):
    pass


def records(path: Path, kind: str, *, since: dt.date, until: dt.date) -> Iterator[Record]:
    """The plain records of PATH read as KIND."""
    if kind == "linkedin":
        return linkedin.parse_zip(path) if path.suffix.lower() == ".zip" else linkedin.parse(path)
    if kind == "google":
        return google.parse(path)
    if kind == "outlook":
        return outlook.parse(path)
    if kind == "vcard":
        return vcard.parse(path)
    if kind == "ics":
        return ical.parse(path, since=since, until=until)
    if kind == "whoknows":
        return whoknows_csv.parse(path)
    return mail.parse(path)


def scan(path: Path) -> tuple[str | None, int | None, int | None]:
    """The file's SHA-256, its size and its number of lines (for progress); None for a folder."""
    if not path.is_file():
        return None, None, None
    digest = hashlib.sha256()
    lines = 0
    with path.open("rb") as raw:
        while chunk := raw.read(1 << 20):
            digest.update(chunk)
            lines += chunk.count(b"\n")
    return digest.hexdigest(), path.stat().st_size, lines + 1


def import_file(
    store: Store,
    path: Path,
    kind: str | None = None,
    *,
    today: dt.date,
    since: dt.date | None = None,
    until: dt.date | None = None,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    resolver: MergeResolver | None = None,
    progress: Progress | None = None,
    waiting: Callable[[], None] | None = None,
) -> ImportReport:
    """Import PATH (KIND detected when None); --dry-run writes nothing."""
    path = path.expanduser()
    found = detect.detect(path, kind)
    start = since or today - dt.timedelta(days=730)
    end = until or today
    if start > end:
        raise BadOption("since", start, "is after", versus=("until", end), hint="swap them")
    report = ImportReport(kind=found, path=str(path), dry_run=dry_run)
    digest, size, lines = scan(path)
    with (
        locks.import_lock(store.engine, store.owner_id, waiting),
        _kept_open(store),
    ):
        report.warnings.extend(history.recover(store))
        with store.read() as session:
            index, marks = people_index.load(session, store.owner_id)
            me_id = persons.me_id(session, store.owner_id)
            my_emails = persons.emails_of(session, me_id)
            distinct = persons.distinct_pairs(session, store.owner_id)
        if found == "mbox" and not my_emails:
            raise UserError(
                "to read a mailbox, your own address(es) are needed",
                hint=next_steps.SET_ME_EMAIL,
            )
        people = People(
            index,
            report,
            resolver or QueueResolver(),
            owner_id=store.owner_id,
            today=today,
            region=store.settings.phone_region,
            distinct=distinct,
        )
        step = Step(
            people, report, store, me_id=me_id, my_emails=my_emails, skip_bad_rows=skip_bad_rows
        )
        chunks = _chunks(records(path, found, since=start, until=end))

        def told(last: Record | None) -> None:
            if progress is not None:
                line = getattr(last, "line", None)
                progress(report.records, min(1.0, line / lines) if line and lines else None)

        if dry_run:
            try:
                with store.write() as session:
                    for chunk in chunks:
                        step.run(Writer(session, store.owner_id, None), chunk)
                        people_index.advance(session, store.owner_id, marks)
                        told(chunk[-1])
                    raise _DryRun
            except _DryRun:
                return report
        import_id = history.start(store, found, path.name, digest, size)
        report.id = import_id
        try:
            for chunk in chunks:
                _commit(store, step, people, marks, import_id, chunk)
                told(chunk[-1])
                locks.let_writers_in(store.engine)
            with store.write() as session:
                history.finish(session, import_id, report.counts())
        except BaseException:
            history.fail(store, import_id)
            raise
    return report


@contextmanager
def _kept_open(store: Store) -> Iterator[None]:
    """One idle connection open for the import's length: SQLite checkpoints its WAL when the
    last connection closes, which each of the import's transactions would otherwise be."""
    if store.engine.dialect.name != "sqlite":
        yield
        return
    with store.engine.connect():
        yield


def _chunks(found: Iterator[Record]) -> Iterator[list[Record]]:
    """The records in transactions of about TURN seconds each (the time from one chunk to
    the next is its transaction's): a large database's transactions dirty the same index
    pages again and again, so fewer, fuller ones write far less, and other writers still
    get their turn within a second or so."""
    size = CHUNK
    while chunk := list(itertools.islice(found, size)):
        started = time.monotonic()
        yield chunk
        took = max(time.monotonic() - started, 0.001)
        size = max(CHUNK, min(MAX_CHUNK, 2 * size, round(size * TURN / took)))


def _commit(
    store: Store,
    step: Step,
    people: People,
    marks: people_index.Watermarks,
    import_id: int,
    chunk: list[Record],
) -> None:
    """One transaction of the import. If another writer got in the way (a person removed or
    a detail taken meanwhile), read everyone again and do the chunk once more."""
    saved = copy.deepcopy(step.report.__dict__)
    seen = set(step.seen) if step.seen is not None else None
    for attempt in (1, 2):
        try:
            with store.write(bulk=True) as session:
                people_index.catch_up(session, store.owner_id, people.index, marks)
                step.run(Writer(session, store.owner_id, import_id), chunk)
                people_index.advance(session, store.owner_id, marks)
            return
        except (Conflict, Vanished):
            if attempt == 2:
                raise
            step.report.__dict__.update(copy.deepcopy(saved))
            step.seen = set(seen) if seen is not None else None
            with store.read() as session:
                people.index, fresh = people_index.load(session, store.owner_id)
            marks.ids = fresh.ids
