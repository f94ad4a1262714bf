"""A push: the difference between this database's projection and what the last push sent.

The manifest (key → digest of what was sent, storage/team.py) and the server's version make
it incremental; the server's 409 (it holds another version than the one last seen: a push
whose answer was lost, a second machine) makes the client send everything instead. Sending
the same projection twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from whoknows.core.sharing import Level, Shared
from whoknows.errors import WhoknowsError
from whoknows.services.store import Store
from whoknows.services.team import link as links
from whoknows.services.team import projection, sphere
from whoknows.services.team.client import Outdated
from whoknows.storage import team as rows


@dataclass(frozen=True)
class Plan:
    """What one push sends."""

    level: Level
    upsert: dict[str, Shared]
    remove: list[str]
    complete: bool

    def body(self, base: int | None) -> dict[str, object]:
        return {
            "base": None if self.complete else base,
            "level": self.level.value,
            "upsert": [shared.payload() for shared in self.upsert.values()],
            "remove": self.remove,
            "complete": self.complete,
        }


def plan(
    level: Level,
    current: Mapping[str, Shared],
    sent: Mapping[str, str],
    *,
    complete: bool,
) -> Plan:
    """The push from SENT (the manifest) to CURRENT; everything when COMPLETE."""
    if level is Level.NOTHING:
        return Plan(level, {}, [], complete=True)
    if complete:
        return Plan(level, dict(current), [], complete=True)
    upsert = {key: s for key, s in current.items() if sent.get(key) != s.digest()}
    remove = sorted(key for key in sent if key not in current)
    return Plan(level, upsert, remove, complete=False)


@dataclass(frozen=True)
class Pushed:
    """The server's answer, and what was sent."""

    space: str
    level: Level
    version: int
    added: int
    changed: int
    removed: int
    total: int
    sent: int  # contacts sent (all of them when complete)
    complete: bool
    counts: dict[str, int] = field(default_factory=dict)  # the projection's

    def as_json(self) -> dict[str, object]:
        return {
            "space": self.space,
            "level": self.level.value,
            "version": self.version,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "total": self.total,
            "sent": self.sent,
            "complete": self.complete,
            "counts": self.counts,
        }


def push(
    store: Store, *, today: dt.date | None = None, transport: httpx.BaseTransport | None = None
) -> Pushed:
    """Send what changed since the last push (everything the first time, after a level
    change, or when the server asks for it) and remember what the server now holds."""
    with links.connect(store, transport=transport) as (link, client):
        made = projection.project(store, salt=link.salt, today=today, ordered=False)
        current = {item.shared.key: item.shared for item in made.items}
        with store.read() as session:
            sent = rows.manifest(session, store.owner_id)
        fresh = link.version is None or link.pushed_level is not made.level or not sent
        chosen = plan(made.level, current, sent, complete=fresh)
        path = client.space_path(link.space, "push")
        shared = sphere.field(store)  # my contact sphere, when I chose (a chapter only)
        try:
            answer = client.post(path, chosen.body(link.version) | shared)
        except Outdated:
            chosen = plan(made.level, current, sent, complete=True)
            answer = client.post(path, chosen.body(None) | shared)
    version, added, changed, removed, total = _read(answer)
    with store.write(counted=False) as session:  # bookkeeping: the network did not change
        rows.save_manifest(
            session,
            store.owner_id,
            {key: s.digest() for key, s in chosen.upsert.items()},
            chosen.remove,
            complete=chosen.complete,
        )
        rows.set_pushed(session, store.owner_id, version, made.level.value)
    return Pushed(
        link.space,
        made.level,
        version,
        added,
        changed,
        removed,
        total,
        len(chosen.upsert),
        chosen.complete,
        made.counts,
    )


def _read(answer: object) -> tuple[int, int, int, int, int]:
    try:
        assert isinstance(answer, dict)
        return tuple(int(answer[k]) for k in ("version", "added", "changed", "removed", "total"))  # type: ignore[return-value]
    except (AssertionError, KeyError, TypeError, ValueError) as exc:
        raise WhoknowsError(
            "the team server's answer to the push is not understood",
            hint="is the server a newer or older whoknows? The next push sends everything",
        ) from exc
