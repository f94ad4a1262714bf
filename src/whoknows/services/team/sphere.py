"""My contact sphere in a chapter, shared by choice: whom I serve (my brief's "For whom") and
my ideal clients (the profile's industries, roles and tags), sent with `whoknows team push`.

Nothing is sent until I choose to share (`whoknows team power-team --share`); choosing to keep
it (`--keep`) sends an empty sphere with the next push, which removes it from the server.
Notes, names and the rest of the brief never leave. The server suggests my power team from the
spheres the members shared (teamserver/chapter_power.py).
"""

from __future__ import annotations

from typing import Any

import httpx

from whoknows.errors import UserError
from whoknows.services import brief
from whoknows.services.store import Store
from whoknows.services.team.chapter import _get
from whoknows.storage import icp as icp_rows
from whoknows.storage import team as rows


def _choice(store: Store) -> bool | None:
    """True when I share my sphere, False when I chose not to, None when never asked."""
    with store.read() as session:
        value = rows.sphere_choice(session, store.owner_id)
    return None if value is None else value == "share"


def choose(store: Store, share: bool) -> dict[str, Any]:
    """Share my sphere with the next push, or keep it (the next push removes it)."""
    with store.write(counted=False) as session:
        rows.set_sphere_choice(session, store.owner_id, "share" if share else "keep")
    return mine(store)


def mine(store: Store) -> dict[str, Any]:
    """What my sphere holds here, and whether the next push shares it."""
    shared = _choice(store)
    with store.read() as session:
        profile = icp_rows.load(session, store.owner_id)
    try:
        serves = brief.show(store).for_whom or ""
    except UserError:  # no brief yet
        serves = ""
    ideal = {
        "industries": list(profile.industries),
        "roles": list(profile.roles),
        "tags": list(profile.tags),
    }
    return {"share": bool(shared), "serves": serves, "ideal": ideal}


def field(store: Store) -> dict[str, Any]:
    """What a push adds for the sphere: mine when shared, an empty one when kept, else nothing."""
    shared = _choice(store)
    if shared is None:
        return {}
    if not shared:
        return {"sphere": {"serves": "", "ideal": {}}}
    found = mine(store)
    return {"sphere": {"serves": found["serves"], "ideal": found["ideal"]}}


def power_team(store: Store, *, transport: httpx.BaseTransport | None = None) -> dict[str, Any]:
    """My power team and who knows my ideal clients, from the server (as of the last push)."""
    return _get(store, "power-team", transport=transport)
