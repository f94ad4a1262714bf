"""iCalendar meetings → interaction records (recurrences expanded inside the dates asked for).

The file is read as content lines (icalendar's parser, one line at a time) and only the
properties of a meeting that whoknows uses are read from each VEVENT. So a bad value in
a part it doesn't use (an alarm's trigger, a timezone's offset) costs nothing, a bad
value in a meeting is that meeting's bad record, named by its line, and the rest of the
calendar is kept. Recurrences are bounded by their count and by the dates asked for:
no rule can make an import run on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from icalendar.parser import Contentline
from icalendar.prop import vDDDLists, vDDDTypes, vDuration

from whoknows.errors import ImportParseError
from whoknows.importers import decoding, recurrence
from whoknows.importers.records import (
    BadRow,
    Contact,
    InteractionRecord,
    LeftOut,
    Notice,
    Record,
    Skip,
)

MAX_BYTES = 200 * 1024 * 1024
_LEFT_OUT = {"ROOM", "RESOURCE"}
_WANTED = {
    "UID",
    "DTSTART",
    "DTEND",
    "DURATION",
    "RRULE",
    "RDATE",
    "EXDATE",
    "RECURRENCE-ID",
    "SUMMARY",
    "STATUS",
    "TRANSP",
    "ORGANIZER",
    "ATTENDEE",
}
_ADDRESS = re.compile(r"^[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+\.[^@\s<>\"(),;:.]+$")


_Bad = recurrence.Unreadable  # a meeting whose property can't be read (the message names it)


@dataclass
class Event:
    """One VEVENT: where it starts in the file and its properties, as (params, value)."""

    line: int
    props: dict[str, list[tuple[dict[str, str], str, int]]] = field(default_factory=dict)

    def first(self, name: str) -> tuple[dict[str, str], str, int] | None:
        found = self.props.get(name)
        return found[0] if found else None


def _logical(path: Path, source: str) -> Iterator[tuple[int, str]]:
    """Unfolded content lines, each decoded on its own, with the line they start on."""
    announced, decoder = decoding.prepare(path, source)
    with path.open("rb") as raw:
        lines: Iterator[bytes] = (
            (line.encode("utf-8") for line in decoding.lines_of(raw, announced, decoder))
            if announced
            else decoding.byte_lines(raw, source)
        )
        pending: bytes | None = None
        start = 0
        for number, data in enumerate(lines, 1):
            data = data.rstrip(b"\r\n")
            if pending is not None and data[:1] in (b" ", b"\t"):
                pending += data[1:]
                continue
            if pending is not None:
                yield start, decoder.text(pending, start)
            pending, start = (data, number) if data.strip() else (None, number)
        if pending is not None:
            yield start, decoder.text(pending, start)
    for notice in decoder.notices():
        yield 0, f"\x00{notice.message}"


def events(path: Path, source: str) -> Iterator[Event | BadRow | Notice]:
    """The VEVENTs of PATH (in any calendar, or bare), with their own properties only."""
    stack: list[tuple[str, int]] = []
    current: Event | None = None
    for number, text in _logical(path, source):
        if number == 0:
            yield Notice(source, None, text[1:])
            continue
        head = text.split(":", 1)[0].split(";", 1)[0].strip().upper()
        if head in {"BEGIN", "END"}:
            component = text.split(":", 1)[1].strip().upper() if ":" in text else ""
            if head == "BEGIN":
                stack.append((component, number))
                if component == "VEVENT" and current is None:
                    current = Event(number)
            elif stack and stack[-1][0] == component:
                stack.pop()
                if component == "VEVENT" and current is not None and not _inside(stack):
                    if "_skip" not in current.props:
                        yield current
                    current = None
            continue
        if current is None or stack[-1][0] != "VEVENT" or head not in _WANTED:
            continue  # alarms, timezones and properties whoknows doesn't use are not read
        if "\x00" in text:
            if "_skip" not in current.props:
                yield BadRow(source, current.line, f"a NUL byte in {head} (line {number})")
            current.props["_skip"] = []
            continue
        try:
            name, params, value = Contentline(text).parts()
        except (ValueError, IndexError, KeyError) as exc:
            if head in {"DTSTART", "RRULE", "RECURRENCE-ID"}:
                current.props.setdefault("_bad", []).append(({}, f"{head} ({exc})", number))
            continue
        current.props.setdefault(name.upper(), []).append(
            ({k.upper(): str(v) for k, v in params.items()}, str(value), number)
        )
    for component, number in reversed(stack):
        if component in {"VEVENT", "VCALENDAR"}:
            yield BadRow(
                source,
                number,
                f"the file ends inside the {component} begun here; is it complete?",
            )
            break


def _inside(stack: list[tuple[str, int]]) -> bool:
    return any(c == "VEVENT" for c, _ in stack)


def _when(event: Event, name: str) -> dt.datetime | dt.date | None:
    found = event.first(name)
    if found is None:
        return None
    params, value, number = found
    try:
        tzid = params.get("TZID")
        parsed = vDDDTypes.from_ical(value, timezone=tzid) if tzid else vDDDTypes.from_ical(value)
    except Exception as exc:
        raise _Bad(f"{name} {value[:40]!r} is not a date (line {number})") from exc
    if isinstance(parsed, tuple):  # a PERIOD: its start
        parsed = parsed[0]
    if not isinstance(parsed, dt.date):
        raise _Bad(f"{name} {value[:40]!r} is not a date (line {number})")
    return parsed


def _day(value: dt.datetime | dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _dates(event: Event, name: str) -> list[dt.date]:
    found: list[dt.date] = []
    for params, value, _number in event.props.get(name, []):
        try:
            tzid = params.get("TZID")
            items = (
                vDDDLists.from_ical(value, timezone=tzid) if tzid else vDDDLists.from_ical(value)
            )
        except Exception:
            continue  # one unreadable RDATE/EXDATE is left out, not the meeting
        for item in items if isinstance(items, list) else [items]:
            one = item[0] if isinstance(item, tuple) else item
            if isinstance(one, dt.date):
                found.append(_day(one))
    return found


def _people(event: Event) -> tuple[Contact, ...]:
    people: dict[str, Contact] = {}
    entries = event.props.get("ORGANIZER", []) + event.props.get("ATTENDEE", [])
    for params, value, _number in entries:
        if params.get("PARTSTAT", "").upper() == "DECLINED":
            continue
        if params.get("CUTYPE", "").upper() in _LEFT_OUT:
            continue
        address = value.strip()
        if address.lower().startswith("mailto:"):
            address = address[7:].strip()
        if not _ADDRESS.match(address):
            continue  # a malformed ORGANIZER or ATTENDEE is nobody
        name = params.get("CN", "").strip() or None
        key = address.lower()
        if key not in people or (name and not people[key].name):
            people[key] = Contact(address, name)
    return tuple(people.values())


def _minutes(event: Event, start: dt.datetime | dt.date) -> int | None:
    try:
        end = _when(event, "DTEND")
    except _Bad:
        end = None
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
        if (start.tzinfo is None) != (end.tzinfo is None):
            start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
        return max(0, int((end - start).total_seconds() // 60)) or None
    duration = event.first("DURATION")
    if duration is not None:
        try:
            value = vDuration.from_ical(duration[1])
        except Exception:
            return None
        if isinstance(value, dt.timedelta):
            return max(0, int(value.total_seconds() // 60)) or None
    return None


def _rule_text(event: Event) -> tuple[str, int] | None:
    found = event.first("RRULE")
    if found is None:
        return None
    _params, value, number = found
    # UNTIL may be in UTC while DTSTART is floating here: compare in one (naive) frame
    parts = [p.strip() for p in value.replace(" ", "").split(";") if p.strip()]
    parts = [
        p[:-1] if p.upper().startswith("UNTIL=") and p.endswith(("Z", "z")) else p for p in parts
    ]
    return ";".join(parts), number


def _occurrences(
    event: Event, start: dt.datetime | dt.date, since: dt.date, until: dt.date, notes: list[str]
) -> list[dt.date]:
    """The days EVENT happens on inside [since, until]."""
    first = _day(start)
    days: set[dt.date] = {first}
    rule = _rule_text(event)
    if rule is not None:
        text, number = rule
        days.update(recurrence.expand(text, number, start, since, until, notes))
    days.update(_dates(event, "RDATE"))
    days.difference_update(_dates(event, "EXDATE"))
    return sorted(d for d in days if since <= d <= until)


@dataclass
class _Window:
    since: dt.date
    until: dt.date
    before: int = 0
    after: int = 0
    earliest: dt.date | None = None
    latest: dt.date | None = None

    def outside(self, first: dt.date, recurring: bool) -> None:
        if first < self.since:
            self.before += 1
            self.earliest = min(self.earliest or first, first)
        elif first > self.until and not recurring:
            self.after += 1
            self.latest = max(self.latest or first, first)


def parse(
    path: Path, *, since: dt.date, until: dt.date, source: str | None = None
) -> Iterator[Record]:
    """Each meeting (each occurrence of a recurring one) in [since, until] as an interaction;
    then how many meetings the dates left out."""
    name = source or path.name
    if path.stat().st_size > MAX_BYTES:
        raise ImportParseError(name, None, "a calendar larger than 200 MB is not read")
    found: list[Event] = []
    for item in events(path, name):
        if isinstance(item, Event):
            found.append(item)
        else:
            yield item
    overrides: dict[tuple[str, dt.date], Event] = {}
    for event in found:
        if event.first("RECURRENCE-ID") is not None and event.first("UID") is not None:
            try:
                when = _when(event, "RECURRENCE-ID")
            except _Bad:
                continue
            if when is not None:
                overrides[(event.props["UID"][0][1], _day(when))] = event
    window = _Window(since, until)
    notes = recurrence.Notes()
    for event in found:
        if event.first("RECURRENCE-ID") is not None:
            continue  # handled with its master, below
        try:
            yield from _meetings(event, name, window, overrides, notes)
        except _Bad as exc:
            yield BadRow(name, event.line, str(exc))
    for (_uid, day), event in overrides.items():
        try:
            moved = _when(event, "DTSTART")
        except _Bad:
            moved = None
        on = _day(moved) if moved is not None else day
        if since <= on <= until:
            yield _record(event, on, name)
    for note in notes[:50]:
        yield Notice(name, None, note)
    if window.before or window.after:
        yield LeftOut(
            name, window.before, window.after, window.earliest, window.latest, since, until
        )


def _meetings(
    event: Event,
    source: str,
    window: _Window,
    overrides: dict[tuple[str, dt.date], Event],
    notes: list[str],
) -> Iterator[Record]:
    if "_bad" in event.props:
        raise _Bad(f"cannot read {event.props['_bad'][0][1]}")
    uid = event.props["UID"][0][1] if event.first("UID") else None
    moved = uid is not None and any(key[0] == uid for key in overrides)
    if not _people(event) and not moved:
        yield Skip(source, event.line, "a meeting without attendees")
        return
    start = _when(event, "DTSTART")
    if start is None:
        yield Skip(source, event.line, "a meeting without a start (a reply or a cancellation)")
        return
    days = _occurrences(event, start, window.since, window.until, notes)
    if not days:
        window.outside(_day(start), event.first("RRULE") is not None)
    for day in days:
        actual = overrides.pop((uid, day), event) if uid else event
        yield _record(actual, day, source)


def _record(event: Event, day: dt.date, source: str) -> Record:
    status = event.first("STATUS")
    if status is not None and status[1].strip().upper() == "CANCELLED":
        return Skip(source, event.line, "a cancelled meeting")
    transp = event.first("TRANSP")
    if (
        transp is not None
        and transp[1].strip().upper() == "TRANSPARENT"
        and not event.props.get("ATTENDEE")
    ):
        return Skip(source, event.line, "free time, not a meeting")
    people = _people(event)
    if not people:
        return Skip(source, event.line, "a meeting without attendees")
    summary = event.first("SUMMARY")
    try:
        start = _when(event, "DTSTART")
    except _Bad:
        start = None
    return InteractionRecord(
        source=source,
        line=event.line,
        kind="meeting",
        date=day,
        people=people,
        note=_unescape(summary[1]).strip() or None if summary is not None else None,
        minutes=_minutes(event, start) if start is not None else None,
        tie_source="calendar",
    )


def _unescape(value: str) -> str:
    return (
        value.replace("\\N", "\n")
        .replace("\\n", "\n")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\\\", "\\")
    )
