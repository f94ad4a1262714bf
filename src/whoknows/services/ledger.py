"""The Give/Get ledger: who gave whom what, and when."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from whoknows.errors import UserError
from whoknows.services.store import Store
from whoknows.storage import schema as s

KINDS = (
    "introduction",
    "referral",
    "information",
    "recommendation",
    "testimonial",
    "help",
    "business",
)


def check_kind(kind: str) -> str:
    value = kind.strip().lower()
    if value not in KINDS:
        raise UserError(f"kind {kind!r} is not known", hint=f"use one of: {', '.join(KINDS)}")
    return value


def record(
    session: Session,
    store: Store,
    *,
    giver_id: int,
    receiver_id: int,
    kind: str,
    on: dt.date,
    note: str | None = None,
    value: Decimal | None = None,
    currency: str | None = None,
    other_id: int | None = None,
    introduction_id: int | None = None,
    referral_id: int | None = None,
) -> s.Exchange:
    """Write one ledger entry inside the caller's transaction (the one way entries are made)."""
    if giver_id == receiver_id:
        raise UserError("someone cannot give to themselves", hint="name two different people")
    row = s.Exchange(
        owner_id=store.owner_id,
        giver_id=giver_id,
        receiver_id=receiver_id,
        kind=check_kind(kind),
        date=on,
        note=note,
        value=value,
        currency=currency if value is not None else None,
        other_id=other_id,
        introduction_id=introduction_id,
        referral_id=referral_id,
    )
    session.add(row)
    session.flush()
    return row
