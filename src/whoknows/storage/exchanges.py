"""The ledger's rows (exchanges: who gave whom what, when): written, and mine read."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from whoknows.storage import schema as s


def add(session: Session, owner_id: int, **values: object) -> s.Exchange:
    """A new ledger entry, flushed (it has its id)."""
    row = s.Exchange(owner_id=owner_id, **values)
    session.add(row)
    session.flush()
    return row


def mine(
    session: Session, owner_id: int, me_id: int, person_id: int | None = None
) -> list[s.Exchange]:
    """What I gave and received, oldest first; PERSON_ID: only with them."""
    e = s.Exchange
    query = select(e).where(
        e.owner_id == owner_id, or_(e.giver_id == me_id, e.receiver_id == me_id)
    )
    if person_id is not None:
        query = query.where(or_(e.giver_id == person_id, e.receiver_id == person_id))
    return list(session.scalars(query.order_by(e.date, e.id)))


def unthanked_from(session: Session, owner_id: int, giver_id: int, me_id: int) -> list[s.Exchange]:
    """What GIVER_ID gave me that I have not thanked them for yet."""
    e = s.Exchange
    return list(
        session.scalars(
            select(e).where(
                e.owner_id == owner_id,
                e.giver_id == giver_id,
                e.receiver_id == me_id,
                e.thanked_on.is_(None),
            )
        )
    )
