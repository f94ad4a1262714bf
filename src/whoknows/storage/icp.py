"""The ideal client profile's row: one JSON value in the owner's settings (read and written in
the caller's transaction)."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from whoknows.core.icp import Profile
from whoknows.storage import schema as s

KEY = "icp"


def load(session: Session, owner_id: int) -> Profile:
    row = session.get(s.Setting, (owner_id, KEY))
    if row is None:
        return Profile()
    data = json.loads(row.value)
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
    row = session.get(s.Setting, (owner_id, KEY))
    if row is None:
        session.add(s.Setting(owner_id=owner_id, key=KEY, value=value))
    else:
        row.value = value
