"""The follow-up plan as an iCalendar (RFC 5545) feed, for a file or a subscription.

Two shapes, either or both (KINDS): all-day events (VEVENT) for the week's plan, scheduled
over the working days ahead at the week's capacity (core/plan.py's schedule), which every
calendar app shows; and a to-do (VTODO) for everyone due, which only some apps show. UIDs
are stable (owner and person), so a calendar that re-reads the feed updates an entry
instead of adding another; SUMMARY says what to do and with whom, DESCRIPTION why.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

import icalendar

from whoknows import __version__, files
from whoknows.core.followups import DEFAULT_WITHIN, Item
from whoknows.core.plan import DEFAULT_CAPACITY, schedule
from whoknows.errors import UserError
from whoknows.services import plan
from whoknows.services.store import Store

PRODID = f"-//whoknows//follow-ups {__version__}//EN"
UID_DOMAIN = "followups.whoknows.invalid"
KINDS = ("both", "events", "todos")


def uid(owner_id: int, person_id: int, kind: str = "todo") -> str:
    """The stable UID of a person's follow-up to-do (or event)."""
    suffix = "" if kind == "todo" else f"-{kind}"
    return f"followup-{owner_id}-{person_id}{suffix}@{UID_DOMAIN}"


def _priority(rank: int, total: int) -> int:
    """RFC 5545 PRIORITY: 1 (highest) to 9, spread over the queue's order."""
    return 1 + (8 * rank) // max(total, 1)


def _summary(item: Item) -> str:
    return f"{item.what.split('; ')[0].capitalize()}: {item.name}"


def to_calendar(
    items: Sequence[Item],
    owner_id: int,
    *,
    now: dt.datetime,
    today: dt.date | None = None,
    capacity: int = DEFAULT_CAPACITY,
    kind: str = "both",
) -> icalendar.Calendar:
    """The plan's ITEMS as a VCALENDAR (NOW is the DTSTAMP, in UTC): with KIND "todos" or
    "both" a VTODO each; with "events" or "both" the week from TODAY as all-day VEVENTs."""
    stamp = now.astimezone(dt.UTC).replace(microsecond=0)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "whoknows follow-ups")
    if kind in ("events", "both"):
        start = today or stamp.date()
        for item, day in schedule(items, today=start, capacity=capacity):
            event = icalendar.Event()
            event.add("uid", uid(owner_id, item.id, "event"))
            event.add("dtstamp", stamp)
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
            event.add("summary", _summary(item))
            event.add("description", f"{item.reason}\n\nTo do: {item.action}")
            event.add("transp", "TRANSPARENT")  # a reminder, not a meeting: the day stays free
            event.add("categories", ["follow-up"])
            calendar.add_component(event)
    if kind in ("todos", "both"):
        for rank, item in enumerate(items):
            todo = icalendar.Todo()
            todo.add("uid", uid(owner_id, item.id))
            todo.add("dtstamp", stamp)
            todo.add("due", item.due)
            todo.add("summary", _summary(item))
            todo.add("description", f"{item.reason}\n\nTo do: {item.action}")
            todo.add("status", "NEEDS-ACTION")
            todo.add("priority", _priority(rank, len(items)))
            todo.add("categories", ["follow-up"])
            calendar.add_component(todo)
    return calendar


def feed(
    store: Store,
    *,
    within_days: int = DEFAULT_WITHIN,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    kind: str = "both",
) -> bytes:
    """The plan as iCalendar bytes (what `calendar export` writes and the web serves)."""
    if kind not in KINDS:
        raise UserError(f"unknown calendar kind {kind!r}", hint=f"use one of: {', '.join(KINDS)}")
    today = today or dt.date.today()
    items = plan.due(store, within_days=within_days, today=today)
    stamp = now or dt.datetime.now(dt.UTC)
    made = to_calendar(
        items,
        store.owner_id,
        now=stamp,
        today=today,
        capacity=plan.capacity(store.settings),
        kind=kind,
    )
    data: bytes = made.to_ical()
    return data


def export(
    store: Store,
    path: Path,
    *,
    within_days: int = DEFAULT_WITHIN,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    kind: str = "both",
) -> tuple[int, int]:
    """Write the feed to PATH atomically (a reader never sees half a file); how many
    follow-ups (people) and scheduled events it holds."""
    data = feed(store, within_days=within_days, today=today, now=now, kind=kind)
    with files.atomic_write(path, binary=True) as out:
        out.write(data)
    people = len(set(re.findall(rb"UID:followup-\d+-(\d+)", data)))
    return people, data.count(b"BEGIN:VEVENT")
