"""Load the identity engine's index of people from the store, and catch up with new rows.

The index (core.keyindex.PeopleIndex) is read once per import, streaming; between the
import's transactions another writer may add people, which `catch_up` reads by id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

if TYPE_CHECKING:  # numpy comes with it: only the commands that import pay for it
    from whoknows.core.keyindex import PeopleIndex

from whoknows.core import identity
from whoknows.core.identity import Key
from whoknows.storage import schema as s

_BATCH = 20_000


@dataclass
class Watermarks:
    """The highest id of each table the index has read."""

    ids: dict[str, int] = field(default_factory=dict)


def _stream(session: Session, query: Any) -> Iterator[Any]:
    """Rows of QUERY in batches, as plain tuples (through the Core connection: the ORM's
    row processing cost more than the reading, for a million people)."""
    yield from session.connection().execute(query.execution_options(yield_per=_BATCH))


def own_uid_prefix(session: Session, owner_id: int) -> str:
    """How this database names its people in its exports' UIDs: urn:whoknows:<token>:<id>.

    The token is the owner's account's creation time, hashed: a database made again (or
    another database) has another, so only this one's exports are taken back by id."""
    created = session.scalar(select(s.Account.created_at).where(s.Account.id == owner_id))
    token = hashlib.sha256(f"{created}#{owner_id}".encode()).hexdigest()[:16]
    return f"urn:whoknows:{token}:"


def load(session: Session, owner_id: int) -> tuple[PeopleIndex, Watermarks]:
    """Everyone OWNER_ID knows, filed by key and block."""
    from whoknows.core.keyindex import PeopleIndex

    index = PeopleIndex()
    index.own_prefix = own_uid_prefix(session, owner_id)
    marks = Watermarks()
    catch_up(session, owner_id, index, marks)
    return index, marks


def catch_up(session: Session, owner_id: int, index: PeopleIndex, marks: Watermarks) -> int:
    """Read the rows added since MARKS into INDEX; returns how many people were new."""
    before = index.size
    _organizations(session, owner_id, index, marks)
    _profiles(session, owner_id, index, marks)  # first: who has one decides their blocks
    people = s.Person
    start = marks.ids.get("people", 0)
    rows = _stream(
        session,
        select(people.id, people.name, people.organization_id, people.is_me).where(
            people.owner_id == owner_id, people.id > start
        ),
    )
    top = start

    def filed() -> Iterator[tuple[int, str, int | None, bool]]:
        nonlocal top
        for pid, name, org_id, is_me in rows:
            top = max(top, pid)
            yield pid, identity.name_key(name), org_id, bool(is_me)

    index.people(filed())
    marks.ids["people"] = top
    _keys(session, owner_id, index, marks)
    return index.size - before


def _organizations(session: Session, owner_id: int, index: PeopleIndex, marks: Watermarks) -> None:
    start = marks.ids.get("organizations", 0)
    top = start
    for org_id, name in session.execute(
        select(s.Organization.id, s.Organization.name).where(
            s.Organization.owner_id == owner_id, s.Organization.id > start
        )
    ):
        index.organization(org_id, identity.org_key(name))
        top = max(top, org_id)
    marks.ids["organizations"] = top


def _profiles(session: Session, owner_id: int, index: PeopleIndex, marks: Watermarks) -> None:
    """Mark who has a LinkedIn profile (their keys are read with the others)."""
    start = marks.ids.get("person_links", 0)
    for (pid,) in _stream(
        session,
        select(s.PersonLink.person_id).where(
            s.PersonLink.owner_id == owner_id,
            s.PersonLink.id > start,
            s.PersonLink.kind == "linkedin",
        ),
    ):
        index.mark_linked(pid)


def _keys(session: Session, owner_id: int, index: PeopleIndex, marks: Watermarks) -> None:
    emails, phones = s.PersonEmail, s.PersonPhone
    for name, kind, query in (
        (
            "person_emails",
            Key.EMAIL,
            select(emails.id, emails.email, emails.person_id).where(
                emails.owner_id == owner_id, emails.id > marks.ids.get("person_emails", 0)
            ),
        ),
        (
            "person_phones",
            Key.PHONE,
            select(phones.id, phones.phone, phones.person_id).where(
                phones.owner_id == owner_id, phones.id > marks.ids.get("person_phones", 0)
            ),
        ),
    ):
        rows = _stream(session, query)
        marks.ids[name] = _file(
            index, kind, ((r[0], r[1], r[2], None) for r in rows), marks.ids.get(name, 0)
        )
    start = marks.ids.get("person_links", 0)
    links = _stream(
        session,
        select(s.PersonLink.id, s.PersonLink.url, s.PersonLink.person_id, s.PersonLink.kind).where(
            s.PersonLink.owner_id == owner_id, s.PersonLink.id > start
        ),
    )
    top = start
    profiles: list[tuple[str, int, str | None]] = []

    def keyed() -> Iterator[tuple[str, int, str | None]]:
        nonlocal top, profiles
        for row_id, url, pid, kind in links:
            top = max(top, row_id)
            if kind != "linkedin":
                yield identity.website(url), pid, None
                continue
            profiles.append((url, pid, None))
            if len(profiles) >= _BATCH:  # filed in bulk, a batch at a time
                index.many_keys(Key.LINKEDIN, profiles)
                profiles = []

    index.many_keys(Key.WEBSITE, keyed())
    index.many_keys(Key.LINKEDIN, profiles)
    marks.ids["person_links"] = top
    start = marks.ids.get("person_keys", 0)
    top = start
    for row_id, kind, value, pid, scope in _stream(
        session,
        select(
            s.PersonKey.id,
            s.PersonKey.kind,
            s.PersonKey.value,
            s.PersonKey.person_id,
            s.PersonKey.scope,
        ).where(s.PersonKey.owner_id == owner_id, s.PersonKey.id > start),
    ):
        top = max(top, row_id)
        index.key(Key(kind), value, pid, scope)
    marks.ids["person_keys"] = top


def _file(
    index: PeopleIndex,
    kind: Key,
    rows: Iterator[tuple[int, str, int, str | None]],
    start: int,
) -> int:
    top = start

    def seen() -> Iterator[tuple[str, int, str | None]]:
        nonlocal top
        for row_id, value, pid, scope in rows:
            top = max(top, row_id)
            yield value, pid, scope

    index.many_keys(kind, seen())
    return top


_TABLES: dict[str, Any] = {
    "people": s.Person,
    "organizations": s.Organization,
    "person_emails": s.PersonEmail,
    "person_phones": s.PersonPhone,
    "person_links": s.PersonLink,
    "person_keys": s.PersonKey,
}


def advance(session: Session, owner_id: int, marks: Watermarks) -> None:
    """After writing in this transaction: the index holds our rows, so skip past them."""
    session.flush()
    for name, table in _TABLES.items():
        top = session.scalar(select(func.max(table.id)).where(table.owner_id == owner_id))
        marks.ids[name] = max(marks.ids.get(name, 0), int(top or 0))
