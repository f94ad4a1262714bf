"""The member's side of team mode in the store: sharing choices, the link, the push manifest,
and the one query the shareable projection reads (all in the caller's transaction)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from sqlalchemy import delete, exists, func, insert, select, union_all
from sqlalchemy.orm import Session

from whoknows.core.identity import org_key
from whoknows.storage import schema as s

LEVEL = "team_level"  # the settings row of the sharing level (core.sharing.Level)
_BATCH = 5_000


SPHERE = "team_sphere"  # whether pushes share my contact sphere: "share" or "keep"


def _setting(session: Session, owner: int, key: str) -> str | None:
    row = session.get(s.Setting, (owner, key))
    return row.value if row is not None else None


def _set_setting(session: Session, owner: int, key: str, value: str) -> None:
    row = session.get(s.Setting, (owner, key))
    if row is None:
        session.add(s.Setting(owner_id=owner, key=key, value=value))
    else:
        row.value = value


def level(session: Session, owner: int) -> str | None:
    return _setting(session, owner, LEVEL)


def set_level(session: Session, owner: int, value: str) -> None:
    _set_setting(session, owner, LEVEL, value)


def sphere_choice(session: Session, owner: int) -> str | None:
    return _setting(session, owner, SPHERE)


def set_sphere_choice(session: Session, owner: int, value: str) -> None:
    _set_setting(session, owner, SPHERE, value)


# -- private people ---------------------------------------------------------------------


def is_private(session: Session, owner: int, person_id: int) -> bool:
    found = session.scalar(
        select(s.TeamPrivate.id).where(
            s.TeamPrivate.owner_id == owner, s.TeamPrivate.person_id == person_id
        )
    )
    return found is not None


def set_private(session: Session, owner: int, person_id: int, private: bool) -> bool:
    """Flag (or unflag) a person; whether that changed anything."""
    was = is_private(session, owner, person_id)
    if private and not was:
        session.add(s.TeamPrivate(owner_id=owner, person_id=person_id))
    elif was and not private:
        session.execute(
            delete(s.TeamPrivate).where(
                s.TeamPrivate.owner_id == owner, s.TeamPrivate.person_id == person_id
            )
        )
    return was != private


def private_people(session: Session, owner: int) -> list[tuple[int, str]]:
    """(id, name) of the people flagged private, by name."""
    rows = session.execute(
        select(s.Person.id, s.Person.name)
        .where(
            s.Person.owner_id == owner,
            s.Person.id.in_(select(s.TeamPrivate.person_id).where(s.TeamPrivate.owner_id == owner)),
        )
        .order_by(s.Person.name_key, s.Person.id)
    )
    return [(pid, name) for pid, name in rows]


# -- blocked organizations --------------------------------------------------------------


def blocked(session: Session, owner: int) -> dict[str, str]:
    """Blocked organizations: matching form → the name as given, by name."""
    rows = session.execute(
        select(s.TeamBlocked.org_key, s.TeamBlocked.name)
        .where(s.TeamBlocked.owner_id == owner)
        .order_by(s.TeamBlocked.org_key)
    )
    return dict(rows.all())


def set_blocked(session: Session, owner: int, name: str, block: bool) -> bool:
    """Block (or unblock) an organization by name; whether that changed anything."""
    key = org_key(name)
    if key is None:
        return False
    row = session.get(s.TeamBlocked, (owner, key))
    if block and row is None:
        session.add(s.TeamBlocked(owner_id=owner, org_key=key, name=name))
        return True
    if not block and row is not None:
        session.delete(row)
        return True
    return False


# -- the link to a team server and the push manifest ------------------------------------


def link(session: Session, owner: int) -> s.TeamLink | None:
    return session.get(s.TeamLink, owner)


def save_link(session: Session, owner: int, **values: object) -> s.TeamLink:
    """Join (or join again): a new link starts with no version and an empty manifest."""
    session.execute(delete(s.TeamManifest).where(s.TeamManifest.owner_id == owner))
    session.execute(delete(s.TeamLink).where(s.TeamLink.owner_id == owner))
    row = s.TeamLink(owner_id=owner, version=None, pushed_level=None, **values)
    session.add(row)
    session.flush()
    return row


def forget_link(session: Session, owner: int) -> bool:
    session.execute(delete(s.TeamManifest).where(s.TeamManifest.owner_id == owner))
    had = session.get(s.TeamLink, owner) is not None
    session.execute(delete(s.TeamLink).where(s.TeamLink.owner_id == owner))
    return had


def manifest(session: Session, owner: int) -> dict[str, str]:
    """key → digest of what the last push sent."""
    rows = session.execute(
        select(s.TeamManifest.key, s.TeamManifest.digest).where(s.TeamManifest.owner_id == owner)
    )
    return dict(rows.all())


def save_manifest(
    session: Session,
    owner: int,
    sent: Mapping[str, str],
    removed: Iterable[str],
    *,
    complete: bool,
) -> None:
    """Record a push the server took: SENT (key → digest) now stands, REMOVED is gone;
    COMPLETE: SENT is everything."""
    if complete:
        session.execute(delete(s.TeamManifest).where(s.TeamManifest.owner_id == owner))
    else:
        gone = [*removed, *sent]
        for start in range(0, len(gone), _BATCH):
            session.execute(
                delete(s.TeamManifest).where(
                    s.TeamManifest.owner_id == owner,
                    s.TeamManifest.key.in_(gone[start : start + _BATCH]),
                )
            )
    rows = [{"owner_id": owner, "key": k, "digest": d} for k, d in sent.items()]
    for start in range(0, len(rows), _BATCH):
        session.execute(insert(s.TeamManifest), rows[start : start + _BATCH])


# -- the projection's one query ----------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A person of the network with what a projection may take from them."""

    person_id: int
    name: str
    role: str | None
    organization: str | None
    email: str | None
    linkedin: str | None
    phone: str | None
    private: bool


def tied_people(
    session: Session, owner: int, me_id: int | None, person_id: int | None = None
) -> Iterator[Row]:
    """Everyone I have a tie with (everyone, when ME_ID is None; only PERSON_ID, when given),
    with their first email, LinkedIn profile and phone, their organization and whether they
    are private: one query, streamed."""
    p, o = s.Person, s.Organization
    email = (
        select(s.PersonEmail.email)
        .where(s.PersonEmail.person_id == p.id)
        .order_by(s.PersonEmail.position, s.PersonEmail.id)
        .limit(1)
        .scalar_subquery()
    )
    profile = (
        select(s.PersonLink.url)
        .where(s.PersonLink.person_id == p.id, s.PersonLink.kind == "linkedin")
        .order_by(s.PersonLink.id)
        .limit(1)
        .scalar_subquery()
    )
    phone = (
        select(s.PersonPhone.phone)
        .where(s.PersonPhone.person_id == p.id)
        .order_by(s.PersonPhone.position, s.PersonPhone.id)
        .limit(1)
        .scalar_subquery()
    )
    flagged = exists().where(s.TeamPrivate.person_id == p.id)
    query = (
        select(p.id, p.name, p.role, o.name, email, profile, phone, flagged)
        .outerjoin(o, o.id == p.organization_id)
        .where(p.owner_id == owner)
        .order_by(p.id)
    )
    if me_id is not None:
        mine = union_all(
            select(s.Tie.person_b_id).where(s.Tie.owner_id == owner, s.Tie.person_a_id == me_id),
            select(s.Tie.person_a_id).where(s.Tie.owner_id == owner, s.Tie.person_b_id == me_id),
        )
        query = query.where(p.id.in_(mine))
    if person_id is not None:
        query = query.where(p.id == person_id)
    for row in session.execute(query.execution_options(yield_per=_BATCH)):
        pid, name, role, org, email, profile, phone, flagged_ = row
        yield Row(pid, name, role, org, email, profile, phone, bool(flagged_))


def count_people(session: Session, owner: int) -> int:
    return (
        session.scalar(select(func.count()).select_from(s.Person).where(s.Person.owner_id == owner))
        or 0
    )


def set_pushed(session: Session, owner: int, version: int, level: str) -> None:
    """What the server holds after a push: its version, at which level."""
    row = session.get(s.TeamLink, owner)
    if row is not None:
        row.version = version
        row.pushed_level = level


PULLED = "team_pulled"  # the settings row: server request id → local introduction id


def pulled(session: Session, owner: int) -> dict[str, int | None]:
    row = session.get(s.Setting, (owner, PULLED))
    found = json.loads(row.value) if row is not None else {}
    return found if isinstance(found, dict) else {}


def set_pulled(session: Session, owner: int, value: Mapping[str, int | None]) -> None:
    text = json.dumps(dict(value), sort_keys=True)
    row = session.get(s.Setting, (owner, PULLED))
    if row is None:
        session.add(s.Setting(owner_id=owner, key=PULLED, value=text))
    else:
        row.value = text
