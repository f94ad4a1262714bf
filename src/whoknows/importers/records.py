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
    referred_by: str | None = None  # the name of whoever referred them (Outlook)
    is_org: bool = False
    extra: tuple[tuple[str, str], ...] = field(default=())  # unknown and related-name properties
    uid: str | None = None  # the card's UID, unique within its address book
    scope: str | None = None  # that address book (what the UID is unique in)
    agents: tuple[PersonRecord, ...] = ()  # people the card names in full (vCard AGENT): ties
    # whoknows's own fields, when a file carries them (its own vCard and CSV exports)
    industry: str | None = None
    serves: str | None = None
    asks: str | None = None
    offers: str | None = None
    stage: str | None = None
    trust: int | None = None
    met_where: str | None = None


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


@dataclass(frozen=True)
class Notice:
    """Something the user should hear about a record that was kept (a field left out …)."""

    source: str
    line: int | None
    message: str


@dataclass(frozen=True)
class LeftOut:
    """Meetings a calendar holds outside the dates asked for: how many, and how far."""

    source: str
    before: int
    after: int
    earliest: dt.date | None
    latest: dt.date | None
    since: dt.date
    until: dt.date

    def sentences(self) -> list[str]:
        said = []
        if self.before and self.earliest:
            said.append(
                f"{self.before} meeting{'s' * (self.before != 1)} before {self.since} left out: "
                f"add --since {self.earliest}, or --since all"
            )
        if self.after and self.latest:
            said.append(
                f"{self.after} meeting{'s' * (self.after != 1)} after {self.until} left out: "
                f"add --until {self.latest}"
            )
        return said


Record = PersonRecord | InteractionRecord | BadRow | Skip | Notice | LeftOut
