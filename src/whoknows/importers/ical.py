"""iCalendar meetings → interaction records (recurrences expanded in a bounded window)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import icalendar
from dateutil import rrule  # type: ignore[import-untyped]

from whoknows.errors import ImportParseError
from whoknows.importers import decoding
from whoknows.importers.records import BadRow, Contact, InteractionRecord, Record, Skip

MAX_OCCURRENCES = 1000  # per recurring event: a rule can never make the import hang
MAX_BYTES = 200 * 1024 * 1024
_LEFT_OUT = {"ROOM", "RESOURCE"}


def _date(value: Any) -> dt.date | None:
    inner = getattr(value, "dt", value)
    if isinstance(inner, dt.datetime):
        return inner.date()
    if isinstance(inner, dt.date):
        return inner
    if isinstance(inner, tuple) and inner:  # a PERIOD: its start
        return _date(inner[0])
    return None


def _start(value: Any) -> dt.datetime | dt.date | None:
    inner = getattr(value, "dt", value)
    return inner if isinstance(inner, dt.date) else None


def _dates(component: Any, name: str) -> list[dt.date]:
    found: list[dt.date] = []
    values = component.get(name)
    for item in values if isinstance(values, list) else [values] if values is not None else []:
        for one in getattr(item, "dts", []):
            day = _date(one.dt)
            if day is not None:
                found.append(day)
    return found


def _address(value: Any) -> str:
    text = str(value).strip()
    return text[7:] if text.lower().startswith("mailto:") else text


def _people(event: Any) -> tuple[Contact, ...]:
    people: dict[str, Contact] = {}
    organizer = event.get("ORGANIZER")
    entries = [organizer] if organizer is not None else []
    attendees = event.get("ATTENDEE")
    entries += attendees if isinstance(attendees, list) else [attendees] if attendees else []
    for entry in entries:
        params = getattr(entry, "params", {})
        if str(params.get("PARTSTAT", "")).upper() == "DECLINED":
            continue
        if str(params.get("CUTYPE", "")).upper() in _LEFT_OUT:
            continue
        address = _address(entry)
        if "@" not in address:
            continue
        name = params.get("CN")
        key = address.lower()
        if key not in people or (name and not people[key].name):
            people[key] = Contact(address, str(name).strip() if name else None)
    return tuple(people.values())


def _minutes(event: Any) -> int | None:
    start = _start(event.get("DTSTART"))
    end = _start(event.get("DTEND"))
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
        try:
            return max(0, int((end - start).total_seconds() // 60)) or None
        except TypeError:  # one naive, one aware
            return None
    duration = event.get("DURATION")
    if duration is not None and isinstance(getattr(duration, "dt", None), dt.timedelta):
        return int(duration.dt.total_seconds() // 60) or None
    return None


def _occurrences(event: Any, since: dt.date, until: dt.date) -> list[dt.date]:
    start = _start(event.get("DTSTART"))
    day = _date(start)
    if day is None:
        return []
    days: set[dt.date] = set()
    rule = event.get("RRULE")
    if rule is not None:
        rules = rule if isinstance(rule, list) else [rule]
        naive = (
            start.replace(tzinfo=None)
            if isinstance(start, dt.datetime)
            else dt.datetime(day.year, day.month, day.day)
        )
        for one in rules:
            # a rule icalendar could not type (spaces in BYDAY …) keeps its raw text
            raw = str(one) if type(one).__name__ == "vBroken" else one.to_ical().decode()
            text = raw.replace(" ", "")
            # UNTIL may be in UTC while DTSTART is floating here; compare in one frame
            text = ";".join(
                p[:-1] if p.upper().startswith("UNTIL=") and p.endswith("Z") else p
                for p in text.split(";")
            )
            try:
                parsed = rrule.rrulestr(text, dtstart=naive, ignoretz=True)
            except (ValueError, TypeError) as exc:
                raise ValueError(f"a recurrence rule that cannot be read ({exc})") from exc
            window_start = dt.datetime.combine(since, dt.time.min)
            window_end = dt.datetime.combine(until, dt.time.max)
            for count, when in enumerate(parsed.xafter(window_start, inc=True)):
                if when > window_end or count >= MAX_OCCURRENCES:
                    break
                days.add(when.date())
    else:
        days.add(day)
    days.update(d for d in _dates(event, "RDATE"))
    days.difference_update(_dates(event, "EXDATE"))
    return sorted(d for d in days if since <= d <= until)


def parse(
    path: Path, *, since: dt.date, until: dt.date, source: str | None = None
) -> Iterator[Record]:
    """Each meeting (each occurrence of a recurring one) in [since, until] as an interaction."""
    name = source or path.name
    if path.stat().st_size > MAX_BYTES:
        raise ImportParseError(name, None, "a calendar larger than 200 MB is not read")
    with decoding.open_text(path, name) as (text, _decoded):
        content = text.read()
    try:
        calendars = icalendar.Calendar.from_ical(content, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError, RecursionError) as exc:
        raise ImportParseError(name, None, f"not a readable iCalendar file ({exc})") from exc
    events: list[Any] = [c for cal in calendars for c in cal.walk("VEVENT")]
    overrides: dict[tuple[str, dt.date], Any] = {}
    for event in events:
        rid = event.get("RECURRENCE-ID")
        if rid is not None and event.get("UID") is not None:
            day = _date(rid)
            if day is not None:
                overrides[(str(event["UID"]), day)] = event
    for number, event in enumerate(events, 1):
        if event.get("RECURRENCE-ID") is not None:
            continue  # handled with its master, below
        uid = str(event.get("UID")) if event.get("UID") is not None else None
        if not _people(event) and not any(k[0] == uid for k in overrides):
            yield Skip(name, number, "a meeting without attendees")
            continue
        try:
            days = _occurrences(event, since, until)
        except ValueError as exc:
            yield BadRow(name, number, str(exc))
            continue
        if not days and _date(event.get("DTSTART")) is None:
            yield BadRow(name, number, "an event without a start (DTSTART)")
            continue
        for day in days:
            actual = overrides.pop((uid, day), event) if uid else event
            yield _record(actual, day, name, number)
    for (uid, day), event in overrides.items():
        moved = _date(event.get("DTSTART")) or day
        if since <= moved <= until:
            yield _record(event, moved, name, None)
        del uid


def _record(event: Any, day: dt.date, source: str, number: int | None) -> Record:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return Skip(source, number, "a cancelled meeting")
    if str(event.get("TRANSP", "")).upper() == "TRANSPARENT" and not event.get("ATTENDEE"):
        return Skip(source, number, "free time, not a meeting")
    people = _people(event)
    if not people:
        return Skip(source, number, "a meeting without attendees")
    summary = event.get("SUMMARY")
    return InteractionRecord(
        source=source,
        line=number,
        kind="meeting",
        date=day,
        people=people,
        note=str(summary).strip() or None if summary is not None else None,
        minutes=_minutes(event),
        tie_source="calendar",
    )
