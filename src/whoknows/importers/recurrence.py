"""A recurring meeting's days inside the dates asked for (RRULE, expanded by dateutil).

Bounded three ways, so no rule can make an import run on: by the rule's own count, by the
dates asked for (whole periods are jumped to the window; a rule no day can satisfy is never
walked), and by a time budget for a whole file, after which each meeting is read once.
"""

from __future__ import annotations

import datetime as dt
import re
import time

from dateutil import rrule  # type: ignore[import-untyped]

MAX_OCCURRENCES = 1000  # per recurring meeting, inside the dates asked for
_SUBDAILY = {"SECONDLY", "MINUTELY", "HOURLY"}
EXPANSION_SECONDS = 10.0  # all of a file's recurrences together; then each is read once
_PERIOD = {"DAILY": 1, "WEEKLY": 7}


class Unreadable(Exception):
    """A meeting whose property can't be read (the message names it)."""


def _unreadable(text: str, number: int) -> Unreadable:
    return Unreadable(f"a recurrence rule that cannot be read, {text[:60]!r} (line {number})")


class Notes(list[str]):
    """Notes for the user, and the moment after which recurrences are no longer expanded."""

    def __init__(self) -> None:
        super().__init__()
        self.deadline = time.monotonic() + EXPANSION_SECONDS


def notes_deadline(notes: list[str]) -> float:
    return notes.deadline if isinstance(notes, Notes) else float("inf")


def expand(
    text: str,
    number: int,
    start: dt.datetime | dt.date,
    since: dt.date,
    until: dt.date,
    notes: list[str],
) -> list[dt.date]:
    if time.monotonic() > notes_deadline(notes):
        if not any("took too long" in n for n in notes):
            notes.append(f"line {number}: reading recurrences took too long; the rest read once")
        return []
    frequency = re.search(r"FREQ=([A-Z]+)", text.upper())
    if frequency and frequency.group(1) in _SUBDAILY:
        notes.append(
            f"line {number}: a meeting that repeats {frequency.group(1).lower()} is read once"
        )
        return []
    naive = (
        start.replace(tzinfo=None)
        if isinstance(start, dt.datetime)
        else dt.datetime(start.year, start.month, start.day)
    )
    try:
        parsed = rrule.rrulestr(text, dtstart=naive, ignoretz=True)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise Unreadable(
            f"a recurrence rule that cannot be read, {text[:60]!r} (line {number})"
        ) from exc
    if not isinstance(parsed, rrule.rrule):
        raise _unreadable(text, number)
    end = dt.datetime.combine(until, dt.time.max)
    count = parsed._count
    stop = min(parsed._until, end) if parsed._until is not None else end
    begin = naive
    plain = not re.search(r"(^|;)BY", text.upper())  # one occurrence per period
    if frequency and frequency.group(1) in _PERIOD and (count is None or plain):
        # jump whole periods ahead to the window: the same days, without walking decades
        # (with a count only when each period holds exactly one occurrence, so it can be kept)
        step = _PERIOD[frequency.group(1)] * max(1, parsed._interval)
        gap = (dt.datetime.combine(since, dt.time.min) - naive).days // step - 1
        if gap > 0:
            if count is not None:
                if gap >= count:
                    return []
                count -= gap
            begin = naive + dt.timedelta(days=gap * step)
    if not _can_match(text, begin.date(), stop.date()):
        return []  # no day the rule allows falls in the dates asked for
    try:
        bounded = parsed.replace(dtstart=begin, count=None, until=stop)
    except (ValueError, OverflowError) as exc:
        raise Unreadable(
            f"a recurrence rule that cannot be read, {text[:60]!r} (line {number})"
        ) from exc
    days: list[dt.date] = []
    window = dt.datetime.combine(since, dt.time.min)
    for made, when in enumerate(bounded, 1):
        if count is not None and made > count:
            break
        if when >= window:
            days.append(when.date())
            if len(days) >= MAX_OCCURRENCES:
                notes.append(
                    f"line {number}: a meeting repeating more than {MAX_OCCURRENCES} times; "
                    f"read up to {when.date()}"
                )
                break
    return days


_HORIZON = dt.timedelta(days=366 * 40)
_PER_SET = (
    "BYHOUR",
    "BYMINUTE",
    "BYSECOND",
    "BYDAY",
)  # what a day's or week's set is made of  # calendar patterns repeat well within this


def _parts(text: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for part in text.upper().split(";"):
        key, _, value = part.partition("=")
        if key == "BYSETPOS" or key in _PER_SET:
            found[key] = [0] * len([v for v in value.split(",") if v])
            if key == "BYSETPOS":
                try:
                    found[key] = [int(v) for v in value.split(",") if v]
                except ValueError:
                    continue
            continue
        if key in {"BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO"}:
            try:
                found[key] = [int(v) for v in value.split(",") if v]
            except ValueError:
                continue
    return found


def _allowed(day: dt.date, filters: dict[str, list[int]]) -> bool:
    if "BYMONTH" in filters and day.month not in filters["BYMONTH"]:
        return False
    if "BYMONTHDAY" in filters:
        last = ((day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - day).days
        if day.day not in filters["BYMONTHDAY"] and -last not in filters["BYMONTHDAY"]:
            return False
    if "BYYEARDAY" in filters:
        yday = day.timetuple().tm_yday
        days = 366 if day.replace(month=12, day=31).timetuple().tm_yday == 366 else 365
        if yday not in filters["BYYEARDAY"] and yday - days - 1 not in filters["BYYEARDAY"]:
            return False
    return not ("BYWEEKNO" in filters and day.isocalendar()[1] not in filters["BYWEEKNO"])


def _can_match(text: str, begin: dt.date, stop: dt.date) -> bool:
    """Whether a rule whose days are filtered by month, month day, year day or week can meet
    a day in [begin, stop], and again after it. dateutil looks for the next occurrence until
    the year 9999 when there is none: a rule no day satisfies would run for minutes."""
    filters = _parts(text)
    positions = filters.pop("BYSETPOS", None)
    sizes = [len(filters.pop(k, [0])) for k in _PER_SET]
    frequency = re.search(r"FREQ=([A-Z]+)", text.upper())
    days = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 31, "YEARLY": 366}
    if positions and frequency and frequency.group(1) in days:
        size = sizes[0] * sizes[1] * sizes[2] * days[frequency.group(1)]
        if all(abs(p) > size or p == 0 for p in positions):
            return False  # BYSETPOS picks from a set that is never that large
    if not filters:
        return True
    day, end = begin, stop
    while day <= end and not _allowed(day, filters):
        day += dt.timedelta(days=1)
    if day > end:
        return False
    day, end = stop + dt.timedelta(days=1), min(stop + _HORIZON, dt.date.max - _HORIZON)
    while day <= end and not _allowed(day, filters):
        day += dt.timedelta(days=1)
    return day <= end
