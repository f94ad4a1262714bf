"""People: add, edit, find, list, remove, and who I am."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from whoknows.core import models
from whoknows.errors import Conflict, UserError
from whoknows.services import identity, paging, refs, validate, views
from whoknows.services.organizations import get_or_create_org
from whoknows.services.people_list import list_people as list_people
from whoknows.services.people_list import people_page as people_page
from whoknows.services.store import Store, per_version
from whoknows.storage import persons
from whoknows.storage import schema as s
from whoknows.storage.persons import Contact
from whoknows.storage.upsert import insert_missing

if TYPE_CHECKING:
    from whoknows.storage.unit import Select, Session


@dataclass(frozen=True)
class PersonInput:
    """What a user may say about a person; None means "not given" (leave as is)."""

    name: str | None = None
    emails: Sequence[str] = ()
    phones: Sequence[str] = ()
    organization: str | None = None
    role: str | None = None
    industry: str | None = None
    city: str | None = None
    tags: Sequence[str] = ()
    notes: str | None = None
    serves: str | None = None
    asks: str | None = None
    offers: str | None = None
    trust: int | None = None
    stage: str | None = None
    met_where: str | None = None
    met_on: dt.date | None = None
    drop_emails: Sequence[str] = field(default=())
    drop_phones: Sequence[str] = field(default=())
    drop_tags: Sequence[str] = field(default=())


def add_person(store: Store, data: PersonInput) -> models.Person:
    if data.name is None:
        raise UserError("a person needs a name", hint="give their full name")
    with store.write() as session:
        row = create_person(session, store, data)
        return views.person(row)


def create_person(
    session: Session, store: Store, data: PersonInput, *, today: dt.date | None = None
) -> s.Person:
    """Validate everything first, then write: a bad field writes nothing.

    The identity engine looks first: an email or profile someone has is a conflict (they
    are that person); likely duplicates are queued for review (services.review).
    """
    name = validate.name(data.name or "")
    typed = identity.typed(
        name,
        email=data.emails[0] if data.emails else None,
        organization=data.organization,
        phones=data.phones,
        region=store.settings.phone_region,
    )
    found = identity.match(session, store.owner_id, typed)
    row = s.Person(owner_id=store.owner_id, name=name, name_key=refs.name_key(name))
    _apply(session, store, row, data)
    session.add(row)
    session.flush()
    identity.queue(session, store.owner_id, row.id, found.review, today or dt.date.today())
    return row


def edit_person(store: Store, ref: str, data: PersonInput) -> models.Person:
    with store.write() as session:
        row = refs.person(session, store.owner_id, ref)
        if data.name is not None:
            row.name = validate.name(data.name)
            row.name_key = refs.name_key(row.name)
        _apply(session, store, row, data)
        session.flush()
        return views.person(row)


def update_person(session: Session, store: Store, row: s.Person, data: PersonInput) -> None:
    """Apply DATA to ROW in the caller's transaction: the one code path for every field."""
    _apply(session, store, row, data)


def _apply(session: Session, store: Store, row: s.Person, data: PersonInput) -> None:
    emails = [validate.email(e) for e in data.emails]
    phones = [validate.phone(p, store.settings.phone_region) for p in data.phones]
    tags = [validate.tag(t) for t in data.tags]
    drop_emails = {validate.email(e) for e in data.drop_emails}
    drop_phones = {validate.phone(p, store.settings.phone_region) for p in data.drop_phones}
    drop_tags = {validate.tag(t) for t in data.drop_tags}
    if data.trust is not None:
        row.trust = validate.trust(data.trust)
    if data.stage is not None:
        row.stage = validate.stage(data.stage).value
    for attr in ("role", "industry", "city", "met_where"):
        value = getattr(data, attr)
        if value is not None:
            setattr(row, attr, validate.line(value, attr.replace("_", " ")))
    for attr in ("notes", "serves", "asks", "offers"):
        value = getattr(data, attr)
        if value is not None:
            setattr(row, attr, validate.text(value, attr))
    if data.met_on is not None:
        row.met_on = data.met_on
    if data.organization is not None:
        org_name = validate.text(data.organization, "organization", validate.MAX_NAME)
        row.organization = get_or_create_org(session, store, org_name) if org_name else None
    row.emails = _with_contacts(
        session, store, row, s.PersonEmail, "email", row.emails, emails, drop_emails
    )
    row.phones = _with_contacts(
        session, store, row, s.PersonPhone, "phone", row.phones, phones, drop_phones
    )
    row.tags = [t for t in row.tags if t.tag not in drop_tags]
    known_tags = {t.tag for t in row.tags}
    new_tags = [t for t in dict.fromkeys(tags) if t not in known_tags]
    if row.id is None:  # someone new: nobody else can be tagging them yet
        row.tags.extend(s.PersonTag(owner_id=store.owner_id, tag=t) for t in new_tags)
    elif new_tags:  # an upsert: the same tag added at the same moment elsewhere is no conflict
        session.flush()
        insert_missing(
            session,
            s.PersonTag,
            [{"owner_id": store.owner_id, "person_id": row.id, "tag": t} for t in new_tags],
            ["person_id", "tag"],
        )
        session.expire(row, ["tags"])


def _with_contacts(
    session: Session,
    store: Store,
    row: s.Person,
    model: type[Contact],
    what: str,
    current: list[Contact],
    added: list[str],
    dropped: set[str],
) -> list[Contact]:
    """ROW's emails (or phones) less DROPPED plus ADDED; one that is someone else's conflicts."""
    kept = [c for c in current if getattr(c, what) not in dropped]
    known = {getattr(c, what) for c in kept}
    for value in dict.fromkeys(added):
        if value in known:
            continue
        taken = persons.contact(session, store.owner_id, model, what, value)
        if taken is not None and taken.person_id != row.id:
            raise Conflict(
                f"{what} {value} already belongs to {_who(session, taken.person_id)}",
                hint=f"merge the two people, or drop the {what} there",
            )
        kept.append(model(owner_id=store.owner_id, position=len(kept), **{what: value}))
    return kept


def _who(session: Session, person_id: int) -> str:
    other = persons.get(session, person_id)
    return f"#{person_id} {other.name}" if other else f"#{person_id}"


def set_me(store: Store, data: PersonInput) -> models.Person:
    """Say who I am: creates me, or updates me when I already exist (and may rename me). With
    no me yet, the one person who has one of my emails is me (the identity engine's rule)."""
    with store.write() as session:
        existing = persons.me(session, store.owner_id)
        if existing is None:  # an address book or an import may have brought my own card
            existing = _owner_of(session, store, data.emails)
        if existing is None:
            row = create_person(session, store, data)
        else:
            row = existing
            if data.name is not None:
                row.name = validate.name(data.name)
                row.name_key = refs.name_key(row.name)
            _apply(session, store, row, data)
        row.is_me = True
        session.flush()
        return views.person(row)


def _owner_of(session: Session, store: Store, emails: Sequence[str]) -> s.Person | None:
    """The one person who has one of these emails (None when nobody, or several, have)."""
    if not emails:
        return None
    owners = persons.owners_of_emails(session, store.owner_id, [validate.email(e) for e in emails])
    return persons.get(session, owners.pop()) if len(owners) == 1 else None


def get_person(store: Store, ref: str) -> models.Person:
    with store.read() as session:
        return views.person(refs.person(session, store.owner_id, ref))


def _listing(
    session: Session,
    store: Store,
    tag: str | None,
    organization: str | None,
    stage: str | None,
) -> Select[s.Person]:
    org = (
        refs.organization(session, store.owner_id, organization)
        if organization is not None
        else None
    )
    return persons.listing(
        store.owner_id,
        tag,
        org.id if org is not None else None,
        validate.stage(stage).value if stage is not None else None,
    )


@per_version()
def count_people(store: Store) -> int:
    with store.read() as session:
        return persons.count(session, store.owner_id)


def _search_key(text: str) -> str:
    needle = validate.reference(text, "search text").strip()
    if not needle:
        raise UserError("nothing to find", hint="give a word to look for")
    return refs.name_key(needle)


def _typos(session: Session, store: Store, key: str, limit: int) -> list[int]:
    """The people whose name is KEY give or take a typo, best first (fuzzy, in C)."""
    from rapidfuzz import fuzz, process

    choices = persons.name_keys(session, store.owner_id)
    found = process.extract(key, choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=85)
    return [person_id for _name, _score, person_id in found]


@per_version()
def find_people(store: Store, text: str, limit: int = 20) -> list[models.Person]:
    """People whose name, email, organization, role, tags or notes match TEXT; typos forgiven."""
    limit = validate.limit(limit) or 20
    key = _search_key(text)
    with store.read() as session:
        ids = persons.matching_ids(session, store.owner_id, key, limit)
        if len(ids) < limit:
            ids += [i for i in _typos(session, store, key, limit) if i not in ids]
        rows = persons.by_ids(session, set(ids))
        return [views.person(rows[i]) for i in ids[:limit] if i in rows]


@per_version()
def search_page(
    store: Store,
    text: str,
    window: paging.Window,
    *,
    tag: str | None = None,
    organization: str | None = None,
    stage: str | None = None,
) -> paging.Page[models.Person]:
    """One page of the people who match TEXT and the filters, by name, and how many match in
    all; when the words match fewer than a page, names a typo away come after them."""
    key = _search_key(text)
    with store.read() as session:
        listing = _listing(session, store, tag, organization, stage)
        found = persons.matching(listing, store.owner_id, key)
        rows, total = paging.of_query(session, found, window)
        if total < window.limit:
            seen = {row.id for row in rows}
            typos = [i for i in _typos(session, store, key, window.limit) if i not in seen]
            near = persons.among(session, listing, typos)
            extra = [near[i] for i in typos if i in near][: window.limit - total]
            if window.offset == 0:
                rows = [*rows, *extra]
            total += len(extra)
        return paging.Page([views.person(r) for r in rows], total, window.offset, window.limit)


def remove_person(store: Store, ref: str) -> models.Person:
    with store.write() as session:
        row = refs.person(session, store.owner_id, ref)
        if row.is_me:
            raise UserError("you cannot remove yourself", hint="you can rename yourself")
        gone = views.person(row)
        persons.remove(session, row.id)
        return gone


def set_stage(store: Store, ref: str, stage: str) -> models.Person:
    return edit_person(store, ref, PersonInput(stage=stage))
