"""The identity engine's questions (core.identity.People) answered over the store with a few
indexed queries, for one arriving person at a time; and the pairs it opens queued."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from whoknows.core import identity
from whoknows.core.identity import Key, Known, Match
from whoknows.storage import schema as s
from whoknows.storage.people_index import own_uid_prefix


class StoredPeople:
    """identity.People over the store, for one arrival at a time."""

    def __init__(self, session: Session, owner_id: int) -> None:
        self.session, self.owner_id = session, owner_id

    def find(self, kind: Key, value: str) -> Sequence[int]:
        owner = self.owner_id
        if kind is Key.UID and value.startswith(prefix := own_uid_prefix(self.session, owner)):
            found = self.session.get(s.Person, int(value[len(prefix) :] or 0))
            return [found.id] if found is not None and found.owner_id == owner else []
        if kind is Key.EMAIL:
            query = select(s.PersonEmail.person_id).where(
                s.PersonEmail.owner_id == owner, s.PersonEmail.email == value
            )
        elif kind is Key.PHONE:
            query = select(s.PersonPhone.person_id).where(
                s.PersonPhone.owner_id == owner, s.PersonPhone.phone == value
            )
        elif kind is Key.LINKEDIN:
            query = select(s.PersonLink.person_id).where(
                s.PersonLink.owner_id == owner,
                s.PersonLink.kind == "linkedin",
                s.PersonLink.url == value,
            )
        elif kind is Key.WEBSITE:
            rows = self.session.execute(
                select(s.PersonLink.person_id, s.PersonLink.url).where(
                    s.PersonLink.owner_id == owner,
                    s.PersonLink.kind != "linkedin",
                    s.PersonLink.url.contains(value.split("/", 1)[0], autoescape=True),
                )
            )
            return list(dict.fromkeys(p for p, url in rows if identity.website(url) == value))
        else:
            query = select(s.PersonKey.person_id).where(
                s.PersonKey.owner_id == owner,
                s.PersonKey.kind == kind.value,
                s.PersonKey.value == value,
            )
        return list(dict.fromkeys(self.session.scalars(query)))

    def block(self, block: str) -> Sequence[int]:
        kind, _, rest = block.partition("\x00")
        owner = self.owner_id
        if kind in ("n", "u"):  # (people with a profile are left out by the engine itself)
            return list(
                self.session.scalars(
                    select(s.Person.id)
                    .where(s.Person.owner_id == owner, s.Person.name_fold == rest)
                    .limit(500)
                )
            )
        org_key, _, last = rest.partition("\x00")
        orgs = [
            org_id
            for org_id, name in self.session.execute(
                select(s.Organization.id, s.Organization.name).where(
                    s.Organization.owner_id == owner,
                    s.Organization.name_key.contains(org_key.split()[0], autoescape=True),
                )
            )
            if identity.org_key(name) == org_key
        ]
        if not orgs:
            return []
        return [
            pid
            for pid, fold in self.session.execute(
                select(s.Person.id, s.Person.name_fold).where(s.Person.organization_id.in_(orgs))
            )
            if fold and fold.split()[-1:] == [last]
        ]

    def count(self, block: str) -> int:
        return len(self.block(block))

    def linked(self, person_ids: Iterable[int]) -> set[int]:
        ids = list(dict.fromkeys(person_ids))
        if not ids:
            return set()
        return set(
            self.session.scalars(
                select(s.PersonLink.person_id).where(
                    s.PersonLink.person_id.in_(ids), s.PersonLink.kind == "linkedin"
                )
            )
        )

    def known(self, person_ids: Iterable[int]) -> dict[int, Known]:
        ids = list(dict.fromkeys(person_ids))
        if not ids:
            return {}
        linked = set(
            self.session.scalars(
                select(s.PersonLink.person_id).where(
                    s.PersonLink.person_id.in_(ids), s.PersonLink.kind == "linkedin"
                )
            )
        )
        scopes: dict[int, set[str]] = {}
        for pid, scope in self.session.execute(
            select(s.PersonKey.person_id, s.PersonKey.scope).where(
                s.PersonKey.person_id.in_(ids), s.PersonKey.kind == Key.UID.value
            )
        ):
            scopes.setdefault(pid, set()).add(scope or "")
        found = {}
        for pid, fold, name, is_me, org in self.session.execute(
            select(
                s.Person.id, s.Person.name_fold, s.Person.name, s.Person.is_me, s.Organization.name
            )
            .outerjoin(s.Organization, s.Organization.id == s.Person.organization_id)
            .where(s.Person.id.in_(ids), s.Person.owner_id == self.owner_id)
        ):
            found[pid] = Known(
                pid,
                fold or identity.name_key(name),
                identity.org_key(org),
                has_linkedin=pid in linked,
                uid_scopes=frozenset(scopes.get(pid, ())),
                is_me=bool(is_me),
            )
        return found


def queue(
    session: Session, owner_id: int, person_id: int, review: Iterable[Match], on: dt.date
) -> int:
    """Keep the pairs to review that a new person opened (a pair already known stays as is)."""
    added = 0
    c = s.MergeCandidate
    for match in review:
        low, high = sorted((person_id, match.person_id))
        if low == high:
            continue
        exists = session.scalar(
            select(c.id).where(c.owner_id == owner_id, c.a_id == low, c.b_id == high)
        )
        if exists is None:
            session.add(
                c(
                    owner_id=owner_id,
                    a_id=low,
                    b_id=high,
                    score=match.score,
                    rule=match.rule[:30],
                    reason=match.reason,
                    status="open",
                    created_on=on,
                )
            )
            added += 1
    session.flush()
    return added
