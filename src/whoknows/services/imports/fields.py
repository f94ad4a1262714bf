"""A record's fields as stored: checked one by one; a bad optional field is left out with a
warning, and the person is kept."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from whoknows.core import identity
from whoknows.core.identity import Identity
from whoknows.errors import UserError
from whoknows.importers.records import PersonRecord
from whoknows.services import validate

BIRTHDAY = "birthday"  # the person_extras key of a birthday: YYYY-MM-DD, or --MM-DD
_DAY = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?$")
_YEARLESS = re.compile(r"^--(\d{2})-?(\d{2})$")

Warn = Callable[[str], None]
_T = TypeVar("_T")


def birthday(value: str) -> str | None:
    """A birthday as stored: YYYY-MM-DD, or --MM-DD when the year is unknown (Google's and
    vCard's yearless form); vCard's basic forms (19800315, --0315) are read too. None when
    it is not a date."""
    text = value.strip()
    found = _DAY.match(text)
    if found:
        year, month, day = (int(g) for g in found.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return None
    found = _YEARLESS.match(text)
    if found:
        month, day = (int(g) for g in found.groups())
        try:
            dt.date(2000, month, day)  # a leap year: --02-29 is a birthday
        except ValueError:
            return None
        return f"--{month:02d}-{day:02d}"
    return None


@dataclass(frozen=True)
class Fields:
    """One person record, checked: what identifies them and what is stored."""

    record: PersonRecord
    identity: Identity
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    links: tuple[tuple[str, str], ...]  # (linkedin|web, url as stored)
    tags: tuple[str, ...]
    extras: tuple[tuple[str, str], ...]
    birthday: str | None
    notes: str | None
    values: dict[str, Any]  # the people columns it gives (role, city, met_on …), checked


# columns of people an import fills in, with the check each value must pass
_LINES = ("role", "city", "industry", "met_where")
_TEXTS = ("serves", "asks", "offers")


class Checker:
    """Checks records' fields; caches addresses (mail names the same people again and again)."""

    def __init__(self, region: str | None) -> None:
        self.region = region
        self._emails: dict[str, str | None] = {}

    def email(self, raw: str) -> str | None:
        found = self._emails.get(raw, "")
        if found == "":
            if len(self._emails) > 200_000:
                self._emails.clear()
            try:
                found = validate.email(raw)
            except UserError:
                found = None
            self._emails[raw] = found
        return found

    def fields(self, record: PersonRecord, warn: Warn) -> Fields:
        emails: list[str] = []
        for raw in record.emails:
            address = self.email(raw)
            if address is None:
                warn(f"email {raw!r} is not valid; left out")
            else:
                emails.append(address)
        phones: list[str] = []
        for raw in record.phones:
            try:
                phones.append(validate.phone(raw, self.region))
            except UserError:
                warn(f"phone {raw!r} has no country code or is not valid; left out")
        links: list[tuple[str, str]] = []
        for kind, url in record.links:
            if not url.strip():
                continue
            if kind == "linkedin" or identity.is_linkedin(url):
                links.append(("linkedin", identity.linkedin_url(url)))
            else:
                links.append(("web", url.strip()))
        tags: list[str] = []
        for raw in record.tags:
            try:
                tags.append(validate.tag(raw)[:100])
            except UserError:
                continue
        day = None
        if record.birthday:
            day = birthday(record.birthday)
            if day is None:
                warn(f"birthday {record.birthday!r} is not a date; left out")
        notes = _text(record.notes)
        emails, phones, links = _unique(emails), _unique(phones), _unique(links)
        linkedin = tuple(u for k, u in links if k == "linkedin")
        websites = tuple(identity.website(u) for k, u in links if k != "linkedin")
        strong = bool(emails or linkedin or record.uid)
        found = Identity(
            record.name.strip(),
            emails=tuple(emails),
            phones=tuple(phones),
            linkedin=linkedin,
            websites=websites,
            uids=((record.scope or "", record.uid),) if record.uid else (),
            organization=record.organization,
            fingerprint=None if strong else _fingerprint(record, phones, websites, notes),
        )
        extras = tuple(dict.fromkeys((k[:100], v) for k, v in record.extra if v))
        return Fields(
            record,
            found,
            tuple(emails),
            tuple(phones),
            tuple(links),
            tuple(dict.fromkeys(tags)),
            extras,
            day,
            notes,
            _values(record, warn),
        )


def _values(record: PersonRecord, warn: Warn) -> dict[str, Any]:
    """The record's values for people's columns; one that fails its check is left out."""
    found: dict[str, Any] = {}
    for column, check in _CHECKS:
        value = getattr(record, column)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            found[column] = check(value, column)
        except UserError as exc:
            warn(f"{column.replace('_', ' ')}: {exc.message}; left out")
    return found


_CHECKS: tuple[tuple[str, Callable[[Any, str], Any]], ...] = (
    *((c, validate.line) for c in _LINES),
    *((c, validate.text) for c in _TEXTS),
    ("stage", lambda v, _c: validate.stage(v).value),
    ("trust", lambda v, _c: validate.trust(v)),
    ("met_on", validate.day),
)


def _unique(items: list[_T]) -> list[_T]:
    return list(dict.fromkeys(items))


def _text(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    return value.replace("\x00", "")[: validate.MAX_TEXT]


def _fingerprint(
    record: PersonRecord, phones: list[str], websites: tuple[str, ...], notes: str | None
) -> str:
    """The same record arriving again (a re-import) has the same fingerprint."""
    content = [
        identity.name_key(record.name),
        identity.org_key(record.organization),
        record.role,
        record.city,
        sorted(phones),
        sorted(websites),
        notes,
        sorted(record.tags),
        record.birthday,
        record.is_org,
    ]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()[:32]
