"""Frozen dataclasses and vocabularies for the domain words of DESIGN.md §2."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Stage(StrEnum):
    """Where a relationship with me stands."""

    MET = "met"
    CONNECTED = "connected"
    ONE_TO_ONE = "one-to-one"
    TRUSTED = "trusted"
    ADVOCATE = "advocate"
    DORMANT = "dormant"


class InteractionKind(StrEnum):
    """Something that happened between me and one or more people."""

    EVENT = "event"
    ONE_TO_ONE = "one-to-one"
    COFFEE = "coffee"
    CALL = "call"
    MEETING = "meeting"
    EMAIL = "email"
    MESSAGE = "message"


class TieSource(StrEnum):
    """How I know that two people know each other."""

    TOLD = "told"
    LINKEDIN = "linkedin"
    EMAIL = "email"
    CALENDAR = "calendar"
    EVENT = "event"
    COLLEAGUE = "colleague"
    MANUAL = "manual"


@dataclass(frozen=True)
class Organization:
    id: int
    name: str
    domain: str | None = None
    industry: str | None = None
    size: int | None = None
    city: str | None = None


@dataclass(frozen=True)
class Person:
    """Anyone in the network, me included."""

    id: int
    name: str
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    organization: str | None = None
    role: str | None = None
    industry: str | None = None
    city: str | None = None
    tags: tuple[str, ...] = ()
    stage: Stage | None = None
    notes: str | None = None
    serves: str | None = None
    asks: str | None = None
    offers: str | None = None
    trust: int | None = None
    met_where: str | None = None
    met_on: dt.date | None = None
    is_me: bool = False

    def label(self) -> str:
        """A short human label: name, then organization and first email when known."""
        extra = [x for x in (self.organization, self.emails[0] if self.emails else None) if x]
        return f"#{self.id} {self.name}" + (f" ({', '.join(extra)})" if extra else "")


@dataclass(frozen=True)
class Tie:
    """An undirected 'knows' between two people; a is the smaller id."""

    a: int
    b: int
    strength: float | None
    source: TieSource
    since: dt.date | None = None
    last_seen: dt.date | None = None


@dataclass(frozen=True)
class Interaction:
    id: int
    kind: InteractionKind
    date: dt.date
    people: tuple[int, ...]
    note: str | None = None
    minutes: int | None = None
    event_id: int | None = None


@dataclass(frozen=True)
class Event:
    id: int
    name: str
    date: dt.date
    place: str | None = None
    note: str | None = None
    attendees: tuple[Attendee, ...] = field(default=())


@dataclass(frozen=True)
class Attendee:
    """A person I met at an event, and whether they 'get' Give to Get."""

    person_id: int
    name: str
    gets_it: bool = False


@dataclass(frozen=True)
class PersonRef:
    """A person as an answer names them: their id and name."""

    id: int
    name: str
