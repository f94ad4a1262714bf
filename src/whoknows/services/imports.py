"""Imports: the one merge step every importer's records go through, in one transaction.

Exact keys first (normalized email, E.164 phone, profile URL), then fuzzy candidates
(rapidfuzz on name + organization) decided by a MergeResolver: rules (--auto), a prompt
(the CLI), or the review queue that `whoknows dedupe` shows. Importing a file twice
changes nothing: a second pass finds every record by its keys with nothing new to add.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, cast

from rapidfuzz import fuzz, utils
from sqlalchemy import Table, bindparam, case, func, insert, null, select, text, update
from sqlalchemy.orm import Session

from whoknows.core import models
from whoknows.errors import ImportParseError, UserError
from whoknows.importers import decoding, detect, google, ical, linkedin, mail, outlook, vcard
from whoknows.importers.records import (
    BadRow,
    Contact,
    InteractionRecord,
    PersonRecord,
    Record,
    Skip,
)
from whoknows.services import merge, referrals, refs, validate
from whoknows.services.organizations import get_or_create_org
from whoknows.services.store import Store
from whoknows.storage import schema as s
from whoknows.storage.bulk import bulk_insert

REVIEW = 85.0  # a fuzzy candidate this close is worth a look (asked, or queued)
AUTO_MERGE = 95.0  # --auto merges at this score: same name and same organization
MAX_CO_TIES = 20  # meetings and messages with more people make no ties among them
QUEUE_KEY = "dedupe.queue"
DISTINCT_KEY = "dedupe.distinct"
_FLUSH = 5000
_BLANK_ROLE, _BLANK_CITY, _BLANK_NOTES, _BLANK_ORG, _BLANK_MET = 1, 2, 4, 8, 16

Progress = Callable[[int], None]


BIRTHDAY = "birthday"  # the person_extras key of a birthday: YYYY-MM-DD, or --MM-DD
_DAY = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?$")
_YEARLESS = re.compile(r"^--(\d{2})-?(\d{2})$")


def birthday(value: str) -> str | None:
    """A birthday as stored: YYYY-MM-DD, or --MM-DD when the year is unknown (Google's and
    vCard's yearless form); vCard's basic forms (19800315, --0315) are read too. None when
    it is not a date."""
    text = value.strip()
    found = _DAY.match(text)
    if found:
        year, month, day = (int(g) for g in found.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return None
    found = _YEARLESS.match(text)
    if found:
        month, day = (int(g) for g in found.groups())
        try:
            dt.date(2000, month, day)  # a leap year: --02-29 is a birthday
        except ValueError:
            return None
        return f"--{month:02d}-{day:02d}"
    return None


class Decision(StrEnum):
    MERGE = "merge"
    NEW = "new"
    QUEUE = "queue"


@dataclass(frozen=True)
class Candidate:
    """An existing person a record may be: their id, name, organization and the score."""

    person_id: int
    name: str
    organization: str | None
    score: float


class MergeResolver(Protocol):
    """Decides whether a record without an exact key is a fuzzy candidate or someone new."""

    def decide(self, record: PersonRecord, candidate: Candidate) -> Decision: ...


class QueueResolver:
    """The default: never guess; create the person and queue the pair for `whoknows dedupe`."""

    def decide(self, record: PersonRecord, candidate: Candidate) -> Decision:
        return Decision.QUEUE


class AutoResolver:
    """--auto: merge at AUTO_MERGE or more (same name, same organization); queue the rest."""

    def decide(self, record: PersonRecord, candidate: Candidate) -> Decision:
        return Decision.MERGE if candidate.score >= AUTO_MERGE else Decision.QUEUE


def name_score(name_a: str, org_a: str | None, name_b: str, org_b: str | None) -> float:
    """0..100: names compared word-order-free; organizations count when both are known."""
    name = fuzz.token_sort_ratio(name_a, name_b, processor=utils.default_process)
    if org_a and org_b:
        org = fuzz.token_set_ratio(org_a, org_b, processor=utils.default_process)
        return 0.7 * name + 0.3 * org
    return name - 10.0  # without organizations there is less evidence


def block_key(name: str) -> str:
    """People are compared within a block: their first and last words, in either order."""
    words = utils.default_process(name).split()
    if not words:
        return ""
    return "|".join(sorted({words[0], words[-1]}))


@dataclass
class ImportReport:
    kind: str
    path: str
    dry_run: bool = False
    created: int = 0
    merged: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    people_created: int = 0
    interactions: int = 0
    ties: int = 0
    queued: int = 0
    warnings: list[str] = field(default_factory=list)

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.skipped_reasons[reason] = self.skipped_reasons.get(reason, 0) + 1

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "path": self.path,
            "dry_run": self.dry_run,
            "created": self.created,
            "merged": self.merged,
            "updated": self.updated,
            "skipped": self.skipped,
            "errors": self.errors,
            "skipped_reasons": self.skipped_reasons,
            "people_created": self.people_created,
            "interactions": self.interactions,
            "ties": self.ties,
            "queued": self.queued,
            "warnings": self.warnings,
        }


_NO_TAGS: frozenset[str] = frozenset()


class _People:
    """What the merge step knows of each person, compact: parallel lists indexed by person
    id (name key, organization key, blank fields as bits) and tags only for the tagged.
    Half a million people fit in tens of megabytes; there is no object per person."""

    def __init__(self) -> None:
        self.names: list[str | None] = []
        self.orgs: list[str | None] = []
        self.blanks = bytearray()
        self.tags: dict[int, frozenset[str]] = {}

    def add(self, pid: int, name: str, org: str | None, blanks: int) -> None:
        missing = pid + 1 - len(self.names)
        if missing > 0:
            self.names.extend([None] * missing)
            self.orgs.extend([None] * missing)
            self.blanks.extend(bytes(missing))
        self.names[pid], self.orgs[pid], self.blanks[pid] = name, org, blanks

    def __contains__(self, pid: int) -> bool:
        return 0 <= pid < len(self.names) and self.names[pid] is not None

    def __getitem__(self, pid: int) -> _Known:
        if pid not in self:
            raise KeyError(pid)
        return _Known(self, pid)


class _Known:
    """One person in the _People index (a view: reads and writes go to the lists)."""

    __slots__ = ("_index", "_pid")

    def __init__(self, index: _People, pid: int) -> None:
        self._index, self._pid = index, pid

    @property
    def name(self) -> str:
        return self._index.names[self._pid] or ""

    @property
    def org(self) -> str | None:
        return self._index.orgs[self._pid]

    @org.setter
    def org(self, value: str | None) -> None:
        self._index.orgs[self._pid] = value

    @property
    def blanks(self) -> int:
        return self._index.blanks[self._pid]

    @blanks.setter
    def blanks(self, value: int) -> None:
        self._index.blanks[self._pid] = value

    @property
    def tags(self) -> frozenset[str]:
        return self._index.tags.get(self._pid, _NO_TAGS)

    @tags.setter
    def tags(self, value: frozenset[str]) -> None:
        if value:
            self._index.tags[self._pid] = value
        else:
            self._index.tags.pop(self._pid, None)


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
    return mail.parse(path)


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
) -> ImportReport:
    """Import PATH (KIND detected when None) in one transaction; --dry-run rolls it back."""
    path = path.expanduser()
    found = detect.detect(path, kind)
    start = since or today - dt.timedelta(days=730)
    end = until or today
    if start > end:
        raise UserError(f"--since {start} is after --until {end}", hint="swap them")
    report = ImportReport(kind=found, path=str(path), dry_run=dry_run)
    if path.is_file() and found != "mbox" and path.suffix.lower() != ".zip":
        warning = decoding.choose(path, path.name).warning
        if warning:
            report.warnings.append(f"{path.name}: {warning}")
    try:
        with store.write() as session:
            merger = _Merger(session, store, report, resolver or QueueResolver(), today)
            if found == "mbox" and not merger.my_emails:
                raise UserError(
                    "to read a mailbox, whoknows needs your own address(es)",
                    hint='run: whoknows me "Your Name" --email you@example.com',
                )
            for number, record in enumerate(records(path, found, since=start, until=end), 1):
                merger.take(record, skip_bad_rows=skip_bad_rows)
                if progress is not None and number % 1000 == 0:
                    progress(number)
            merger.finish()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


class _Merger:
    """The state of one import: an in-memory index of who is known by which key."""

    def __init__(
        self,
        session: Session,
        store: Store,
        report: ImportReport,
        resolver: MergeResolver,
        today: dt.date,
    ) -> None:
        self.session = session
        self.store = store
        self.owner = store.owner_id
        self.report = report
        self.resolver = resolver
        self.today = today
        self.region = store.settings.phone_region
        owner = self.owner
        self.emails: dict[str, int] = _pairs(
            session.execute(
                select(s.PersonEmail.email, s.PersonEmail.person_id)
                .where(s.PersonEmail.owner_id == owner)
                .execution_options(yield_per=20_000)
            )
        )
        self.phones: dict[str, int] = _pairs(
            session.execute(
                select(s.PersonPhone.phone, s.PersonPhone.person_id)
                .where(s.PersonPhone.owner_id == owner)
                .execution_options(yield_per=20_000)
            )
        )
        self.links: dict[str, int] = _pairs(
            session.execute(
                select(s.PersonLink.url, s.PersonLink.person_id)
                .where(s.PersonLink.owner_id == owner)
                .execution_options(yield_per=20_000)
            )
        )
        self.orgs: dict[str, int] = _pairs(
            session.execute(
                select(s.Organization.name_key, s.Organization.id).where(
                    s.Organization.owner_id == owner
                )
            )
        )
        self.org_names: dict[int, str] = {v: k for k, v in self.orgs.items()}
        self.known = _People()
        # a block holds one id (most do) or a list of them: no list per person
        self.blocks: dict[int, int | list[int]] = {}
        self.me_id: int | None = None
        rows = session.execute(
            select(
                s.Person.id,
                s.Person.name,
                s.Person.organization_id,
                s.Person.role,
                s.Person.city,
                s.Person.notes,
                s.Person.met_on,
                s.Person.is_me,
            )
            .where(s.Person.owner_id == owner)
            .execution_options(yield_per=20_000)
        )
        for pid, name, org_id, role, city, notes, met_on, is_me in rows:
            blanks = (
                (_BLANK_ROLE if not role else 0)
                | (_BLANK_CITY if not city else 0)
                | (_BLANK_NOTES if not notes else 0)
                | (_BLANK_ORG if org_id is None else 0)
                | (_BLANK_MET if met_on is None else 0)
            )
            self._remember(pid, name, self.org_names.get(org_id) if org_id else None, blanks)
            if is_me:
                self.me_id = pid
        for pid, tag in session.execute(
            select(s.PersonTag.person_id, s.PersonTag.tag).where(s.PersonTag.owner_id == owner)
        ):
            if pid in self.known:
                self.known[pid].tags = self.known[pid].tags | {tag}
        self.my_emails = {e for e, pid in self.emails.items() if pid == self.me_id}
        self.next_id = (session.scalar(select(func.max(s.Person.id))) or 0) + 1
        self.used_ids = False
        self.pending_count = 0
        self.pending: dict[str, list[dict[str, Any]]] = {
            "people": [],
            "person_emails": [],
            "person_phones": [],
            "person_links": [],
            "person_tags": [],
            "person_extras": [],
        }
        self.extras: dict[int, set[tuple[str, str]]] = {}  # only people who have any
        for pid, key, value in session.execute(
            select(s.PersonExtra.person_id, s.PersonExtra.key, s.PersonExtra.value).where(
                s.PersonExtra.owner_id == owner
            )
        ):
            self.extras.setdefault(pid, set()).add((key, value))
        self.rows: dict[int, s.Person] = {}
        self.seen_interactions: set[tuple[str, dt.date, frozenset[int]]] | None = None
        # meetings and messages are buffered and written in bulk (see _flush_interactions)
        self.addresses: dict[str, str] = {}  # raw address -> normalized
        self.interactions: list[tuple[str, dt.date, str | None, int | None, list[int]]] = []
        self.next_interaction_id = 0
        self.first_seen: dict[int, dt.date] = {}  # person -> earliest interaction here
        self.ties: dict[tuple[int, int], list[Any]] = {}  # pair -> [source, since, last]
        queue_value = self._setting(QUEUE_KEY)
        self.queue: list[dict[str, Any]] = json.loads(queue_value) if queue_value else []
        self.queued_pairs = {tuple(sorted((q["a"], q["b"]))) for q in self.queue}
        distinct_value = self._setting(DISTINCT_KEY)
        self.distinct = {tuple(p) for p in json.loads(distinct_value)} if distinct_value else set()
        self.queue_changed = False

    # -- index ---------------------------------------------------------------------------

    def _setting(self, key: str) -> str | None:
        return self.session.scalar(
            select(s.Setting.value).where(s.Setting.owner_id == self.owner, s.Setting.key == key)
        )

    def _remember(self, pid: int, name: str, org: str | None, blanks: int) -> None:
        self.known.add(pid, refs.name_key(name), org, blanks)
        key = hash(block_key(name))  # a collision only adds a candidate, scored like others
        found = self.blocks.get(key)
        if found is None:
            self.blocks[key] = pid
        elif isinstance(found, int):
            self.blocks[key] = [found, pid]
        else:
            found.append(pid)

    def _block(self, name: str) -> list[int]:
        found = self.blocks.get(hash(block_key(name)))
        if found is None:
            return []
        return [found] if isinstance(found, int) else found

    # -- the one merge step ----------------------------------------------------------------

    def take(self, record: Record, *, skip_bad_rows: bool) -> None:
        if isinstance(record, Skip):
            self.report.skip(record.reason)
            return
        if isinstance(record, BadRow):
            self._bad(record.source, record.line, record.reason, skip_bad_rows)
            return
        try:
            if isinstance(record, InteractionRecord):
                self._interaction(record)
            elif record.is_org:
                self._organization(record)
            else:
                self._person(record, count=True)
        except ImportParseError:
            raise
        except UserError as exc:
            self._bad(record.source, record.line, exc.message, skip_bad_rows)

    def _bad(self, source: str, line: int | None, reason: str, skip_bad_rows: bool) -> None:
        if not skip_bad_rows:
            error = ImportParseError(source, line, reason)
            error.hint = "nothing was imported; fix the row, or add --skip-bad-rows"
            raise error
        self.report.errors.append({"source": source, "line": line, "reason": reason})
        self.report.skip("bad row")

    def _normalized(self, record: PersonRecord) -> tuple[list[str], list[str], list[str]]:
        emails: list[str] = []
        for raw in record.emails:
            try:
                emails.append(validate.email(raw))
            except UserError:
                self._warn(record, f"email {raw!r} is not valid; left out")
        phones: list[str] = []
        for raw in record.phones:
            try:
                phones.append(validate.phone(raw, self.region))
            except UserError:
                self._warn(record, f"phone {raw!r} has no country code or is not valid; left out")
        links = [
            linkedin.normalize_url(url) if kind == "linkedin" else url.strip()
            for kind, url in record.links
            if url.strip()
        ]
        return list(dict.fromkeys(emails)), list(dict.fromkeys(phones)), list(dict.fromkeys(links))

    def _warn(self, record: PersonRecord, what: str) -> None:
        if len(self.report.warnings) < 200:
            where = f"{record.source}:{record.line}" if record.line else record.source
            self.report.warnings.append(f"{where}: {what}")

    def _queue(self, a: int, b: int, score: float, reason: str) -> None:
        pair = (min(a, b), max(a, b))
        if a == b or pair in self.queued_pairs or pair in self.distinct:
            return
        self.queued_pairs.add(pair)
        self.queue.append({"a": pair[0], "b": pair[1], "score": round(score, 1), "reason": reason})
        self.queue_changed = True
        self.report.queued += 1

    def resolve(
        self, record: PersonRecord, emails: list[str], phones: list[str], links: list[str]
    ) -> tuple[int | None, bool, tuple[int, float] | None]:
        """(the person this record is or None for someone new, whether it was fuzzy,
        the (candidate, score) to queue with a new person)."""
        hits = [self.emails.get(e) for e in emails]
        hits += [self.phones.get(p) for p in phones]
        hits += [self.links.get(u) for u in links]
        found = list(dict.fromkeys(h for h in hits if h is not None))
        if found:
            for other in found[1:]:
                self._queue(found[0], other, 100.0, "they share an email, phone or profile")
            return found[0], False, None
        org = record.organization
        candidates: list[Candidate] = []
        for pid in self._block(record.name):
            known = self.known[pid]
            score = name_score(record.name, org, known.name, known.org)
            if score >= REVIEW and pid != self.me_id:
                candidates.append(Candidate(pid, known.name, known.org, score))
        if not candidates:
            return None, False, None
        candidates.sort(key=lambda c: (-c.score, -c.person_id))
        identical = [
            c
            for c in candidates
            if c.name == refs.name_key(record.name)
            and (c.organization or "") == (refs.name_key(org) if org else "")
        ]
        if len(identical) >= 2:
            # the user already said these are different people: the newest is this record
            return max(c.person_id for c in identical), True, None
        if identical and self._adds_nothing(identical[0].person_id, record, emails, phones, links):
            return identical[0].person_id, True, None  # the same record again (a re-import)
        best = candidates[0]
        decision = self.resolver.decide(record, best)
        if decision is Decision.MERGE:
            return best.person_id, True, None
        if decision is Decision.QUEUE:
            return None, False, (best.person_id, best.score)
        return None, False, None

    def _person(self, record: PersonRecord, *, count: bool) -> int:
        validate.name(record.name)
        emails, phones, links = self._normalized(record)
        target, fuzzy, pending = self.resolve(record, emails, phones, links)
        if target is None:
            pid = self._create(record, emails, phones, links)
            if pending is not None:
                self._queue(pending[0], pid, pending[1], "similar name and organization")
            if count:
                self.report.created += 1
            else:
                self.report.people_created += 1
            return pid
        changed = self._update(target, record, emails, phones, links)
        if count:
            if not changed:
                self.report.skip("unchanged")
            elif fuzzy:
                self.report.merged += 1
            else:
                self.report.updated += 1
        return target

    def _org_id(self, name: str | None) -> int | None:
        if not name or not name.strip():
            return None
        key = refs.name_key(name)
        if key not in self.orgs:
            org = get_or_create_org(self.session, self.store, validate.text(name) or name)
            self.session.flush()
            self.orgs[key] = org.id
            self.org_names[org.id] = key
        return self.orgs[key]

    def _create(
        self, record: PersonRecord, emails: list[str], phones: list[str], links: list[str]
    ) -> int:
        pid = self.next_id
        self.next_id += 1
        self.used_ids = True
        org_id = self._org_id(record.organization)
        notes = validate.text(record.notes)
        self.pending["people"].append(
            {
                "id": pid,
                "owner_id": self.owner,
                "name": record.name,
                "name_key": refs.name_key(record.name),
                "is_me": False,
                "organization_id": org_id,
                "role": validate.text(record.role),
                "city": validate.text(record.city),
                "notes": notes,
                "met_on": record.met_on,
            }
        )
        self._add_keys(pid, emails, phones, links, record.links)
        tags = self._tags(record)
        self.pending["person_tags"].extend(
            {"person_id": pid, "tag": t, "owner_id": self.owner} for t in tags
        )
        blanks = (
            (_BLANK_ROLE if not record.role else 0)
            | (_BLANK_CITY if not record.city else 0)
            | (_BLANK_NOTES if not notes else 0)
            | (_BLANK_ORG if org_id is None else 0)
            | (_BLANK_MET if record.met_on is None else 0)
        )
        self._remember(pid, record.name, self.org_names.get(org_id) if org_id else None, blanks)
        if tags:
            self.known[pid].tags = frozenset(tags)
        self._add_extras(pid, self._new_extras(pid, record))
        self.pending_count += 1
        if self.pending_count >= _FLUSH:
            self.flush()
        self._relations(pid, record)
        return pid

    def _tags(self, record: PersonRecord) -> list[str]:
        found: list[str] = []
        for raw in record.tags:
            try:
                found.append(validate.tag(raw)[:100])
            except UserError:
                continue
        return list(dict.fromkeys(found))

    def _add_keys(
        self,
        pid: int,
        emails: list[str],
        phones: list[str],
        links: list[str],
        kinds: Iterable[tuple[str, str]],
        first: int = 0,
    ) -> bool:
        added = False
        kind_of = {
            (linkedin.normalize_url(u) if k == "linkedin" else u.strip()): k for k, u in kinds
        }
        for position, address in enumerate(emails):
            if address not in self.emails:
                self.emails[address] = pid
                self.pending["person_emails"].append(
                    {
                        "owner_id": self.owner,
                        "person_id": pid,
                        "email": address,
                        "position": first + position,
                    }
                )
                added = True
        for position, number in enumerate(phones):
            if number not in self.phones:
                self.phones[number] = pid
                self.pending["person_phones"].append(
                    {
                        "owner_id": self.owner,
                        "person_id": pid,
                        "phone": number,
                        "position": first + position,
                    }
                )
                added = True
        for url in links:
            if url not in self.links:
                self.links[url] = pid
                self.pending["person_links"].append(
                    {
                        "owner_id": self.owner,
                        "person_id": pid,
                        "kind": kind_of.get(url, "web")[:30],
                        "url": url,
                    }
                )
                added = True
        return added

    def _new_extras(self, pid: int, record: PersonRecord) -> list[tuple[str, str]]:
        """The birthday (when none is known) and X- properties this record adds."""
        have = self.extras.get(pid, set())
        found: list[tuple[str, str]] = []
        if record.birthday and not any(k == BIRTHDAY for k, _ in have):
            day = birthday(record.birthday)
            if day is None:
                self._warn(record, f"birthday {record.birthday!r} is not a date; left out")
            else:
                found.append((BIRTHDAY, day))
        for key, value in record.extra:
            pair = (key[:100], value)
            if value and pair not in have and pair not in found:
                found.append(pair)
        return found

    def _add_extras(self, pid: int, extras: list[tuple[str, str]]) -> None:
        if not extras:
            return
        self.extras.setdefault(pid, set()).update(extras)
        self.pending["person_extras"].extend(
            {"owner_id": self.owner, "person_id": pid, "key": k, "value": v} for k, v in extras
        )

    def _adds_nothing(
        self, pid: int, record: PersonRecord, emails: list[str], phones: list[str], links: list[str]
    ) -> bool:
        known = self.known[pid]
        if any(e not in self.emails for e in emails) or any(p not in self.phones for p in phones):
            return False
        if any(u not in self.links for u in links):
            return False
        if any(t not in known.tags for t in self._tags(record)):
            return False
        if self._new_extras(pid, record):
            return False
        if (
            (record.role and known.blanks & _BLANK_ROLE)
            or (record.city and known.blanks & _BLANK_CITY)
            or (record.organization and known.blanks & _BLANK_ORG)
            or (record.met_on and known.blanks & _BLANK_MET)
        ):
            return False
        note = validate.text(record.notes)
        if note:
            row = self._row(pid)
            return note.strip() in (row.notes or "")
        return True

    def _update(
        self,
        pid: int,
        record: PersonRecord,
        emails: list[str],
        phones: list[str],
        links: list[str],
    ) -> bool:
        """Fill what is blank and add new keys and tags; never overwrite what the user wrote."""
        known = self.known[pid]
        new_keys = (
            [e for e in emails if e not in self.emails]
            + [p for p in phones if p not in self.phones]
            + [u for u in links if u not in self.links]
        )
        for e in emails:
            if self.emails.get(e, pid) != pid:
                self._queue(pid, self.emails[e], 100.0, "they share an email, phone or profile")
        tags = [t for t in self._tags(record) if t not in known.tags]
        if self._adds_nothing(pid, record, emails, phones, links):
            self._relations(pid, record)
            return False
        new_keys = new_keys or []
        self.flush()
        row = self.session.get(s.Person, pid)
        if row is None:  # pragma: no cover - the index and the table agree
            return False
        changed = bool(new_keys or tags)
        self._add_keys(pid, emails, phones, links, record.links, first=len(row.emails) + 1)
        if tags:
            self.pending["person_tags"].extend(
                {"person_id": pid, "tag": t, "owner_id": self.owner} for t in tags
            )
            known.tags = known.tags | set(tags)
        extras = self._new_extras(pid, record)
        if extras:
            self._add_extras(pid, extras)
            changed = True
        if record.role and not row.role:
            row.role, changed = validate.text(record.role), True
        if record.city and not row.city:
            row.city, changed = validate.text(record.city), True
        if record.organization and row.organization_id is None:
            row.organization_id, changed = self._org_id(record.organization), True
            known.org = self.org_names.get(row.organization_id or 0)
        if record.met_on and row.met_on is None:
            row.met_on, changed = record.met_on, True
        note = validate.text(record.notes)
        if note and note.strip() not in (row.notes or ""):
            row.notes = f"{row.notes}\n{note}" if row.notes else note
            changed = True
        known.blanks = (
            (_BLANK_ROLE if not row.role else 0)
            | (_BLANK_CITY if not row.city else 0)
            | (_BLANK_NOTES if not row.notes else 0)
            | (_BLANK_ORG if row.organization_id is None else 0)
            | (_BLANK_MET if row.met_on is None else 0)
        )
        self._relations(pid, record)
        return changed

    def _relations(self, pid: int, record: PersonRecord) -> None:
        """RELATED / X-ABRELATEDNAMES become ties; Outlook's Referred By a referral source."""
        if not record.related and not record.referred_by:
            return
        for name in record.related:
            other = self._by_name(name, record)
            if other != pid:
                self._tie(pid, other, models.TieSource.TOLD, None)
        if record.referred_by:
            referrer = self._by_name(record.referred_by, record)
            if referrer == pid:
                return
            self._tie(pid, referrer, models.TieSource.TOLD, None)
            if self.me_id is not None and referrer != self.me_id and pid != self.me_id:
                self.flush()
                exists = self.session.scalar(
                    select(s.Referral.id).where(
                        s.Referral.owner_id == self.owner,
                        s.Referral.from_id == referrer,
                        s.Referral.about_id == pid,
                    )
                )
                if exists is None:
                    referrals.create(
                        self.session,
                        self.store,
                        from_person=self._row(referrer),
                        about=self._row(pid),
                        note=f"from {Path(record.source).name}",
                        on=record.met_on or self.today,
                    )

    def _by_name(self, name: str, record: PersonRecord) -> int:
        key = refs.name_key(name)
        for pid in self._block(name):
            if self.known[pid].name == key:
                return pid
        return self._person(PersonRecord(record.source, record.line, name.strip()), count=False)

    def _row(self, pid: int) -> s.Person:
        cached = self.rows.get(pid)
        if cached is not None:
            return cached
        self.flush()
        if len(self.rows) > 20_000:
            self.rows.clear()  # bounded: the cache keeps rows alive in the session
        row = self.session.get(s.Person, pid)
        if row is not None:
            self.rows[pid] = row
        if row is None:  # pragma: no cover
            raise UserError(f"person #{pid} vanished during the import")
        return row

    def _tie(self, a: int, b: int, source: models.TieSource, on: dt.date | None) -> None:
        """Note that A and B know each other; written in one pass by _flush_ties."""
        if a == b:
            return
        pair = (a, b) if a < b else (b, a)
        entry = self.ties.get(pair)
        if entry is None:
            self.ties[pair] = [source.value, on, on]
        elif on is not None:
            entry[1] = on if entry[1] is None or on < entry[1] else entry[1]
            entry[2] = on if entry[2] is None or on > entry[2] else entry[2]

    # -- meetings and messages -----------------------------------------------------------

    def _interaction(self, record: InteractionRecord) -> None:
        if self.me_id is None:
            raise UserError(
                "who you are is not set yet, so meetings and mail cannot be linked to you",
                hint='run: whoknows me "Your Name" --email you@example.com',
            )
        others = [c for c in record.people if self._address(c.email) not in self.my_emails]
        mine = len(others) < len(record.people)
        if record.kind == "email" and not mine:
            self.report.skip("neither from nor to you")
            return
        if not others:
            self.report.skip("nobody but you in it")
            return
        ids: list[int] = []
        for contact in others:
            known = self.emails.get(self._address(contact.email))
            if known is not None:  # the common case: one dict look-up, no merge step
                ids.append(known)
                continue
            person = PersonRecord(
                record.source,
                record.line,
                (contact.name or contact.email).strip(),
                emails=(contact.email,),
            )
            ids.append(self._person(person, count=False))
        people = list(dict.fromkeys(i for i in ids if i != self.me_id))
        if not people:
            self.report.skip("nobody but you in it")
            return
        key = (record.kind, record.date, frozenset(people))
        seen = self._seen()
        if key in seen:
            self.report.skip("unchanged")
            return
        seen.add(key)
        models.InteractionKind(record.kind)  # a kind the schema knows
        self.interactions.append(
            (record.kind, record.date, validate.text(record.note), record.minutes, people)
        )
        self.report.created += 1
        self.report.interactions += 1
        # as network.record_interaction: my tie to each, their stage and when we first met
        for pid in people:
            self._tie(self.me_id, pid, models.TieSource.MANUAL, record.date)
            first = self.first_seen.get(pid)
            if first is None or record.date < first:
                self.first_seen[pid] = record.date
        if 2 <= len(people) <= MAX_CO_TIES:
            for a, b in itertools.combinations(people, 2):
                self._tie(a, b, models.TieSource(record.tie_source), record.date)
        if len(self.interactions) >= _FLUSH:
            self._flush_interactions()

    def _address(self, raw: str) -> str:
        found = self.addresses.get(raw)
        if found is None:
            if len(self.addresses) > 200_000:
                self.addresses.clear()
            found = self.addresses[raw] = _valid(raw)
        return found

    def _seen(self) -> set[tuple[str, dt.date, frozenset[int]]]:
        if self.seen_interactions is None:
            members: dict[int, set[int]] = {}
            heads: dict[int, tuple[str, dt.date]] = {}
            for iid, kind, day in self.session.execute(
                select(s.Interaction.id, s.Interaction.kind, s.Interaction.date).where(
                    s.Interaction.owner_id == self.owner,
                    s.Interaction.kind.in_(["meeting", "email"]),
                )
            ):
                heads[iid] = (kind, day)
            for iid, pid in self.session.execute(
                select(s.InteractionPerson.interaction_id, s.InteractionPerson.person_id).where(
                    s.InteractionPerson.owner_id == self.owner
                )
            ):
                if iid in heads:
                    members.setdefault(iid, set()).add(pid)
            self.seen_interactions = {
                (kind, day, frozenset(members.get(iid, ()))) for iid, (kind, day) in heads.items()
            }
        return self.seen_interactions

    # -- organizations -------------------------------------------------------------------

    def _organization(self, record: PersonRecord) -> None:
        key = refs.name_key(record.name)
        if key in self.orgs:
            self.report.skip("unchanged")
            return
        self._org_id(record.name)
        self.report.created += 1

    # -- writing -------------------------------------------------------------------------

    def flush(self) -> None:
        """Write the buffered new people and their keys (bulk inserts, in table order)."""
        tables: dict[str, type[s.Base]] = {
            "people": s.Person,
            "person_emails": s.PersonEmail,
            "person_phones": s.PersonPhone,
            "person_links": s.PersonLink,
            "person_tags": s.PersonTag,
            "person_extras": s.PersonExtra,
        }
        self.pending_count = 0
        if not any(self.pending.values()):
            return
        self.session.flush()
        connection = self.session.connection()
        iso = connection.dialect.name == "sqlite"  # bulk_insert takes SQLite dates as text
        for name, mapped in tables.items():
            rows = self.pending[name]
            if not rows:
                continue
            columns = list(rows[0])
            values: Iterable[tuple[Any, ...]] = (tuple(row.values()) for row in rows)
            if name == "people" and iso:
                at = columns.index("met_on")
                values = (
                    tuple(
                        v.isoformat() if i == at and v is not None else v for i, v in enumerate(t)
                    )
                    for t in values
                )
            bulk_insert(connection, cast(Table, mapped.__table__), columns, values)
            self.pending[name] = []

    def _flush_interactions(self) -> None:
        """Write the buffered meetings and messages and their people (bulk inserts)."""
        if not self.interactions:
            return
        self.flush()
        if not self.next_interaction_id:
            self.next_interaction_id = (
                self.session.scalar(select(func.max(s.Interaction.id))) or 0
            ) + 1
        heads: list[dict[str, Any]] = []
        members: list[dict[str, Any]] = []
        for kind, day, note, minutes, people in self.interactions:
            iid = self.next_interaction_id
            self.next_interaction_id += 1
            heads.append(
                {
                    "id": iid,
                    "owner_id": self.owner,
                    "kind": kind,
                    "date": day,
                    "note": note,
                    "minutes": minutes,
                    "event_id": None,
                }
            )
            members.extend(
                {"interaction_id": iid, "person_id": pid, "owner_id": self.owner} for pid in people
            )
        self.session.execute(insert(s.Interaction), heads)
        self.session.execute(insert(s.InteractionPerson), members)
        self.interactions = []

    def _flush_people_met(self) -> None:
        """Stage 'met' where none was set, and an earlier first meeting moves met_on."""
        if not self.first_seen:
            return
        self.flush()
        self.session.flush()
        people = cast(Table, s.Person.__table__)
        updates: list[dict[str, Any]] = []
        ids = sorted(self.first_seen)
        for chunk in _chunks(ids, 1000):
            for pid, stage, met_on in self.session.execute(
                select(s.Person.id, s.Person.stage, s.Person.met_on).where(s.Person.id.in_(chunk))
            ):
                on = self.first_seen[pid]
                earlier = met_on is None or on < met_on
                if stage is None or earlier:
                    updates.append(
                        {
                            "pid": pid,
                            "new_stage": stage or models.Stage.MET.value,
                            "new_met_on": on if earlier else met_on,
                            "keep_where": not earlier,
                        }
                    )
                if pid in self.known:
                    self.known[pid].blanks &= ~_BLANK_MET
        if updates:
            self.session.execute(
                update(people)
                .where(people.c.id == bindparam("pid"))
                .values(
                    stage=bindparam("new_stage"),
                    met_on=bindparam("new_met_on"),
                    met_where=case((bindparam("keep_where"), people.c.met_where), else_=null()),
                ),
                updates,
            )
            self.session.expire_all()
            self.rows.clear()
        self.first_seen = {}

    def _flush_ties(self) -> None:
        """Insert the new ties and widen since/last seen of the known ones, in one pass."""
        if not self.ties:
            return
        self.flush()
        self.session.flush()
        table = cast(Table, s.Tie.__table__)
        updates: list[dict[str, Any]] = []
        lows = sorted({a for a, _ in self.ties})
        for chunk in _chunks(lows, 1000):
            for tid, a, b, since, last in self.session.execute(
                select(
                    s.Tie.id, s.Tie.person_a_id, s.Tie.person_b_id, s.Tie.since, s.Tie.last_seen
                ).where(s.Tie.owner_id == self.owner, s.Tie.person_a_id.in_(chunk))
            ):
                entry = self.ties.pop((a, b), None)
                if entry is None:
                    continue
                first, latest = entry[1], entry[2]
                new_since = min(since, first) if since and first else since or first
                new_last = max(last, latest) if last and latest else last or latest
                if new_since != since or new_last != last:
                    updates.append({"tid": tid, "new_since": new_since, "new_last": new_last})
        if updates:
            self.session.execute(
                update(table)
                .where(table.c.id == bindparam("tid"))
                .values(since=bindparam("new_since"), last_seen=bindparam("new_last")),
                updates,
            )
        if self.ties:
            self.session.execute(
                insert(s.Tie),
                [
                    {
                        "owner_id": self.owner,
                        "person_a_id": a,
                        "person_b_id": b,
                        "source": source,
                        "since": since,
                        "last_seen": last,
                        "strength": None,
                    }
                    for (a, b), (source, since, last) in self.ties.items()
                ],
            )
            self.report.ties += len(self.ties)
        if updates or self.ties:
            self.session.expire_all()
            self.rows.clear()
        self.ties = {}

    def finish(self) -> None:
        self.flush()
        self._flush_interactions()
        self._flush_people_met()
        self._flush_ties()
        if self.queue_changed:
            _save_setting(self.session, self.owner, QUEUE_KEY, json.dumps(self.queue))
        if self.used_ids and self.session.get_bind().dialect.name == "postgresql":
            # ids were given here, not by the sequence: move it past them
            self.session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('people', 'id'), "
                    "COALESCE((SELECT MAX(id) FROM people), 0) + 1, false)"
                )
            )
        if self.next_interaction_id and self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('interactions', 'id'), "
                    "COALESCE((SELECT MAX(id) FROM interactions), 0) + 1, false)"
                )
            )


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _pairs(result: Any) -> dict[Any, int]:
    pairs: dict[Any, int] = {}
    for part in result.partitions(20_000):
        pairs.update(part)
    return pairs


def _valid(address: str) -> str:
    try:
        return validate.email(address)
    except UserError:
        return address.strip().lower()


def _save_setting(session: Session, owner: int, key: str, value: str) -> None:
    row = session.get(s.Setting, (owner, key))
    if row is None:
        session.add(s.Setting(owner_id=owner, key=key, value=value))
    else:
        row.value = value
    session.flush()


# -- the review queue (`whoknows dedupe`) --------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """Two people who may be one: as queued by an import or found by a scan."""

    a: int
    a_name: str
    a_organization: str | None
    b: int
    b_name: str
    b_organization: str | None
    score: float
    reason: str


def _load(session: Session, owner: int, key: str) -> list[Any]:
    value = session.scalar(
        select(s.Setting.value).where(s.Setting.owner_id == owner, s.Setting.key == key)
    )
    loaded: list[Any] = json.loads(value) if value else []
    return loaded


def review_queue(store: Store, *, scan: bool = True) -> list[Pair]:
    """The pairs to review: those imports queued, plus (with scan) similar people found now."""
    with store.read() as session:
        people = {
            p.id: p
            for p in session.scalars(select(s.Person).where(s.Person.owner_id == store.owner_id))
        }
        distinct = {tuple(p) for p in _load(session, store.owner_id, DISTINCT_KEY)}
        found: dict[tuple[int, int], tuple[float, str]] = {}
        for entry in _load(session, store.owner_id, QUEUE_KEY):
            a, b = sorted((int(entry["a"]), int(entry["b"])))
            if a in people and b in people and (a, b) not in distinct:
                found[(a, b)] = (float(entry["score"]), str(entry["reason"]))
        if scan:
            blocks: dict[str, list[s.Person]] = {}
            for person in people.values():
                blocks.setdefault(block_key(person.name), []).append(person)
            for group in blocks.values():
                if len(group) > 500:
                    continue  # a block that large is a common name, not a duplicate
                for x, y in itertools.combinations(group, 2):
                    if x.is_me or y.is_me:
                        continue
                    pair = (min(x.id, y.id), max(x.id, y.id))
                    if pair in found or pair in distinct:
                        continue
                    score = name_score(
                        x.name,
                        x.organization.name if x.organization else None,
                        y.name,
                        y.organization.name if y.organization else None,
                    )
                    if score >= REVIEW:
                        found[pair] = (score, "similar name and organization")
        pairs = []
        for (a, b), (score, reason) in sorted(found.items(), key=lambda x: (-x[1][0], x[0])):
            pa, pb = people[a], people[b]
            pairs.append(
                Pair(
                    a,
                    pa.name,
                    pa.organization.name if pa.organization else None,
                    b,
                    pb.name,
                    pb.organization.name if pb.organization else None,
                    round(score, 1),
                    reason,
                )
            )
        return pairs


def resolve_pair(store: Store, pair: Pair, decision: Decision) -> None:
    """Act on one reviewed pair: merge (keeping everything), or mark them distinct."""
    if decision is Decision.MERGE:
        merge.merge_people(store, str(pair.a), str(pair.b))
    with store.write() as session:
        queue = [
            q
            for q in _load(session, store.owner_id, QUEUE_KEY)
            if tuple(sorted((q["a"], q["b"]))) != (pair.a, pair.b)
        ]
        _save_setting(session, store.owner_id, QUEUE_KEY, json.dumps(queue))
        if decision is Decision.NEW:
            distinct = _load(session, store.owner_id, DISTINCT_KEY)
            distinct.append([pair.a, pair.b])
            _save_setting(session, store.owner_id, DISTINCT_KEY, json.dumps(distinct))


def dedupe(store: Store, resolver: MergeResolver) -> dict[str, int]:
    """Review every pair with RESOLVER; merges go through services.merge (nothing is lost)."""
    merged = distinct = left = 0
    gone: set[int] = set()
    for pair in review_queue(store):
        if pair.a in gone or pair.b in gone:
            continue
        record = PersonRecord("dedupe", None, pair.b_name, organization=pair.b_organization)
        candidate = Candidate(pair.a, pair.a_name, pair.a_organization, pair.score)
        decision = resolver.decide(record, candidate)
        if decision is Decision.QUEUE:
            left += 1
            continue
        resolve_pair(store, pair, decision)
        if decision is Decision.MERGE:
            gone.add(pair.b)
            merged += 1
        else:
            distinct += 1
    return {"merged": merged, "distinct": distinct, "left": left}


def contact(email: str, name: str | None = None) -> Contact:
    """A Contact (for callers building InteractionRecords by hand, e.g. tests)."""
    return Contact(email, name)
