"""The ideal client profile's row: one JSON value in the owner's settings (read and written in
the caller's transaction)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from whoknows.core.icp import Profile
from whoknows.storage import plain

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

KEY = "icp"


def load(session: Session, owner_id: int) -> Profile:
    session.flush()  # a profile just saved in this transaction is read back
    return read(plain.over(session.connection()), owner_id)


def read(reader: plain.Reader, owner_id: int) -> Profile:
    """The profile, in plain SQL (no SQLAlchemy: path and advocates read it so)."""
    value = reader.scalar(
        "SELECT value FROM settings WHERE owner_id = ? AND key = ?", (owner_id, KEY)
    )
    if value is None:
        return Profile()
    data = json.loads(value)
    return Profile(
        industries=tuple(data.get("industries", ())),
        roles=tuple(data.get("roles", ())),
        cities=tuple(data.get("cities", ())),
        min_org_size=data.get("min_org_size"),
        max_org_size=data.get("max_org_size"),
        tags=tuple(data.get("tags", ())),
    )


def save(session: Session, owner_id: int, profile: Profile) -> None:
    value = json.dumps(
        {
            "industries": list(profile.industries),
            "roles": list(profile.roles),
            "cities": list(profile.cities),
            "min_org_size": profile.min_org_size,
            "max_org_size": profile.max_org_size,
            "tags": list(profile.tags),
        },
        ensure_ascii=False,
    )
    from whoknows.storage import schema as s

    row = session.get(s.Setting, (owner_id, KEY))
    if row is None:
        session.add(s.Setting(owner_id=owner_id, key=KEY, value=value))
    else:
        row.value = value
