"""The chain behind each piece of business won: event → advocate → client → value (pure).

Each referral won through an advocate is one link: where I first met the advocate, the
advocate, whom the referral was about (the client), and what it was worth. Business a
client went on to refer me (the second tier) hangs under the link that brought me that
client, whether or not that one was won itself (and so on, when the second tier's clients
refer in turn); a link is either won or leads to something won. Who brought whom is
attribution's rule (core/attribution).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from whoknows.core.acquaintance import (
    Acquaintance,
    EventVisit,
    ReferralRecord,
    bringers,
    closed_on,
    first_event,
    is_second_tier,
    within,
)
from whoknows.core.money import Money


@dataclass(frozen=True)
class Link:
    referral_id: int
    event: EventVisit | None  # where I first met the advocate (None: not at an event)
    advocate_id: int
    advocate: str
    client_id: int | None  # None when the referral was about an organization
    client: str
    status: str
    value: Money  # what it was worth when won (nothing otherwise)
    date: dt.date  # when the referral came
    closed_on: dt.date | None
    second_tier: tuple[Link, ...] = ()

    @property
    def total(self) -> Money:
        """Its own value and its second tier's."""
        found = self.value
        for child in self.second_tier:
            found = found + child.total
        return found


def chains(
    people: Mapping[int, Acquaintance],
    referrals: Sequence[ReferralRecord],
    *,
    me: int,
    since: dt.date | None = None,
    currency: str | None = None,
) -> tuple[Link, ...]:
    """Every piece of business won through an advocate (in the period from SINCE), as links,
    the second tier under its parent; the most valuable first (in CURRENCY), then the newest."""
    received = [r for r in referrals if r.direction == "received" and r.to_id == me]
    brought = bringers(received)
    # Every win, and every referral that led to one (the first about a client who went on
    # to refer business), with what led to it: a tree, a referral in it once.
    nodes: dict[int, ReferralRecord] = {}
    parent_of: dict[int, int] = {}
    waiting = [r for r in received if not r.direct and won_in(r, since)]
    while waiting:
        r = waiting.pop()
        if r.id in nodes:
            continue
        nodes[r.id] = r
        parent = brought.get(r.from_id)
        if parent is not None and parent.id != r.id and is_second_tier(r, parent, me):
            parent_of[r.id] = parent.id
            waiting.append(parent)
    for start in list(parent_of):  # same-day referrals both ways could make a loop: cut it
        seen = {start}
        at = start
        while at in parent_of:
            at = parent_of[at]
            if at in seen:
                del parent_of[start]
                break
            seen.add(at)
    children: dict[int, list[ReferralRecord]] = defaultdict(list)
    for child, parent_id in parent_of.items():
        children[parent_id].append(nodes[child])
    tops = {rid: r for rid, r in nodes.items() if rid not in parent_of}

    def person(pid: int) -> Acquaintance:
        return people.get(pid) or Acquaintance(id=pid, name=f"#{pid}")

    def link(r: ReferralRecord) -> Link:
        advocate = person(r.from_id)
        if r.about_id is not None:
            client = person(r.about_id).name
        else:
            client = r.about_org or "—"
        return Link(
            referral_id=r.id,
            event=first_event(advocate),
            advocate_id=r.from_id,
            advocate=advocate.name,
            client_id=r.about_id,
            client=client,
            status=r.status,
            value=r.won_money if won_in(r, since) else Money(),
            date=r.date,
            closed_on=r.closed_on,
            second_tier=tuple(link(c) for c in sorted(children.get(r.id, ()), key=_newest)),
        )

    found = [link(r) for r in tops.values()]
    found.sort(key=lambda x: (-x.total.get(currency or ""), -x.date.toordinal(), x.referral_id))
    return tuple(found)


def won_in(r: ReferralRecord, since: dt.date | None) -> bool:
    return r.status == "won" and within(closed_on(r), since)


def _newest(r: ReferralRecord) -> tuple[int, int]:
    return (-r.date.toordinal(), r.id)
