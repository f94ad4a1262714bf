"""Imports' rows: each import recorded, and undo: the rows an import inserted (they carry its
id) deleted and the values it changed (journaled in import_changes) put back, in the caller's
transaction. A person the import created is kept when something was recorded about them
since."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Table,
    delete,
    exists,
    func,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Session

from whoknows.storage import schema as s
from whoknows.storage.merging import people_foreign_keys
from whoknows.storage.writer import decode

# Rows an import inserts, deleted by undo in this order (before the people they point at).
_CREATED = (
    "interactions",
    "ties",
    "merge_candidates",
    "person_emails",
    "person_phones",
    "person_links",
    "person_tags",
    "person_extras",
    "person_keys",
)
_DETAILS = {
    "person_emails",
    "person_phones",
    "person_links",
    "person_tags",
    "person_extras",
    "person_keys",
}


@dataclass
class UndoReport:
    id: int
    file_name: str
    removed: dict[str, int] = field(default_factory=dict)
    restored: int = 0
    kept: list[str] = field(default_factory=list)  # people kept, with why
    conflicts: list[str] = field(default_factory=list)  # values changed since, left as they are


@dataclass
class State:
    """What this transaction knows of a person it may change."""

    new: bool
    row: dict[str, Any]  # a new person's buffered row, or an existing one's stored fields
    tags: set[str] = field(default_factory=set)
    extras: set[tuple[str, str]] = field(default_factory=set)
    emails: int = 0
    phones: int = 0


def org_keys(session: Session, owner_id: int) -> dict[str, int]:
    """The organizations by their stored name key."""
    o = s.Organization
    return {
        key: oid
        for oid, key in session.execute(select(o.id, o.name_key).where(o.owner_id == owner_id))
    }


def add_organization(session: Session, owner_id: int, **values: object) -> int:
    row = s.Organization(owner_id=owner_id, **values)
    session.add(row)
    session.flush()
    return row.id


def load_states(session: Session, wanted: set[int], columns: Sequence[str]) -> dict[int, State]:
    """The stored COLUMNS, tags, extras and detail counts of the people WANTED, a few queries
    per 900 people (plain rows: the ORM's row processing costs more)."""
    found: dict[int, State] = {}
    ids = sorted(wanted)
    connection = session.connection()  # plain rows: the ORM's row processing costs more
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        wanted_columns = [getattr(s.Person, c) for c in columns]
        stored = select(s.Person.id, *wanted_columns).where(s.Person.id.in_(chunk))
        for row in connection.execute(stored):
            found[row[0]] = State(new=False, row=dict(zip(columns, row[1:], strict=True)))
        for pid, tag in connection.execute(
            select(s.PersonTag.person_id, s.PersonTag.tag).where(s.PersonTag.person_id.in_(chunk))
        ):
            if pid in found:
                found[pid].tags.add(tag)
        for pid, key, value in connection.execute(
            select(s.PersonExtra.person_id, s.PersonExtra.key, s.PersonExtra.value).where(
                s.PersonExtra.person_id.in_(chunk)
            )
        ):
            if pid in found:
                found[pid].extras.add((key, value))
        for table, attr in ((s.PersonEmail, "emails"), (s.PersonPhone, "phones")):
            for pid, top in connection.execute(
                select(table.person_id, func.max(table.position) + 1)
                .where(table.person_id.in_(chunk))
                .group_by(table.person_id)
            ):
                if pid in found:
                    setattr(found[pid], attr, int(top or 0))
    return found


def add(session: Session, owner_id: int, **values: object) -> int:
    """A new import, recorded; its id."""
    row = s.Import(owner_id=owner_id, **values)
    session.add(row)
    session.flush()
    return row.id


def finish(session: Session, import_id: int, counts: dict[str, int], at: dt.datetime) -> None:
    session.execute(
        update(s.Import)
        .where(s.Import.id == import_id)
        .values(status="done", finished_at=at, counts=json.dumps(counts))
    )


def running(session: Session, owner_id: int) -> list[int]:
    i = s.Import
    return list(session.scalars(select(i.id).where(i.owner_id == owner_id, i.status == "running")))


def newest_first(session: Session, owner_id: int) -> list[s.Import]:
    i = s.Import
    return list(session.scalars(select(i).where(i.owner_id == owner_id).order_by(i.id.desc())))


def get(session: Session, owner_id: int, import_id: int) -> s.Import | None:
    row = session.get(s.Import, import_id)
    return row if row is not None and row.owner_id == owner_id else None


def meetings_and_emails(
    session: Session, owner_id: int
) -> tuple[dict[int, tuple[str, dt.date]], dict[int, list[int]]]:
    """The meetings and emails stored (id: kind, date) and the people in each (id: ids): what
    an import checks a calendar's or a mailbox's records against, so none is added twice."""
    i, ip = s.Interaction, s.InteractionPerson
    heads: dict[int, tuple[str, dt.date]] = {}
    members: dict[int, list[int]] = {}
    query = select(i.id, i.kind, i.date).where(
        i.owner_id == owner_id, i.kind.in_(["meeting", "email"])
    )
    for iid, kind, day in session.execute(query):
        heads[iid] = (kind, day)
    for iid, pid in session.execute(
        select(ip.interaction_id, ip.person_id).where(ip.owner_id == owner_id)
    ):
        if iid in heads:
            members.setdefault(iid, []).append(pid)
    return heads, members


def ties_among(
    session: Session, owner_id: int, pairs: Sequence[tuple[int, int]]
) -> list[tuple[int, int, int, dt.date | None, dt.date | None]]:
    """The stored ties of PAIRS (lower id first): id, both ids, since, last seen (a query
    per 500 pairs)."""
    t = s.Tie
    found = []
    for start in range(0, len(pairs), 500):
        chunk = pairs[start : start + 500]
        rows = session.execute(
            select(t.id, t.person_a_id, t.person_b_id, t.since, t.last_seen).where(
                t.owner_id == owner_id, tuple_(t.person_a_id, t.person_b_id).in_(chunk)
            )
        )
        found += [(tid, a, b, since, last) for tid, a, b, since, last in rows]
    return found


def referred_before(session: Session, owner_id: int, from_id: int, about_id: int) -> bool:
    """Whether FROM_ID referred ABOUT_ID to me already."""
    r = s.Referral
    query = select(r.id).where(r.owner_id == owner_id, r.from_id == from_id, r.about_id == about_id)
    return session.scalar(query) is not None


def take_back(session: Session, owner: int, import_id: int, report: UndoReport) -> None:
    """Delete what the import inserted (but the people kept), put back what it changed, and
    delete the organizations it made that nothing points at any more."""
    kept = _kept(session, owner, import_id, report)
    _delete_rows(session, owner, import_id, kept, report)
    _restore(session, import_id, report)
    _delete_organizations(session, owner, import_id, report)


def _table(name: str) -> Table:
    return s.Base.metadata.tables[name]


def _kept(session: Session, owner: int, import_id: int, report: UndoReport) -> set[int]:
    """People this import created that something else now points at."""
    people = _table("people")
    created = select(people.c.id).where(people.c.owner_id == owner, people.c.import_id == import_id)
    kept: dict[int, str] = {}
    for table, column in people_foreign_keys():
        if table.name == "merge_candidates":
            continue  # a pair to review is not something recorded about a person
        condition: ColumnElement[bool] = column.in_(created)
        if "import_id" in table.c:
            condition = condition & or_(table.c.import_id.is_(None), table.c.import_id != import_id)
        if table.name == "exchanges":  # the ledger entries of this import's own referrals
            theirs = select(_table("referrals").c.id).where(
                _table("referrals").c.import_id == import_id
            )
            condition = condition & or_(
                table.c.referral_id.is_(None), table.c.referral_id.not_in(theirs)
            )
        if table.name == "interaction_people":
            mine = select(_table("interactions").c.id).where(
                _table("interactions").c.import_id == import_id
            )
            condition = condition & table.c.interaction_id.not_in(mine)
        for (pid,) in session.execute(select(column).where(condition).distinct()):
            kept.setdefault(pid, f"{table.name.replace('_', ' ')} recorded since")
    changes = _table("import_changes")
    for (pid,) in session.execute(
        select(changes.c.row_id)
        .where(
            changes.c.table_name == "people",
            changes.c.import_id != import_id,
            changes.c.row_id.in_(created),
        )
        .distinct()
    ):
        kept.setdefault(pid, "another import filled in details since")
    finished = session.scalar(select(s.Import.finished_at).where(s.Import.id == import_id))
    if finished is not None:
        edited = select(people.c.id).where(people.c.id.in_(created), people.c.updated_at > finished)
        for (pid,) in session.execute(edited):
            kept.setdefault(pid, "edited since")
    if kept:
        names = dict(
            session.execute(select(people.c.id, people.c.name).where(people.c.id.in_(kept))).all()
        )
        report.kept = [f"#{pid} {names.get(pid, '')}: {why}" for pid, why in sorted(kept.items())]
    return set(kept)


def _delete_rows(
    session: Session, owner: int, import_id: int, kept: set[int], report: UndoReport
) -> None:
    referrals, exchanges = _table("referrals"), _table("exchanges")
    theirs = select(referrals.c.id).where(referrals.c.import_id == import_id)
    session.execute(delete(exchanges).where(exchanges.c.referral_id.in_(theirs)))
    gone = session.execute(delete(referrals).where(referrals.c.import_id == import_id))
    report.removed["referrals"] = _count(gone)
    for name in _CREATED:
        table = _table(name)
        condition: ColumnElement[bool] = (table.c.owner_id == owner) & (
            table.c.import_id == import_id
        )
        if name in _DETAILS and kept:
            condition = condition & table.c.person_id.not_in(kept)
        report.removed[name] = _count(session.execute(delete(table).where(condition)))
    people = _table("people")
    mine: ColumnElement[bool] = (people.c.owner_id == owner) & (people.c.import_id == import_id)
    if kept:
        mine = mine & people.c.id.not_in(kept)
    report.removed["people"] = _count(session.execute(delete(people).where(mine)))


def _restore(session: Session, import_id: int, report: UndoReport) -> None:
    """Put back the values the import changed, newest first, unless changed since."""
    changes = _table("import_changes")
    rows = session.execute(
        select(
            changes.c.table_name,
            changes.c.row_id,
            changes.c.column_name,
            changes.c.old_value,
            changes.c.new_value,
        )
        .where(changes.c.import_id == import_id)
        .order_by(changes.c.id.desc())
    ).all()
    by_row: dict[tuple[str, int], list[tuple[str, str | None, str | None]]] = {}
    for table_name, row_id, column, old, new in rows:
        by_row.setdefault((table_name, row_id), []).append((column, old, new))
    for (table_name, row_id), columns in by_row.items():
        table = _table(table_name)
        current = session.execute(select(table).where(table.c.id == row_id)).mappings().first()
        if current is None:
            continue  # the row is gone (removed since): nothing to put back
        values: dict[str, Any] = {}
        clean = True
        for column, old, new in columns:
            if column == "updated_at":
                continue
            if current[column] != decode(table_name, column, new):
                clean = False
                report.conflicts.append(
                    f"{table_name} #{row_id} {column} was changed since; kept as it is"
                )
                continue
            values[column] = decode(table_name, column, old)
        stamp = next((old for column, old, _ in columns if column == "updated_at"), None)
        if clean and stamp is not None:
            values["updated_at"] = decode(table_name, "updated_at", stamp)
        if values:
            session.execute(update(table).where(table.c.id == row_id).values(values))
            report.restored += len(values)


def _delete_organizations(session: Session, owner: int, import_id: int, report: UndoReport) -> None:
    orgs = _table("organizations")
    used = [
        exists().where(column == orgs.c.id)
        for table in s.Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == "organizations"
        for column in (fk.parent,)
    ]
    condition: ColumnElement[bool] = (orgs.c.owner_id == owner) & (orgs.c.import_id == import_id)
    for clause in used:
        condition = condition & ~clause
    report.removed["organizations"] = _count(session.execute(delete(orgs).where(condition)))


def _count(result: Any) -> int:
    return int(result.rowcount or 0) if isinstance(result, CursorResult) else 0
