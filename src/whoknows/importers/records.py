"""The plain records every importer yields and the one merge step consumes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Contact:
    """Someone named in a meeting or a message: a display name and an address."""

    email: str
    name: str | None = None


@dataclass(frozen=True)
class PersonRecord:
    """One person (or, with is_org, one organization) as a source describes them.

    Emails and phones are as found (the merge step normalizes them); links are
    (kind, url) pairs such as ("linkedin", "https://www.linkedin.com/in/jane").
    """

    source: str
    line: int | None
    name: str
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    organization: str | None = None
    role: str | None = None
    city: str | None = None
    notes: str | None = None
    tags: tuple[str, ...] = ()
    met_on: dt.date | None = None
    birthday: str | None = None  # ISO date, or --MM-DD when the year is unknown
    related: tuple[str, ...] = ()  # names of people they know (vCard RELATED, X-ABRELATEDNAMES)
    referred_by: str | None = None
    is_org: bool = False
    extra: tuple[tuple[str, str], ...] = field(default=())  # unknown X- properties


@dataclass(frozen=True)
class InteractionRecord:
    """Something that happened with the people in it: a meeting or a message."""

    source: str
    line: int | None
    kind: str  # an InteractionKind value: meeting, email
    date: dt.date
    people: tuple[Contact, ...]
    note: str | None = None
    minutes: int | None = None
    tie_source: str = "calendar"  # a TieSource value for the ties among the people


@dataclass(frozen=True)
class BadRow:
    """A row or record that could not be read; reported, and fatal unless --skip-bad-rows."""

    source: str
    line: int | None
    reason: str


@dataclass(frozen=True)
class Skip:
    """A record left out on purpose (a mailing list, a declined meeting …), with the reason."""

    source: str
    line: int | None
    reason: str


Record = PersonRecord | InteractionRecord | BadRow | Skip
