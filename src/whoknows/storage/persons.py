"""People's rows read in the caller's SQLAlchemy session: namesakes, my own addresses, the
pairs said to be different people, whose an email or phone is, the listing and the search by
words or by a name a typo away, a removal. (A page of people in plain SQL is people_rows.py.)"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, and_, delete, func, or_, select
from sqlalchemy.orm import Session

from whoknows.core import identity
from whoknows.core.identity import Identity
from whoknows.storage import schema as s


def me(session: Session, owner_id: int) -> s.Person | None:
    """Me, found as the partial index ix_people_one_me is written: the column alone, which
    SQLAlchemy writes "people.is_me = 1" on SQLite and "people.is_me" on PostgreSQL. SQLite
    uses a partial index only for the very same term: raw "people.is_me" read every person
    (0.2 s at a million)."""
    return session.scalar(select(s.Person).where(s.Person.owner_id == owner_id, s.Person.is_me))


def by_ids(session: Session, ids: set[int]) -> dict[int, s.Person]:
    """The people of IDS, read in a query per 500."""
    found: dict[int, s.Person] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        for row in session.scalars(select(s.Person).where(s.Person.id.in_(chunk))):
            found[row.id] = row
    return found


def names(session: Session, ids: set[int]) -> dict[int, str]:
    """The names of the people of IDS."""
    query = select(s.Person.id, s.Person.name).where(s.Person.id.in_(ids))
    return dict(session.execute(query).all())


def get(session: Session, person_id: int) -> s.Person | None:
    return session.get(s.Person, person_id)


def namesakes(session: Session, owner_id: int, fold: str, limit: int) -> list[s.Person]:
    """Up to LIMIT people (not me) whose folded name is FOLD, oldest first."""
    p = s.Person
    query = select(p).where(p.owner_id == owner_id, p.name_fold == fold, ~p.is_me)
    return list(session.scalars(query.order_by(p.id).limit(limit)))


def me_id(session: Session, owner_id: int) -> int | None:
    """My id (None while who I am is not set)."""
    return session.scalar(select(s.Person.id).where(s.Person.owner_id == owner_id, s.Person.is_me))


def emails_of(session: Session, person_id: int | None) -> set[str]:
    """A person's email addresses (none for None)."""
    query = select(s.PersonEmail.email).where(s.PersonEmail.person_id == person_id)
    return set(session.scalars(query))


def distinct_pairs(session: Session, owner_id: int) -> set[tuple[int, int]]:
    """The pairs of people the user said are different people (never merged again)."""
    c = s.MergeCandidate
    query = select(c.a_id, c.b_id).where(c.owner_id == owner_id, c.status == "distinct")
    return {(a, b) for a, b in session.execute(query)}


_Profile = tuple[int, str, str | None, str | None, str | None, str | None, str | None]


def profiles(session: Session, ids: list[int]) -> list[_Profile]:
    """For each person of IDS: id, name, role, industry, city, organization and its industry
    (read in a query per 500)."""
    p, o = s.Person, s.Organization
    found: list[_Profile] = []
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(p.id, p.name, p.role, p.industry, p.city, o.name, o.industry)
            .outerjoin(o, o.id == p.organization_id)
            .where(p.id.in_(ids[start : start + 500]))
        )
        found += [(a, b, c, d, e, f, g) for a, b, c, d, e, f, g in rows]
    return found


def identities(session: Session, owner: int) -> Iterator[tuple[int, Identity]]:
    """Everyone, as the engine reads an arriving record (a batch of queries per 2,000)."""
    ids = list(
        session.scalars(select(s.Person.id).where(s.Person.owner_id == owner, ~s.Person.is_me))
    )
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        details: dict[int, dict[str, list[str]]] = {pid: {} for pid in chunk}
        for pid, email in session.execute(
            select(s.PersonEmail.person_id, s.PersonEmail.email).where(
                s.PersonEmail.person_id.in_(chunk)
            )
        ):
            details[pid].setdefault("emails", []).append(email)
        for pid, phone in session.execute(
            select(s.PersonPhone.person_id, s.PersonPhone.phone).where(
                s.PersonPhone.person_id.in_(chunk)
            )
        ):
            details[pid].setdefault("phones", []).append(phone)
        for pid, kind, url in session.execute(
            select(s.PersonLink.person_id, s.PersonLink.kind, s.PersonLink.url).where(
                s.PersonLink.person_id.in_(chunk)
            )
        ):
            field = "linkedin" if kind == "linkedin" else "websites"
            details[pid].setdefault(field, []).append(
                url if kind == "linkedin" else identity.website(url)
            )
        for pid, name, org in session.execute(
            select(s.Person.id, s.Person.name, s.Organization.name)
            .outerjoin(s.Organization, s.Organization.id == s.Person.organization_id)
            .where(s.Person.id.in_(chunk))
        ):
            found = details[pid]
            yield (
                pid,
                Identity(
                    name,
                    emails=tuple(found.get("emails", ())),
                    phones=tuple(found.get("phones", ())),
                    linkedin=tuple(found.get("linkedin", ())),
                    websites=tuple(found.get("websites", ())),
                    organization=org,
                ),
            )


Contact = TypeVar("Contact", s.PersonEmail, s.PersonPhone)


def contact(
    session: Session, owner_id: int, model: type[Contact], what: str, value: str
) -> Contact | None:
    """The email (or phone: MODEL, its column WHAT) VALUE as stored, whoever's it is."""
    column = getattr(model, what)
    return session.scalar(select(model).where(model.owner_id == owner_id, column == value))


def owners_of_emails(session: Session, owner_id: int, emails: Collection[str]) -> set[int]:
    """The people who have one of EMAILS."""
    e = s.PersonEmail
    query = select(e.person_id).where(e.owner_id == owner_id, e.email.in_(list(emails)))
    return set(session.scalars(query))


def remove(session: Session, person_id: int) -> None:
    """Delete a person (their details, ties and attendance go with them: ON DELETE CASCADE)."""
    session.execute(delete(s.Person).where(s.Person.id == person_id))


def count(session: Session, owner_id: int) -> int:
    query = select(func.count()).select_from(s.Person).where(s.Person.owner_id == owner_id)
    return session.scalar(query) or 0


def listing(
    owner_id: int, tag: str | None, organization_id: int | None, stage: str | None
) -> Select[s.Person]:
    """The people with TAG, at ORGANIZATION_ID, at STAGE (None: any), by name."""
    query = select(s.Person).where(s.Person.owner_id == owner_id)
    if tag is not None:
        query = query.where(
            s.Person.id.in_(select(s.PersonTag.person_id).where(s.PersonTag.tag == tag))
        )
    if organization_id is not None:
        query = query.where(s.Person.organization_id == organization_id)
    if stage is not None:
        query = query.where(s.Person.stage == stage)
    return query.order_by(s.Person.name_key, s.Person.id)


def matching(query: Select[s.Person], owner_id: int, key: str) -> Select[s.Person]:
    """QUERY's people whose name, email, organization, role, tags or notes hold KEY."""
    return query.where(_matches(owner_id, key))


def among(session: Session, query: Select[s.Person], ids: Collection[int]) -> dict[int, s.Person]:
    """QUERY's people of IDS, by id."""
    return {row.id: row for row in session.scalars(query.where(s.Person.id.in_(list(ids))))}


def matching_ids(session: Session, owner_id: int, key: str, limit: int) -> list[int]:
    """Up to LIMIT people whose name, email, organization, role, tags or notes hold KEY."""
    query = select(s.Person.id).where(_matches(owner_id, key)).limit(limit)
    return list(session.scalars(query))


def name_keys(session: Session, owner_id: int) -> dict[int, str]:
    """Everyone's name as searched (folded), by id."""
    query = select(s.Person.id, s.Person.name_key).where(s.Person.owner_id == owner_id)
    return {row.id: row.name_key for row in session.execute(query)}


def _matches(owner_id: int, key: str) -> ColumnElement[bool]:
    like = f"%{key}%"
    return and_(
        s.Person.owner_id == owner_id,
        or_(
            s.Person.name_key.contains(key, autoescape=True),
            func.lower(s.Person.role).like(like),
            func.lower(s.Person.industry).like(like),
            func.lower(s.Person.city).like(like),
            func.lower(s.Person.notes).like(like),
            func.lower(s.Person.serves).like(like),
            func.lower(s.Person.offers).like(like),
            func.lower(s.Person.asks).like(like),
            s.Person.id.in_(
                select(s.PersonEmail.person_id).where(s.PersonEmail.email.contains(key))
            ),
            s.Person.id.in_(
                select(s.PersonTag.person_id).where(func.lower(s.PersonTag.tag) == key)
            ),
            s.Person.organization_id.in_(
                select(s.Organization.id).where(
                    s.Organization.name_key.contains(key, autoescape=True)
                )
            ),
        ),
    )
