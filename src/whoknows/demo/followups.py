"""The demo's follow-ups: a breakfast two days ago with people met and givers marked, a
referral brief handed to a few advocates, some snoozes and personal cadences."""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import exists, func, select

from whoknows.core.plan import timing
from whoknows.demo import vocab
from whoknows.services import brief, events, followups, plan, refs
from whoknows.services.store import Store
from whoknows.storage import schema as s

MET_AT_EVENT = 7  # people met at the recent breakfast …
GIVERS = 2  # … of whom this many get Give to Get
BRIEF_HOLDERS = 3
EVENT_NAME = "Manchester Chamber breakfast, follow-up edition"


def _strangers(store: Store, rng: np.random.Generator, count: int) -> list[int]:
    """People I have never logged anything with (the demo's second degree) and whose role
    is known: new faces at the breakfast."""
    with store.read() as session:
        me = refs.me(session, store.owner_id)
        logged = exists().where(s.InteractionPerson.person_id == s.Person.id)
        ids = session.scalars(
            select(s.Person.id)
            .where(s.Person.owner_id == store.owner_id, s.Person.id != me.id, ~logged)
            .where(s.Person.role.is_not(None))
            .order_by(s.Person.id)
            .limit(2000)
        ).all()
    if not ids:
        return []
    picked = rng.choice(len(ids), size=min(count, len(ids)), replace=False)
    return [int(ids[i]) for i in sorted(picked)]


def _at_stage(store: Store, stage: str) -> list[int]:
    with store.read() as session:
        return list(
            session.scalars(
                select(s.Person.id)
                .where(s.Person.owner_id == store.owner_id, s.Person.stage == stage)
                .order_by(s.Person.id)
            )
        )


def add(store: Store, rng: np.random.Generator, today: dt.date) -> dict[str, int]:
    """Add a recent event with people met and givers, a brief sent to advocates, snoozes and
    cadences; the counts of what was added."""
    added = {"people_met": 0, "givers": 0, "brief_copies": 0, "snoozed": 0, "cadences": 0}
    met = _strangers(store, rng, MET_AT_EVENT)
    if met:
        event = events.add_event(
            store,
            EVENT_NAME,
            today - dt.timedelta(days=2),
            place=vocab.VENUES[0].format(city=vocab.ME.city),
            note="Round tables on lean, exports and hiring.",
        )
        givers = met[:GIVERS]
        events.met(store, str(event.id), [str(p) for p in met[GIVERS:]])
        events.met(store, str(event.id), [str(p) for p in givers], giver=True)
        added["people_met"], added["givers"] = len(met), len(givers)
    me = vocab.ME
    brief.set_brief(
        store,
        offer=me.offers,
        problems="Late deliveries, long lead times, firefighting on the shop floor, "
        "and growth that stalls because the plant cannot keep up.",
        for_whom=me.serves,
        results=me.notes.removeprefix("Typical result: "),
        wanted_intros="\n".join(
            [
                "Operations directors at food and drink manufacturers in Leeds",
                "Managing directors of family-owned engineering firms in Sheffield",
                "Plant managers at automotive suppliers around Manchester",
            ]
        ),
        on=today - dt.timedelta(days=30),
    )
    advocates = _at_stage(store, "advocate")
    for pid in advocates[:BRIEF_HOLDERS]:
        brief.sent(store, str(pid), on=today - dt.timedelta(days=20))
        added["brief_copies"] += 1
    for pid, days in zip(advocates[BRIEF_HOLDERS : BRIEF_HOLDERS + 2], (14, 21), strict=False):
        followups.set_cadence(store, str(pid), days)
        added["cadences"] += 1
    queue = plan.due(store, within_days=0, today=today)
    for item in queue[3:5]:  # a couple of people put off until after the holidays
        followups.snooze(store, str(item.id), 10 + int(rng.integers(0, 20)), today=today)
        added["snoozed"] += 1
    return added


def tour(store: Store, today: dt.date) -> list[str]:
    """What is due this week and the follow-up drafts of the latest event, as plain lines."""
    lines = []
    week = plan.page(store, today=today)
    lines.append(
        f"your plan this week: {len(week.items)} of {week.total} follow-ups due, first things "
        f"first (whoknows due); {week.reconnect} long-lapsed to reconnect with"
    )
    for item in week.items[:3]:
        lines.append(f"  {item.name} ({timing(item.reasons[0].due, today)}): {item.what}")
    with store.read() as session:
        latest = session.execute(
            select(s.Event.id, s.Event.name, s.Event.date)
            .where(s.Event.owner_id == store.owner_id, s.Event.date <= today)
            .order_by(s.Event.date.desc(), s.Event.id.desc())
            .limit(1)
        ).first()
        if latest is not None:
            met, givers = session.execute(
                select(func.count(), func.count().filter(s.EventAttendee.gets_it)).where(
                    s.EventAttendee.event_id == latest.id
                )
            ).one()
            lines.append(
                f"{latest.name} ({latest.date}): {met} follow-up drafts, "
                f"the {givers} who get Give to Get first; "
                f"try: whoknows event followup {latest.id} --out drafts"
            )
    with store.read() as session:
        version = brief.current_version(session, store.owner_id)
        holders = len(brief.briefed_people(session, store.owner_id))
    if version is not None:
        lines.append(
            f"referral brief version {version}, held by {holders} "
            f"{'person' if holders == 1 else 'people'}; "
            "try: whoknows brief render --format html --out brief.html"
        )
    lines.append("try: whoknows due ; whoknows calendar export followups.ics")
    return lines
