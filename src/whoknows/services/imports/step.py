"""The one merge step every importer's records go through, a transaction at a time.

People go through the identity engine (people.py); meetings and messages link me to the
people in them, widen ties and set first meetings; organizations are created once; a
card's assistant (AGENT) and an Outlook "Referred By" become ties and referrals.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections.abc import Sequence
from typing import Any

from whoknows.core import identity, models
from whoknows.core.identity import Key
from whoknows.core.meetings import after_meeting
from whoknows.errors import Hint, ImportParseError, UserError
from whoknows.importers.records import (
    BadRow,
    InteractionRecord,
    LeftOut,
    Notice,
    PersonRecord,
    Record,
    Skip,
)
from whoknows.services import next_steps, referrals, refs
from whoknows.services.imports.fields import Fields
from whoknows.services.imports.people import People
from whoknows.services.imports.report import ImportReport
from whoknows.services.store import Store
from whoknows.storage import import_rows, persons
from whoknows.storage.writer import Writer

MAX_CO_TIES = 20  # meetings and messages with more people make no ties among them
_FIX_OR_SKIP = Hint(
    cli="nothing was imported; fix it, or add --skip-bad-rows",
    web="nothing was imported; fix it, or skip the bad rows",
)


class Step:
    """The state of one import between its transactions."""

    def __init__(
        self,
        people: People,
        report: ImportReport,
        store: Store,
        *,
        me_id: int | None,
        my_emails: set[str],
        skip_bad_rows: bool,
    ) -> None:
        self.people = people
        self.report = report
        self.store = store
        self.me_id = me_id
        self.my_emails = my_emails
        self.skip_bad_rows = skip_bad_rows
        self.seen: set[bytes] | None = None  # meetings and messages already stored
        self.writer: Writer | None = None
        self._reset()

    def _reset(self) -> None:
        self.ties: dict[tuple[int, int], list[Any]] = {}  # pair -> [source, first, last]
        self.first_seen: dict[int, dt.date] = {}
        self.referrals: list[tuple[int, int, str, dt.date]] = []

    # -- a transaction ---------------------------------------------------------------------

    def run(self, writer: Writer, records: Sequence[Record]) -> None:
        """Take RECORDS into WRITER's transaction and write them."""
        self.writer = writer
        self.people.begin(writer)
        self._reset()
        checked: dict[int, Fields | None] = {}
        for position, record in enumerate(records):
            if isinstance(record, PersonRecord) and not record.is_org:
                try:
                    checked[position] = self.people.check(record)
                except UserError:
                    checked[position] = None
        self.people.prefetch(f for f in checked.values() if f is not None)
        for position, record in enumerate(records):
            self.take(record, checked.get(position))
        self._write_ties()
        self._write_first_meetings()
        writer.flush()
        self._write_referrals()

    def take(self, record: Record, fields: Fields | None = None) -> None:
        self.report.records += 1
        if isinstance(record, Skip):
            self.report.skip(record.reason)
            return
        if isinstance(record, Notice):
            self.report.warn(record.source, record.line, record.message)
            return
        if isinstance(record, LeftOut):
            self.report.left_out.extend(record.sentences())
            return
        if isinstance(record, BadRow):
            self.bad(record.source, record.line, record.reason)
            return
        try:
            if isinstance(record, InteractionRecord):
                self._interaction(record)
            elif record.is_org:
                self._organization(record)
            else:
                self._person(record, fields)
        except ImportParseError:
            raise
        except UserError as exc:
            self.bad(record.source, record.line, exc.message)

    def bad(self, source: str, line: int | None, reason: str) -> None:
        if not self.skip_bad_rows:
            raise ImportParseError(source, line, reason, hint=_FIX_OR_SKIP)
        self.report.errors.append({"source": source, "line": line, "reason": reason})
        self.report.skip("bad row")

    # -- people and organizations --------------------------------------------------------

    def _person(self, record: PersonRecord, fields: Fields | None) -> int:
        pid = self.people.arrive(fields or self.people.check(record), count=True)
        for agent in record.agents:  # an assistant named in full on the card
            try:
                other = self.people.arrive(self.people.check(agent), count=True)
            except UserError as exc:
                self.report.warn(agent.source, agent.line, f"an AGENT card left out: {exc.message}")
                continue
            self._tie(pid, other, models.TieSource.TOLD, None)
        if record.referred_by:
            self._referred(pid, record)
        return pid

    def _referred(self, pid: int, record: PersonRecord) -> None:
        """Outlook's Referred By: a tie, and a referral from that person to me."""
        name = record.referred_by or ""
        key = identity.name_key(name)
        named = [
            p
            for p in self.people.index.block(identity.blocks(key, None)[0] if key else "")
            if self.people.index.names[p] == key
        ]
        if len(named) > 1:
            self.report.warn(
                record.source,
                record.line,
                f"Referred By {name!r} matches {len(named)} people; no referral recorded",
            )
            return
        if named:
            referrer = named[0]
        else:
            referrer = self.people.arrive(
                self.people.check(PersonRecord(record.source, record.line, name.strip())),
                count=False,
            )
        if referrer == pid:
            return
        self._tie(pid, referrer, models.TieSource.TOLD, None)
        if self.me_id is not None and self.me_id not in (referrer, pid):
            on = record.met_on or self.people.today
            self.referrals.append((referrer, pid, f"from {record.source}", on))

    def _organization(self, record: PersonRecord) -> None:
        if refs.name_key(record.name) in self.people.orgs:
            self.report.skip("unchanged")
            return
        self.people.org_id(record.name)
        self.report.created += 1

    # -- meetings and messages -----------------------------------------------------------

    def _interaction(self, record: InteractionRecord) -> None:
        if self.me_id is None:
            raise UserError(
                "who you are is not set yet, so meetings and mail cannot be linked to you",
                hint=next_steps.SET_ME_EMAIL,
            )
        checker, index = self.people.checker, self.people.index
        addresses = [(checker.email(c.email), c) for c in record.people]
        others = [(a, c) for a, c in addresses if a not in self.my_emails]
        if record.kind == "email" and len(others) == len(addresses):
            self.report.skip("neither from nor to you")
            return
        ids: list[int] = []
        for address, contact in others:
            if address is None:
                self.report.warn(record.source, record.line, f"address {contact.email!r} left out")
                continue
            known = index.find(Key.EMAIL, address)
            if known:
                ids.append(known[0])
                continue
            name = (contact.name or contact.email).strip()
            person = PersonRecord(record.source, record.line, name, emails=(address,))
            ids.append(self.people.arrive(self.people.check(person), count=False))
        people = list(dict.fromkeys(i for i in ids if i != self.me_id))
        if not people:
            self.report.skip("nobody but you in it")
            return
        key = _digest(record.kind, record.date, people)
        seen = self._seen()
        if key in seen:
            self.report.skip("unchanged")
            return
        seen.add(key)
        models.InteractionKind(record.kind)  # a kind the schema knows
        writer = self.writer
        assert writer is not None
        iid = writer.next_id("interactions")
        writer.add(
            "interactions",
            {
                "id": iid,
                "kind": record.kind,
                "date": record.date,
                "note": record.note.replace("\x00", "") if record.note else None,
                "minutes": record.minutes,
                "event_id": None,
            },
        )
        for pid in people:
            writer.add("interaction_people", {"interaction_id": iid, "person_id": pid})
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

    def _seen(self) -> set[bytes]:
        if self.seen is None:
            writer = self.writer
            assert writer is not None
            heads, members = import_rows.meetings_and_emails(writer.session, self.people.owner_id)
            self.seen = {
                _digest(kind, day, members.get(iid, [])) for iid, (kind, day) in heads.items()
            }
        return self.seen

    def _tie(self, a: int, b: int, source: models.TieSource, on: dt.date | None) -> None:
        if a == b:
            return
        pair = (a, b) if a < b else (b, a)
        entry = self.ties.get(pair)
        if entry is None:
            self.ties[pair] = [source.value, on, on]
        elif on is not None:
            entry[1] = on if entry[1] is None or on < entry[1] else entry[1]
            entry[2] = on if entry[2] is None or on > entry[2] else entry[2]

    # -- writing at the end of a transaction ---------------------------------------------

    def _write_ties(self) -> None:
        """Insert the new ties and widen since/last seen of the known ones (journaled)."""
        writer = self.writer
        assert writer is not None
        states = self.people.states
        stored = [p for p in self.ties if not any(states.get(x, _OLD).new for x in p)]
        owner = self.people.owner_id
        for tid, a, b, since, last in import_rows.ties_among(writer.session, owner, stored):
            _source, first, latest = self.ties.pop((a, b))
            new_since = min(since, first) if since and first else since or first
            new_last = max(last, latest) if last and latest else last or latest
            if new_since != since:
                writer.change("ties", tid, "since", since, new_since)
            if new_last != last:
                writer.change("ties", tid, "last_seen", last, new_last)
        for (a, b), (source, since, last) in self.ties.items():
            writer.add(
                "ties",
                {
                    "person_a_id": a,
                    "person_b_id": b,
                    "source": source,
                    "since": since,
                    "last_seen": last,
                    "strength": None,
                },
            )
        self.report.ties += len(self.ties)
        self.ties = {}

    def _write_first_meetings(self) -> None:
        """As for every interaction (core.meetings): stage 'met' where none was set, and an
        earlier first meeting moves met_on."""
        people = self.people
        people.prefetch_ids(set(self.first_seen) - set(people.states))
        for pid, on in self.first_seen.items():
            state = people.state(pid)
            if state is None:
                continue
            row = state.row
            for column, value in after_meeting(
                row.get("stage"), row.get("met_on"), row.get("met_where"), on
            ).items():
                people._set(pid, state, column, value)
        self.first_seen = {}

    def _write_referrals(self) -> None:
        writer = self.writer
        assert writer is not None
        store = self.store
        for referrer, about, note, on in self.referrals:
            session = writer.session
            known = import_rows.referred_before(session, self.people.owner_id, referrer, about)
            from_person, about_person = persons.get(session, referrer), persons.get(session, about)
            if not known and from_person is not None and about_person is not None:
                row = referrals.create(
                    session, store, from_person=from_person, about=about_person, note=note, on=on
                )
                row.import_id = writer.import_id
        writer.session.flush()
        self.referrals = []


class _Old:
    new = False


_OLD = _Old()


def _digest(kind: str, day: dt.date, people: Sequence[int]) -> bytes:
    text = f"{kind}|{day.isoformat()}|{','.join(map(str, sorted(set(people))))}"
    return hashlib.blake2b(text.encode(), digest_size=16).digest()
