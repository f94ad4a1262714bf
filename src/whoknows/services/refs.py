"""Find people, organizations and events from what a user types: id, email or a name part."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from whoknows.errors import Ambiguous, Candidate, NotFound, UserError
from whoknows.services import validate
from whoknows.storage import schema as s


def name_key(name: str) -> str:
    """The form names are matched in: case-insensitive, spacing folded."""
    return " ".join(name.casefold().split())


def _as_id(ref: str, what: str) -> int | None:
    validate.reference(ref, f"{what} reference")
    text = ref.strip().removeprefix("#")
    return validate.row_id(text, what) if text.isascii() and text.isdigit() else None


def me(session: Session, owner_id: int) -> s.Person:
    # "is_me" alone, not "is_me = 1": SQLite uses the partial index ix_people_one_me (WHERE
    # is_me) only for the very same term; otherwise it reads every person of the owner.
    found = session.scalar(
        select(s.Person).where(s.Person.owner_id == owner_id, text("people.is_me"))
    )
    if found is None:
        raise UserError("who you are is not set yet", hint='run: whoknows me "Your Name"')
    return found


def person(session: Session, owner_id: int, ref: str) -> s.Person:
    """The one person REF names: "me", an id, an email, or an unambiguous part of a name."""
    if not ref.strip():
        raise UserError("empty person reference", hint="give an id, an email or a name")
    if ref.strip().casefold() == "me":
        return me(session, owner_id)
    person_id = _as_id(ref, "person")
    if person_id is not None:
        found = session.get(s.Person, person_id)
        if found is None or found.owner_id != owner_id:
            raise NotFound(f"no person with id {person_id}", hint="see: whoknows person list")
        return found
    if "@" in ref and " " not in ref.strip():
        address = validate.email(ref)
        found = session.scalar(
            select(s.Person)
            .join(s.PersonEmail, s.PersonEmail.person_id == s.Person.id)
            .where(s.PersonEmail.owner_id == owner_id, s.PersonEmail.email == address)
        )
        if found is None:
            raise NotFound(f"no person with email {address}", hint="see: whoknows person find")
        return found
    key = name_key(ref)
    base = select(s.Person).where(s.Person.owner_id == owner_id)
    exact = session.scalars(base.where(s.Person.name_key == key).limit(50)).all()
    if len(exact) == 1:
        return exact[0]
    matches = (
        exact
        or session.scalars(
            base.where(s.Person.name_key.contains(key, autoescape=True))
            .order_by(s.Person.id)
            .limit(50)
        ).all()
    )
    if not matches:
        raise NotFound(f"nobody matches {ref!r}", hint=f"try: whoknows person find {ref!r}")
    if len(matches) > 1:
        raise Ambiguous(
            "person", ref, [_label(p) for p in matches], choices=[candidate(p) for p in matches]
        )
    return matches[0]


def candidate(p: s.Person) -> Candidate:
    """PERSON as a choice to offer: id, name, organization and role."""
    return Candidate(p.id, p.name, p.organization.name if p.organization else None, p.role)


def _label(p: s.Person) -> str:
    extra = [x for x in (p.organization.name if p.organization else None,) if x]
    if p.emails:
        extra.append(p.emails[0].email)
    return f"#{p.id} {p.name}" + (f" ({', '.join(extra)})" if extra else "")


def organization(session: Session, owner_id: int, ref: str) -> s.Organization:
    """The one organization REF names: an id, the name, or an unambiguous part of it."""
    ref = ref.removeprefix("org:")
    org_id = _as_id(ref, "organization")
    if org_id is not None:
        found = session.get(s.Organization, org_id)
        if found is None or found.owner_id != owner_id:
            raise NotFound(f"no organization with id {org_id}", hint="see: whoknows org list")
        return found
    key = name_key(ref)
    base = select(s.Organization).where(s.Organization.owner_id == owner_id)
    exact = session.scalar(base.where(s.Organization.name_key == key))
    if exact is not None:
        return exact
    matches = session.scalars(
        base.where(s.Organization.name_key.contains(key, autoescape=True))
        .order_by(s.Organization.id)
        .limit(50)
    ).all()
    if not matches:
        raise NotFound(f"no organization matches {ref!r}", hint="see: whoknows org list")
    if len(matches) > 1:
        raise Ambiguous("organization", ref, [f"#{o.id} {o.name}" for o in matches])
    return matches[0]


def event(session: Session, owner_id: int, ref: str) -> s.Event:
    """The one event REF names: an id, or an unambiguous part of its name (newest wins ties)."""
    event_id = _as_id(ref, "event")
    if event_id is not None:
        found = session.get(s.Event, event_id)
        if found is None or found.owner_id != owner_id:
            raise NotFound(f"no event with id {event_id}", hint="see: whoknows event list")
        return found
    key = name_key(ref)
    candidates = session.scalars(
        select(s.Event).where(s.Event.owner_id == owner_id).order_by(s.Event.date.desc())
    ).all()
    exact = [e for e in candidates if name_key(e.name) == key]
    matches = exact or [e for e in candidates if key in name_key(e.name)]
    if not matches:
        raise NotFound(f"no event matches {ref!r}", hint=f'create it: whoknows event add "{ref}"')
    if len(matches) > 1:
        raise Ambiguous("event", ref, [f"#{e.id} {e.name} ({e.date})" for e in matches])
    return matches[0]
