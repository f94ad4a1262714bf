"""Contact spheres and power teams in a chapter.

A member may share their contact sphere with the chapter (by choice, with `team push`): whom
they serve (their brief's "For whom") and their ideal clients (the profile's industries, roles
and tags; never notes, never names). From the members who shared:

- **The power team** of a member: the members whose clients overlap theirs, who should refer
  each other. Each direction is the contact sphere of the advocate ranking
  (core.advocates.contact_sphere: how near whom B serves is to A's ideal clients), and a pair
  scores the mean of its two directions.
- **Who knows your ideal clients**: the members whose pooled shareable ties (what `team push`
  sent) include people whose role is one of the member's ideal client roles, with how many and
  the strongest band of their ties.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, text

from whoknows.core.advocates import contact_spheres, sphere_text
from whoknows.core.icp import Profile, text_matches
from whoknows.core.sharing import BAND_ORDER, Band
from whoknows.core.text import shared_terms, terms
from whoknows.errors import UserError

TEAM = 6  # the strongest overlaps shown as a member's power team
MIN_SCORE = 0.05  # below this two spheres barely touch: no power team
SERVES_MAX = 2000
IDEAL_KEYS = ("industries", "roles", "tags")
IDEAL_MAX = 50  # values per key
_WORD = re.compile(r"[^\W_]+")


def _ideal(value: dict[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key in IDEAL_KEYS:
        items = value.get(key) or []
        if not isinstance(items, list) or len(items) > IDEAL_MAX:
            raise UserError(
                f"an ideal client profile's {key} must be a list of at most {IDEAL_MAX} words",
                hint="see `whoknows icp show`",
            )
        found[key] = [str(v).strip()[:200] for v in items if str(v).strip()]
    return found


def share(
    conn: Connection, space_id: int, account_id: int, serves: str, ideal: dict[str, Any]
) -> None:
    """Keep what a member's push shares of their contact sphere; nothing shared removes it."""
    serves = (serves or "").strip()[:SERVES_MAX]
    kept = _ideal(ideal)
    if not serves and not any(kept.values()):
        conn.execute(
            text("DELETE FROM chapter_sphere WHERE space_id = :s AND account_id = :a"),
            {"s": space_id, "a": account_id},
        )
        return
    conn.execute(
        text(
            """
            INSERT INTO chapter_sphere (space_id, account_id, serves, ideal, updated_at)
            VALUES (:s, :a, :serves, CAST(:ideal AS jsonb), now())
            ON CONFLICT (space_id, account_id) DO UPDATE
            SET serves = excluded.serves, ideal = excluded.ideal, updated_at = now()
            """
        ),
        {"s": space_id, "a": account_id, "serves": serves, "ideal": json.dumps(kept)},
    )


def _in_common(theirs: str, mine: str) -> list[str]:
    """The words of THEIRS (as written, not stemmed) whose terms MINE has too."""
    common = set(shared_terms(theirs, mine))
    words = (w.casefold() for w in _WORD.findall(theirs))
    return list(dict.fromkeys(w for w in words if common.intersection(terms(w))))


def _profile(ideal: dict[str, Any]) -> Profile:
    return Profile(
        industries=tuple(ideal.get("industries", ())),
        roles=tuple(ideal.get("roles", ())),
        tags=tuple(ideal.get("tags", ())),
    )


def power_team(conn: Connection, space_id: int, account_id: int) -> dict[str, Any]:
    """My power team and the members who know my ideal clients (empty until I share)."""
    rows = conn.execute(
        text(
            """
            SELECT a.id, a.name, c.serves, c.ideal
            FROM chapter_sphere c JOIN membership m
              ON m.space_id = c.space_id AND m.account_id = c.account_id
            JOIN account a ON a.id = c.account_id
            WHERE c.space_id = :s AND m.left_at IS NULL AND m.role <> 'guest'
            ORDER BY a.name, a.id
            """
        ),
        {"s": space_id},
    ).all()
    mine = next((i for i, r in enumerate(rows) if r.id == account_id), None)
    if mine is None:
        return {"shared": False, "serves": None, "ideal": None, "team": [], "know_your_clients": []}
    me = rows[mine]
    profiles = [_profile(r.ideal) for r in rows]
    # sphere[i, j]: how near whom j serves is to i's ideal clients (the advocates' sphere)
    sphere = contact_spheres([r.serves for r in rows], profiles)
    they_serve_mine = sphere[mine]
    team = []
    for j, row in enumerate(rows):
        if j == mine:
            continue
        i_serve_theirs = float(sphere[j, mine])
        score = (float(they_serve_mine[j]) + i_serve_theirs) / 2
        if score < MIN_SCORE:
            continue
        team.append(
            {
                "member": {"id": row.id, "name": row.name},
                "score": round(score, 3),
                "they_serve_your_clients": round(float(they_serve_mine[j]), 3),
                "you_serve_their_clients": round(i_serve_theirs, 3),
                "serves": row.serves,
                "in_common": _in_common(
                    f"{row.serves} {sphere_text(profiles[j])}",
                    f"{me.serves} {sphere_text(profiles[mine])}",
                ),
            }
        )
    team.sort(key=lambda t: (-t["score"], t["member"]["name"]))
    return {
        "shared": True,
        "serves": me.serves,
        "ideal": dict(me.ideal),
        "team": team[:TEAM],
        "know_your_clients": _who_knows(conn, space_id, account_id, profiles[mine]),
    }


def _who_knows(
    conn: Connection, space_id: int, account_id: int, profile: Profile
) -> list[dict[str, Any]]:
    """The members whose pooled ties hold people in my ideal clients' roles, by how many."""
    if not profile.roles:
        return []
    found: dict[int, dict[str, Any]] = {}
    per_band: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in conn.execute(
        text(
            """
            SELECT c.account_id, a.name, c.role, c.band, count(*) AS n
            FROM shared_contact c JOIN membership m
              ON m.space_id = c.space_id AND m.account_id = c.account_id
            JOIN account a ON a.id = c.account_id
            WHERE c.space_id = :s AND c.account_id <> :a AND c.role IS NOT NULL
              AND m.left_at IS NULL AND m.role <> 'guest'
            GROUP BY c.account_id, a.name, c.role, c.band
            """
        ),
        {"s": space_id, "a": account_id},
    ):
        if text_matches(profile.roles, row.role):
            found[row.account_id] = {"id": row.account_id, "name": row.name}
            per_band[row.account_id][row.band] += int(row.n)
    shown: list[dict[str, Any]] = []
    for member_id, member in found.items():
        bands = per_band[member_id]
        best = max(bands, key=lambda b: BAND_ORDER[Band(b)])
        shown.append(
            {
                "member": member,
                "people": sum(bands.values()),
                "band": best,  # the strongest of their ties into my ideal clients
                "by_band": {b: bands[b] for b in sorted(bands, key=lambda b: -BAND_ORDER[Band(b)])},
            }
        )
    shown.sort(key=lambda k: (-BAND_ORDER[Band(k["band"])], -k["people"], k["member"]["name"]))
    return shown
