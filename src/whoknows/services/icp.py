"""The ideal client profile: stored per owner, read by paths, prospects and advocates."""

from __future__ import annotations

from collections.abc import Sequence

from whoknows.core.icp import Profile
from whoknows.errors import BadOption, Hint, UserError
from whoknows.services import validate
from whoknows.services.store import Store
from whoknows.storage.icp import load as load  # reach and the demo read it in their session
from whoknows.storage.icp import save as save

RANGE = "use MIN:MAX, e.g. 50:500"


def parse_org_size(value: str) -> tuple[int | None, int | None]:
    """ "50:500", "50:", ":500" or "50" (at least) as (min, max)."""
    low_text, sep, high_text = value.partition(":")
    try:
        low = int(low_text) if low_text.strip() else None
        high = int(high_text) if sep and high_text.strip() else None
    except ValueError as exc:
        raise BadOption("org-size", repr(value), "is not a range", hint=RANGE) from exc
    if (low is not None and low < 0) or (high is not None and high < 0):
        raise BadOption("org-size", repr(value), "is negative", hint=RANGE)
    if low is not None and high is not None and low > high:
        raise BadOption("org-size", repr(value), "has MIN above MAX", hint=RANGE)
    return low, high


def _clean(values: Sequence[str], what: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(validate.name(v, what).strip() for v in values))


def make_profile(
    *,
    industries: Sequence[str] = (),
    roles: Sequence[str] = (),
    cities: Sequence[str] = (),
    org_size: str | None = None,
    tags: Sequence[str] = (),
) -> Profile:
    low, high = parse_org_size(org_size) if org_size else (None, None)
    return Profile(
        industries=_clean(industries, "industry"),
        roles=_clean(roles, "role"),
        cities=_clean(cities, "city"),
        min_org_size=low,
        max_org_size=high,
        tags=_clean(tags, "tag"),
    )


def get_profile(store: Store) -> Profile:
    with store.read() as session:
        return load(session, store.owner_id)


def set_profile(store: Store, profile: Profile) -> Profile:
    if profile.is_empty():
        raise UserError(
            "an ideal client profile needs at least one rule",
            hint=Hint(
                cli="e.g. whoknows icp set --industry manufacturing --role CFO --org-size 50:500",
                web="e.g. industry manufacturing, role CFO, organization size 50:500",
            ),
        )
    with store.write() as session:
        save(session, store.owner_id, profile)
    return profile
