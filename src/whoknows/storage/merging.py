"""Folding one person's rows into another's (a merge): emails, phones, tags, ties,
interactions, events, review pairs and every other row that points at them, in a few
set-wise statements of the caller's transaction."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Column, Table, bindparam, delete, select, update
from sqlalchemy.orm import Session

from whoknows.storage import schema as s

# Tables with uniqueness that a plain re-pointing would break; handled one by one below.
# Every other foreign key to people.id (including those later issues add) is re-pointed as is.
_SPECIAL = {
    "people",
    "person_emails",
    "person_phones",
    "person_tags",
    "ties",
    "interaction_people",
    "event_attendees",
    "merge_candidates",
}


def fold_into(session: Session, keep: s.Person, other: s.Person) -> None:
    """OTHER's rows become KEEP's, and OTHER is deleted (KEEP is me if OTHER was)."""
    _merge_contacts(session, keep, other)
    _merge_ties(session, keep.id, other.id)
    _merge_memberships(session, keep.id, other.id)
    _merge_pairs(session, keep.id, other.id)
    for table, column in people_foreign_keys():
        if table.name not in _SPECIAL:
            session.execute(update(table).where(column == other.id).values({column.name: keep.id}))
    was_me = other.is_me
    session.delete(other)
    session.flush()
    if was_me:
        keep.is_me = True
    session.flush()
    session.refresh(keep)


def people_foreign_keys() -> list[tuple[Table, Column[Any]]]:
    """Every (table, column) whose foreign key points at people.id."""
    found: list[tuple[Table, Column[Any]]] = []
    for table in s.Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "people" and fk.column.name == "id":
                found.append((table, fk.parent))
    return found


def _merge_contacts(session: Session, keep: s.Person, other: s.Person) -> None:
    emails = [e.email for e in other.emails]
    phones = [p.phone for p in other.phones]
    tags = [t.tag for t in other.tags]
    other.emails.clear()
    other.phones.clear()
    other.tags.clear()
    session.flush()
    known = {e.email for e in keep.emails}
    keep.emails.extend(
        s.PersonEmail(owner_id=keep.owner_id, email=e, position=len(keep.emails) + i)
        for i, e in enumerate(x for x in emails if x not in known)
    )
    known = {p.phone for p in keep.phones}
    keep.phones.extend(
        s.PersonPhone(owner_id=keep.owner_id, phone=p, position=len(keep.phones) + i)
        for i, p in enumerate(x for x in phones if x not in known)
    )
    known = {t.tag for t in keep.tags}
    keep.tags.extend(s.PersonTag(owner_id=keep.owner_id, tag=t) for t in tags if t not in known)


def _merge_ties(session: Session, keep_id: int, other_id: int) -> None:
    """OTHER's ties become KEEP's; a peer both knew keeps one tie (the strongest, widest).

    A few set-wise statements, whatever the number of ties (a merge is a click in review)."""
    session.flush()
    theirs = session.execute(
        select(s.Tie.id, s.Tie.person_a_id, s.Tie.person_b_id, s.Tie.strength, s.Tie.since,
               s.Tie.last_seen)
        .where((s.Tie.person_a_id == other_id) | (s.Tie.person_b_id == other_id))
    ).all()  # fmt: skip
    peers = {(t.person_b_id if t.person_a_id == other_id else t.person_a_id): t for t in theirs}
    mine = {}
    for start in range(0, len(peers), 500):
        chunk = [p for p in list(peers)[start : start + 500] if p != keep_id]
        for tie in session.execute(
            select(s.Tie.id, s.Tie.person_a_id, s.Tie.person_b_id, s.Tie.strength, s.Tie.since,
                   s.Tie.last_seen)
            .where(
                ((s.Tie.person_a_id == keep_id) & s.Tie.person_b_id.in_(chunk))
                | ((s.Tie.person_b_id == keep_id) & s.Tie.person_a_id.in_(chunk))
            )
        ):  # fmt: skip
            mine[tie.person_b_id if tie.person_a_id == keep_id else tie.person_a_id] = tie
    gone = [t.id for p, t in peers.items() if p == keep_id or p in mine]
    widened = [
        {
            "tid": mine[p].id,
            "new_strength": max(filter(None, (mine[p].strength, t.strength)), default=None),
            "new_since": min(filter(None, (mine[p].since, t.since)), default=None),
            "new_last": max(filter(None, (mine[p].last_seen, t.last_seen)), default=None),
        }
        for p, t in peers.items()
        if p in mine
    ]
    moved = [
        {"tid": t.id, "low": min(keep_id, p), "high": max(keep_id, p)}
        for p, t in peers.items()
        if p != keep_id and p not in mine
    ]
    table = cast(Table, s.Tie.__table__)
    if gone:
        session.execute(delete(s.Tie).where(s.Tie.id.in_(gone)))
    if widened:
        session.execute(
            update(table)
            .where(table.c.id == bindparam("tid"))
            .values(
                strength=bindparam("new_strength"),
                since=bindparam("new_since"),
                last_seen=bindparam("new_last"),
            ),
            widened,
        )
    if moved:
        session.execute(
            update(table)
            .where(table.c.id == bindparam("tid"))
            .values(person_a_id=bindparam("low"), person_b_id=bindparam("high")),
            moved,
        )
    session.expire_all()


def _merge_memberships(session: Session, keep_id: int, other_id: int) -> None:
    shared = select(s.InteractionPerson.interaction_id).where(
        s.InteractionPerson.person_id == keep_id
    )
    session.execute(
        delete(s.InteractionPerson).where(
            s.InteractionPerson.person_id == other_id,
            s.InteractionPerson.interaction_id.in_(shared),
        )
    )
    session.execute(
        update(s.InteractionPerson)
        .where(s.InteractionPerson.person_id == other_id)
        .values(person_id=keep_id)
    )
    for attendee in session.scalars(
        select(s.EventAttendee).where(s.EventAttendee.person_id == other_id)
    ).all():
        mine = session.get(s.EventAttendee, (attendee.event_id, keep_id))
        if mine is None:
            session.execute(
                update(s.EventAttendee)
                .where(
                    s.EventAttendee.event_id == attendee.event_id,
                    s.EventAttendee.person_id == other_id,
                )
                .values(person_id=keep_id)
            )
        else:
            mine.gets_it = mine.gets_it or attendee.gets_it
            mine.note = mine.note or attendee.note
            session.delete(attendee)
    session.flush()


def _merge_pairs(session: Session, keep_id: int, other_id: int) -> None:
    """Pairs to review with OTHER become KEEP's; the pair of the two themselves is decided."""
    pairs = session.scalars(
        select(s.MergeCandidate).where(
            (s.MergeCandidate.a_id == other_id) | (s.MergeCandidate.b_id == other_id)
        )
    ).all()
    for pair in pairs:
        peer = pair.b_id if pair.a_id == other_id else pair.a_id
        if peer == keep_id:
            session.delete(pair)
            continue
        low, high = sorted((keep_id, peer))
        existing = session.scalar(
            select(s.MergeCandidate).where(
                s.MergeCandidate.owner_id == pair.owner_id,
                s.MergeCandidate.a_id == low,
                s.MergeCandidate.b_id == high,
            )
        )
        if existing is None:
            pair.a_id, pair.b_id = low, high
            continue
        if pair.status == "distinct":
            existing.status = "distinct"
        session.delete(pair)
    session.flush()
