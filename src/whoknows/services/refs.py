"""Find people, organizations and events from what a user types: id, email or a name part.

Names match the way a person means them: case, spacing and accents do not count ("tomas"
finds Tomás, "SOREN" finds Søren). An exact name wins over a part of one, and a part is the
start of words ("tom shev" is Tomás Shevchenko; "ana" is not Dana). When several
people match and exactly one of them is someone I know (a tie of mine), that one is meant;
organizations likewise, when I know people at exactly one of them. Otherwise the reference
is ambiguous, and the error carries the candidates (organization and role first) for the
CLI to offer as a numbered choice, or for a script to read.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, func, select, union_all
from sqlalchemy.orm import Session

from whoknows.errors import Ambiguous, Candidate, NotFound, UserError
from whoknows.services import validate
from whoknows.storage import schema as s

T = TypeVar("T", s.Person, s.Organization)
MAX_MATCHES = 50  # candidates listed for a choice
MAX_SCAN = 5_000  # names a part of a name may match before it must say more
# Letters that do not come apart into a base letter and an accent.
_PLAIN = str.maketrans(
    {"ø": "o", "đ": "d", "ð": "d", "ł": "l", "æ": "ae", "œ": "oe", "þ": "th", "ı": "i", "ħ": "h"}
)
# The letters a stored name may carry with an accent where the reference has none: in the
# database's LIKE pattern they match any one character, and fold() decides.
_ACCENTED = frozenset("aeiouycnszl")


def name_key(name: str) -> str:
    """The form names are stored and looked up in: case-insensitive, spacing folded.

    (Not accent-folded: organizations are unique by it, and "Café Ltd" may not be "Cafe Ltd".)
    """
    return " ".join(name.casefold().split())


def fold(name: str) -> str:
    """NAME as compared with what a person types: case, spacing and accents folded away."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", name).casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().translate(_PLAIN).split())


def _pattern(folded: str) -> str:
    """A LIKE pattern (escape "\\") finding every stored name key that may fold to start
    words with those of FOLDED, in order: a superset, which fold() then narrows."""
    words = []
    for word in folded.replace("-", " ").split():
        out = []
        for c in word:
            if c in _ACCENTED:
                out.append("_")
            elif c in "%_\\":
                out.append("\\" + c)
            else:
                out.append(c)
        words.append("".join(out))
    return "%" + "%".join(words) + "%"


def _as_id(ref: str, what: str) -> int | None:
    validate.reference(ref, f"{what} reference")
    text = ref.strip().removeprefix("#")
    return validate.row_id(text, what) if text.isascii() and text.isdigit() else None


def is_me(owner_id: int) -> ColumnElement[bool]:
    """The condition that finds me, as the partial index ix_people_one_me is written: the
    column alone, which SQLAlchemy writes "people.is_me = 1" on SQLite and "people.is_me" on
    PostgreSQL. SQLite uses a partial index only for the very same term: raw "people.is_me"
    read every person (0.2 s at a million)."""
    return and_(s.Person.owner_id == owner_id, s.Person.is_me)


def me(session: Session, owner_id: int) -> s.Person:
    found = session.scalar(select(s.Person).where(is_me(owner_id)))
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
    matches = _by_name(session, s.Person, owner_id, ref)
    if not matches:
        raise NotFound(f"nobody matches {ref!r}", hint=f"try: whoknows person find {ref!r}")
    known = _known_people(session, owner_id, matches) if len(matches) > 1 else {}
    mine = [pid for pid in matches if pid in known]
    if len(matches) == 1 or len(mine) == 1:
        found = session.get(s.Person, matches[0] if len(matches) == 1 else mine[0])
        assert found is not None  # just read in this transaction
        return found  # the one match, or the one of them I know: the one I mean
    first = sorted(matches, key=lambda pid: (-known.get(pid, -1.0), pid))[:MAX_MATCHES]
    rows = {p.id: p for p in session.scalars(select(s.Person).where(s.Person.id.in_(first)))}
    ordered = sorted(rows.values(), key=lambda p: (-known.get(p.id, -1.0), p.name_key, p.id))
    raise Ambiguous(
        "person",
        ref,
        [_label(p, p.id in known) for p in ordered],
        choices=[candidate(p) for p in ordered],
        message=_ambiguous(
            "person", ref, len(matches), [_label(p, p.id in known) for p in ordered]
        ),
        hint="pick one by its id (#ID) or email",
    )


def _ambiguous(what: str, ref: str, count: int, labels: Sequence[str]) -> str:
    shown = "; ".join(labels[:8])
    more = f"; and {count - 8} more" if count > 8 else ""
    return f"{what} {ref!r} is ambiguous, it matches {count}: {shown}{more}"


def _by_name(session: Session, table: type[T], owner_id: int, ref: str) -> list[int]:
    """The ids of TABLE's rows whose name REF names: exactly (case and spacing aside), else
    exactly with accents aside, else by the start of its words."""
    key, folded = name_key(ref), fold(ref)
    exact = list(
        session.scalars(
            select(table.id)
            .where(table.owner_id == owner_id, table.name_key == key)
            .order_by(table.id)
            .limit(MAX_SCAN)
        )
    )
    if exact or not folded:
        return exact
    # Accents aside: the database narrows by a pattern, fold() decides (a scan, as any
    # search for a part of a name is; the exact lookup above uses the index).
    found = session.execute(
        select(table.id, table.name_key)
        .where(table.owner_id == owner_id)
        .where(table.name_key.like(_pattern(folded), escape="\\"))
        .order_by(table.id)
    )
    same, part = [], []
    for row_id, stored in found:
        name = fold(stored)
        if name == folded:
            same.append(row_id)
        elif _starts_words(folded, name):
            part.append(row_id)
    if not same and len(part) > MAX_SCAN:
        raise UserError(
            f"{len(part):,} names contain {ref!r}", hint="give more of the name, an email or an id"
        )
    return same or part


def _my_ties(owner_id: int, me_id: int) -> Any:
    """My ties as (peer, strength) rows: one indexed lookup per side, never an OR over all."""
    t = s.Tie
    strength = func.coalesce(t.strength, 0.0).label("strength")
    return union_all(
        select(t.person_b_id.label("peer"), strength).where(
            t.owner_id == owner_id, t.person_a_id == me_id
        ),
        select(t.person_a_id.label("peer"), strength).where(
            t.owner_id == owner_id, t.person_b_id == me_id
        ),
    ).subquery()


def _me_id(session: Session, owner_id: int) -> int | None:
    found: int | None = session.scalar(select(s.Person.id).where(is_me(owner_id)))
    return found


def _starts_words(folded: str, name: str) -> bool:
    """Whether every word typed starts a word of NAME, in order ("tom shev" is Tomás
    Shevchenko; "ana" is Ana Lima, not Dana Okafor)."""
    words = name.replace("-", " ").split()
    at = 0
    for typed in folded.replace("-", " ").split():
        while at < len(words) and not words[at].startswith(typed):
            at += 1
        if at == len(words):
            return False
        at += 1
    return True


def _known_people(session: Session, owner_id: int, ids: Sequence[int]) -> dict[int, float]:
    """Those of IDS with a tie to me, and its strength (0 when not recorded)."""
    mine = _me_id(session, owner_id)
    if mine is None or not ids:
        return {}
    ties = _my_ties(owner_id, mine)
    rows = session.execute(select(ties.c.peer, ties.c.strength).where(ties.c.peer.in_(ids)))
    return {int(peer): float(st) for peer, st in rows}


def candidate(p: s.Person) -> Candidate:
    """PERSON as a choice to offer: id, name, organization and role."""
    return Candidate(p.id, p.name, p.organization.name if p.organization else None, p.role)


def _label(p: s.Person, known: bool = False) -> str:
    """ "#12 Dana Jones (Operations Director at Ferro Ltd, dana@ferro.test; you know them)"."""
    org = p.organization.name if p.organization else None
    where = " at ".join(x for x in (p.role, org) if x)
    extra = [x for x in (where, p.emails[0].email if p.emails else None) if x]
    if known:
        extra.append("you know them")
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
    matches = _by_name(session, s.Organization, owner_id, ref)
    if not matches:
        raise NotFound(f"no organization matches {ref!r}", hint="see: whoknows org list")
    known = _known_at(session, owner_id, matches) if len(matches) > 1 else {}
    mine = [oid for oid in matches if known.get(oid)]
    if len(matches) == 1 or len(mine) == 1:
        found = session.get(s.Organization, matches[0] if len(matches) == 1 else mine[0])
        assert found is not None  # just read in this transaction
        return found  # the one match, or the one where I know people: the one I mean
    first = sorted(matches, key=lambda oid: (-known.get(oid, 0), oid))[:MAX_MATCHES]
    orgs = session.scalars(select(s.Organization).where(s.Organization.id.in_(first)))
    ordered = sorted(orgs, key=lambda o: (-known.get(o.id, 0), o.name_key, o.id))
    labels = [_org_label(o, known.get(o.id, 0)) for o in ordered]
    raise Ambiguous(
        "organization",
        ref,
        labels,
        choices=[Candidate(o.id, o.name, None, o.industry) for o in ordered],
        message=_ambiguous("organization", ref, len(matches), labels),
        hint=f"pick one by its id, e.g. org:#{ordered[0].id}",
    )


def _known_at(session: Session, owner_id: int, ids: Sequence[int]) -> dict[int, int]:
    """Per organization of IDS, how many people I know (a tie of mine) work there."""
    mine = _me_id(session, owner_id)
    if mine is None or not ids:
        return {}
    p, ties = s.Person, _my_ties(owner_id, mine)
    rows = session.execute(
        select(p.organization_id, func.count(p.id))
        .join(ties, ties.c.peer == p.id)
        .where(p.owner_id == owner_id, p.organization_id.in_(ids))
        .group_by(p.organization_id)
    )
    return {int(org): int(n) for org, n in rows if org is not None}


def _org_label(o: s.Organization, known: int) -> str:
    extra = [x for x in (o.industry, o.city) if x]
    if known:
        extra.append(f"you know {known} {'person' if known == 1 else 'people'} there")
    return f"#{o.id} {o.name}" + (f" ({', '.join(extra)})" if extra else "")


def event(session: Session, owner_id: int, ref: str) -> s.Event:
    """The one event REF names: an id, or an unambiguous part of its name (newest wins ties)."""
    event_id = _as_id(ref, "event")
    if event_id is not None:
        found = session.get(s.Event, event_id)
        if found is None or found.owner_id != owner_id:
            raise NotFound(f"no event with id {event_id}", hint="see: whoknows event list")
        return found
    key, folded = name_key(ref), fold(ref)
    candidates = session.scalars(
        select(s.Event).where(s.Event.owner_id == owner_id).order_by(s.Event.date.desc())
    ).all()
    exact = [e for e in candidates if name_key(e.name) == key]
    same = exact or [e for e in candidates if fold(e.name) == folded]
    matches = same or [e for e in candidates if folded and folded in fold(e.name)]
    if not matches:
        raise NotFound(f"no event matches {ref!r}", hint=f'create it: whoknows event add "{ref}"')
    if len(matches) > 1:
        raise Ambiguous("event", ref, [f"#{e.id} {e.name} ({e.date})" for e in matches])
    return matches[0]
