"""The shareable projection of this database's network: what a push would send, and why the
rest stays here (core/sharing.py has the rules; this reads the store once to apply them)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from whoknows.core import sharing
from whoknows.core.identity import org_key
from whoknows.core.sharing import BAND_ORDER, Contact, Excluded, Level, Shared
from whoknows.errors import UserError
from whoknows.services import next_steps
from whoknows.services.paging import Page, Window, of_list
from whoknows.services.snapshot import load_snapshot
from whoknows.services.store import Store
from whoknows.services.team.settings import stored_level
from whoknows.storage import team as rows

# Keys in a preview before the database joins a space: what is shown is the same, only the
# keys (never shown) differ.
PREVIEW_SALT = "preview"
COUNTED = ("shared", *(why.value for why in Excluded if why is not Excluded.ME))


@dataclass(frozen=True)
class Item:
    """One shared contact: who it is here (the id, never sent) and what is sent."""

    person_id: int
    shared: Shared

    def as_json(self) -> dict[str, object]:
        """What colleagues will see of it (and the local id, to flag it private)."""
        s = self.shared
        return {
            "id": self.person_id,
            "seen_as": s.description(),
            "band": s.band.value,
            **({"name": s.name} if s.name is not None else {}),
            "role": s.role,
            "organization": s.org,
        }


@dataclass(frozen=True)
class Projection:
    level: Level
    items: list[Item]  # by organization, then band (strongest first), then description
    counts: dict[str, int]  # shared, private, blocked, no tie, no key

    def page(self, window: Window) -> Page[Item]:
        return of_list(self.items, window)


def project(
    store: Store,
    *,
    level: Level | None = None,
    salt: str | None = None,
    today: dt.date | None = None,
    ordered: bool = True,
) -> Projection:
    """What this database shares at LEVEL (default: its own), keyed with SALT (the joined
    space's, else a placeholder: a preview shows no keys); ORDERED as a preview lists them."""
    snapshot = load_snapshot(store, today=today)
    if snapshot.me is None:
        raise UserError("who you are is not set yet", hint=next_steps.SET_ME)
    graph = snapshot.graph
    nodes, strengths = graph.neighbors(snapshot.me)
    strength = dict(zip(graph.node_ids[nodes].tolist(), strengths.tolist(), strict=True))
    with store.read() as session:
        owner = store.owner_id
        chosen = level or stored_level(rows.level(session, owner))
        effective = Level.WHO if chosen is Level.NOTHING else chosen  # to count what is held back
        link = rows.link(session, owner)
        key_salt = salt or (link.salt if link is not None else PREVIEW_SALT)
        blocked = frozenset(rows.blocked(session, owner))
        me_id = int(graph.node_ids[snapshot.me])
        counts: Counter[str] = Counter(dict.fromkeys(COUNTED, 0))
        by_key: dict[str, Item] = {}
        tied = 0
        for row in rows.tied_people(session, owner, me_id):
            tied += 1
            contact = Contact(
                person_id=row.person_id,
                name=row.name,
                role=row.role,
                organization=row.organization,
                strength=strength.get(row.person_id),
                emails=(row.email,) if row.email else (),
                linkedin=(row.linkedin,) if row.linkedin else (),
                phones=(row.phone,) if row.phone else (),
                private=row.private,
            )
            made = sharing.project(contact, effective, key_salt, blocked)
            if made is None or isinstance(made, Excluded):
                counts[(made or Excluded.NO_KEY).value] += 1
                continue
            kept = by_key.get(made.key)
            if kept is not None:  # an office phone two people share: one is enough
                counts[Excluded.NO_KEY.value] += 1
                if BAND_ORDER[kept.shared.band] >= BAND_ORDER[made.band]:
                    continue
            by_key[made.key] = Item(row.person_id, made)
        everyone = rows.count_people(session, owner)
    counts[Excluded.NO_TIE.value] = everyone - tied - 1  # (me neither)
    # (a push needs no order: describing and sorting 50,000 contacts is a second of its time)
    items = sorted(by_key.values(), key=_order) if ordered else list(by_key.values())
    counts["shared"] = len(items)
    if chosen is Level.NOTHING:  # nothing leaves: say what the level holds back
        counts["held back"], counts["shared"] = len(items), 0
        items = []
    return Projection(chosen, items, dict(counts))


def _order(item: Item) -> tuple[str, int, str]:
    s = item.shared
    return (org_key(s.org) or "\uffff", -BAND_ORDER[s.band], s.description().casefold())
