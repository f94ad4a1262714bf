"""The people side of the merge step: each person record through the identity engine, then
created or filled in (never overwriting what is stored), through the import's Writer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from whoknows.core import identity
from whoknows.core.identity import Key, Resolution
from whoknows.core.keyindex import PeopleIndex
from whoknows.errors import UserError
from whoknows.importers.records import PersonRecord
from whoknows.services import refs, validate
from whoknows.services.imports.fields import BIRTHDAY, Checker, Fields
from whoknows.services.imports.report import ImportReport
from whoknows.services.imports.resolvers import Candidate, Decision, MergeResolver
from whoknows.services.merge import FILLED
from whoknows.storage import import_rows
from whoknows.storage.import_rows import State as State
from whoknows.storage.writer import Writer

if TYPE_CHECKING:
    from whoknows.storage.unit import Session

# The columns an import fills in when they are blank (never overwriting), and reads first.
_COLUMNS = (*FILLED, "met_on")
_LOADED = (*_COLUMNS, "notes", "updated_at")


class Vanished(UserError):
    """A person the index knows was removed by another writer meanwhile."""


class People:
    """Creates and fills in people for one import; a new Writer comes with each transaction."""

    def __init__(
        self,
        index: PeopleIndex,
        report: ImportReport,
        resolver: MergeResolver,
        *,
        owner_id: int,
        today: dt.date,
        region: str | None,
        distinct: set[tuple[int, int]],
    ) -> None:
        self.index = index
        self.report = report
        self.resolver = resolver
        self.owner_id = owner_id
        self.today = today
        self.checker = Checker(region)
        self.distinct = distinct
        self.orgs: dict[str, int] = {}  # organizations by their stored name key (per transaction)
        self.states: dict[int, State] = {}
        self.writer: Writer | None = None

    @property
    def session(self) -> Session:
        assert self.writer is not None
        return self.writer.session

    def begin(self, writer: Writer) -> None:
        self.writer = writer
        self.states = {}
        self.orgs = {}
        self.orgs = import_rows.org_keys(writer.session, self.owner_id)

    # -- the engine ----------------------------------------------------------------------

    def check(self, record: PersonRecord) -> Fields:
        validate.name(record.name)

        def warn(what: str) -> None:
            self.report.warn(record.source, record.line, what)

        return self.checker.fields(record, warn)

    def prefetch(self, checked: Iterable[Fields]) -> None:
        """Load, in a few queries, the stored people these records are likely to change."""
        wanted: set[int] = set()
        for fields in checked:
            for kind, value in fields.identity.strong:
                wanted.update(self.index.find(kind, value))
        self._load(wanted - set(self.states))

    def prefetch_ids(self, wanted: set[int]) -> None:
        """Load these stored people in a few queries (not one by one)."""
        self._load({p for p in wanted if p not in self.states})

    def arrive(self, fields: Fields, *, count: bool) -> int:
        """The person FIELDS is: found, merged into a candidate, or created. Returns the id."""
        found = identity.resolve(fields.identity, self.index)
        review = [m for m in found.review if self._pair(found, m.person_id) not in self.distinct]
        target, fuzzy, different = found.person_id, False, None
        if target is None and count and review:
            best = found.likely or review[0]
            decision = self.resolver.decide(
                fields.record,
                Candidate(
                    best.person_id,
                    self.index.names[best.person_id] or "",
                    self.index.known([best.person_id])[best.person_id].org_key,
                    best.score,
                    best.reason,
                    best.rule if best is found.likely else "",
                ),
            )
            if decision is Decision.MERGE:
                target, fuzzy = best.person_id, True
                review = [m for m in review if m is not best]
            elif decision is Decision.NEW:
                review = [m for m in review if m is not best]
                different = best
        if target is None:
            target = self._create(fields)
            if count:
                self.report.created += 1
            else:
                self.report.people_created += 1
        else:
            changed = self._update(target, fields)
            if count:
                if fuzzy:  # folded into a likely person (the fingerprint finds it next time)
                    self.report.merged += 1
                elif not changed:
                    self.report.skip("unchanged")
                else:
                    self.report.updated += 1
        assert self.writer is not None
        for match in review:
            if match.person_id != target:
                self.writer.pair(
                    target, match.person_id, match.score, match.rule, match.reason, self.today
                )
                self.report.queued += 1
        if different is not None:  # the user said: not the same; never ask again
            self.writer.pair(
                target,
                different.person_id,
                different.score,
                different.rule,
                different.reason,
                self.today,
                status="distinct",
            )
            self.distinct.add(tuple(sorted((target, different.person_id))))  # type: ignore[arg-type]
        return target

    def _pair(self, found: Resolution, other: int) -> tuple[int, int]:
        low, high = sorted((found.person_id or 0, other))
        return (low, high)

    # -- writing -------------------------------------------------------------------------

    def org_id(self, name: str | None) -> int | None:
        if not name or not name.strip():
            return None
        key = refs.name_key(name)
        if key not in self.orgs:
            org_id = import_rows.add_organization(
                self.session,
                self.owner_id,
                name=name.strip(),
                name_key=key,
                import_id=self.writer.import_id if self.writer else None,
            )
            self.orgs[key] = org_id
            self.index.organization(org_id, identity.org_key(name))
        return self.orgs[key]

    def _create(self, fields: Fields) -> int:
        assert self.writer is not None
        record = fields.record
        pid = self.writer.next_id("people")
        org_id = self.org_id(record.organization)
        row = self.writer.add(
            "people",
            {
                **dict.fromkeys(_COLUMNS),
                **fields.values,
                "id": pid,
                "name": record.name.strip(),
                "name_key": refs.name_key(record.name),
                "name_fold": fields.identity.name_key,
                "is_me": False,
                "organization_id": org_id,
                "notes": fields.notes,
            },
        )
        self.states[pid] = State(new=True, row=row)
        self.index.person(
            pid, fields.identity.name_key, org_id, linked=bool(fields.identity.linkedin)
        )
        self._add_details(pid, fields)
        return pid

    def _update(self, pid: int, fields: Fields) -> bool:
        """Fill in what is blank and add new details; never overwrite what is stored."""
        state = self.states.get(pid) or self._load({pid}).get(pid)
        if state is None:  # the person vanished since the index was read
            raise Vanished(f"person #{pid} was removed while importing")
        record = fields.record
        values = dict(fields.values)
        changed = False
        if record.organization and state.row.get("organization_id") is None:
            values["organization_id"] = self.org_id(record.organization)
        for column, value in values.items():
            if value is not None and state.row.get(column) in (None, ""):
                self._set(pid, state, column, value)
                changed = True
                if column == "organization_id" and isinstance(value, int):
                    self.index.move(pid, value)
        note = fields.notes
        if note and note.strip() not in (state.row.get("notes") or ""):
            old = state.row.get("notes")
            self._set(pid, state, "notes", f"{old}\n{note}" if old else note)
            changed = True
        return self._add_details(pid, fields) or changed

    def _set(self, pid: int, state: State, column: str, value: Any) -> None:
        if not state.new:
            assert self.writer is not None
            self.writer.change("people", pid, column, state.row.get(column), value)
            if "updated_at" in state.row:
                self.writer.change("people", pid, "updated_at", state.row["updated_at"], None)
        state.row[column] = value

    def _add_details(self, pid: int, fields: Fields) -> bool:
        """Emails, phones, profiles, websites, keys, tags and extras this person lacks."""
        assert self.writer is not None
        writer, index = self.writer, self.index
        state = self.states[pid]
        added = False
        for address in fields.emails:
            if not index.find(Key.EMAIL, address):  # an address someone else has stays theirs
                writer.add(
                    "person_emails",
                    {"person_id": pid, "email": address, "position": state.emails},
                )
                state.emails += 1
                index.key(Key.EMAIL, address, pid)
                added = True
        for number in fields.phones:
            if pid not in index.find(Key.PHONE, number):
                writer.add(
                    "person_phones",
                    {"person_id": pid, "phone": number, "position": state.phones},
                )
                state.phones += 1
                index.key(Key.PHONE, number, pid)
                added = True
        for kind, url in fields.links:
            key = Key.LINKEDIN if kind == "linkedin" else Key.WEBSITE
            value = url if key is Key.LINKEDIN else identity.website(url)
            owners = index.find(key, value)
            if pid in owners or (key is Key.LINKEDIN and owners):
                continue
            writer.add("person_links", {"person_id": pid, "kind": kind, "url": url})
            index.key(key, value, pid)
            added = True
        record = fields.record
        keys: list[tuple[Key, str, str | None]] = []
        if record.uid:
            keys.append((Key.UID, record.uid, record.scope or ""))
        if fields.identity.fingerprint:
            keys.append((Key.RECORD, fields.identity.fingerprint, None))
        for key, value, scope in keys:
            own = key is Key.UID and index.own_prefix and value.startswith(index.own_prefix)
            if not own and not index.find(key, value):
                writer.add(
                    "person_keys",
                    {"person_id": pid, "kind": key.value, "value": value, "scope": scope},
                )
                index.key(key, value, pid, scope)
        for tag in fields.tags:
            if tag not in state.tags:
                writer.add("person_tags", {"person_id": pid, "tag": tag})
                state.tags.add(tag)
                added = True
        extras = list(fields.extras)
        if fields.birthday and not any(k == BIRTHDAY for k, _ in state.extras):
            extras.insert(0, (BIRTHDAY, fields.birthday))
        for pair in extras:
            if pair not in state.extras:
                writer.add("person_extras", {"person_id": pid, "key": pair[0], "value": pair[1]})
                state.extras.add(pair)
                added = True
        return added

    # -- reading -------------------------------------------------------------------------

    def state(self, pid: int) -> State | None:
        return self.states.get(pid) or self._load({pid}).get(pid)

    def _load(self, wanted: set[int]) -> dict[int, State]:
        """The stored fields, tags, extras and detail counts of WANTED, a few queries each."""
        found = import_rows.load_states(self.session, wanted, _LOADED)
        self.states.update(found)
        return found
