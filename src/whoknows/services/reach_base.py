"""What the reach answers share: a person as (id, name), who I am, and my ideal client profile."""

from __future__ import annotations

from whoknows.core.icp import Profile
from whoknows.core.models import PersonRef as PersonRef
from whoknows.errors import Hint, UserError
from whoknows.services import next_steps
from whoknows.services.snapshot import Snapshot
from whoknows.storage import icp as icp_rows
from whoknows.storage.plain import Reader


def require_me(snapshot: Snapshot) -> int:
    if snapshot.me is None:
        raise UserError("who you are is not set yet", hint=next_steps.SET_ME)
    return snapshot.me


def require_profile(reader: Reader, owner: int) -> Profile:
    """My ideal client profile; a clear error while it is empty."""
    profile = icp_rows.read(reader, owner)
    if profile.is_empty():
        raise UserError(
            "no ideal client profile yet",
            hint=Hint(
                cli="set one: whoknows icp set --industry … --role …",
                web="set one in Settings",
            ),
        )
    return profile
