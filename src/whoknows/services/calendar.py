"""The follow-up queue as an iCalendar (RFC 5545) feed of to-dos, for a file or a subscription.

One VTODO per person due: its UID is stable (owner and person), so a calendar that
re-reads the feed updates the to-do instead of adding another; DUE is the due date,
SUMMARY the action and the name, DESCRIPTION the reasons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import icalendar

from whoknows import __version__, files
from whoknows.core.followups import DEFAULT_WITHIN, Item
from whoknows.services import followups
from whoknows.services.store import Store

PRODID = f"-//whoknows//follow-ups {__version__}//EN"
UID_DOMAIN = "followups.whoknows.invalid"


def uid(owner_id: int, person_id: int) -> str:
    """The stable UID of a person's follow-up to-do."""
    return f"followup-{owner_id}-{person_id}@{UID_DOMAIN}"


def _priority(rank: int, total: int) -> int:
    """RFC 5545 PRIORITY: 1 (highest) to 9, spread over the queue's order."""
    return 1 + (8 * rank) // max(total, 1)


def to_calendar(items: Sequence[Item], owner_id: int, *, now: dt.datetime) -> icalendar.Calendar:
    """The items as a VCALENDAR of VTODOs (NOW is the DTSTAMP, in UTC)."""
    stamp = now.astimezone(dt.UTC).replace(microsecond=0)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "whoknows follow-ups")
    for rank, item in enumerate(items):
        todo = icalendar.Todo()
        todo.add("uid", uid(owner_id, item.id))
        todo.add("dtstamp", stamp)
        todo.add("due", item.due)
        todo.add("summary", f"{item.action.split('; ')[0].capitalize()}: {item.name}")
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
) -> bytes:
    """The due follow-ups as iCalendar bytes (what `calendar export` writes and the web serves)."""
    items = followups.due(store, within_days=within_days, today=today)
    stamp = now or dt.datetime.now(dt.UTC)
    data: bytes = to_calendar(items, store.owner_id, now=stamp).to_ical()
    return data


def export(
    store: Store,
    path: Path,
    *,
    within_days: int = DEFAULT_WITHIN,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Write the feed to PATH atomically (a reader never sees half a file); the number of to-dos."""
    data = feed(store, within_days=within_days, today=today, now=now)
    with files.atomic_write(path, binary=True) as out:
        out.write(data)
    return data.count(b"BEGIN:VTODO")
