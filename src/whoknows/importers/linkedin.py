"""LinkedIn's Connections.csv (and the export .zip that holds it) → person records."""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from whoknows.errors import ImportParseError
from whoknows.importers import decoding
from whoknows.importers.records import BadRow, PersonRecord, Record

REQUIRED = {"First Name", "Last Name"}
MARKERS = {"URL", "Profile URL", "Connected On"}
_DATE_FORMATS = ("%d %b %Y", "%d-%b-%y", "%d-%b-%Y", "%Y-%m-%d", "%m/%d/%y", "%m/%d/%Y")
_PROFILE = re.compile(r"linkedin\.com/(in|pub)/([^/?#\s]+)", re.IGNORECASE)


def is_header(row: list[str]) -> bool:
    return REQUIRED <= set(row) and bool(MARKERS & set(row)) and len(row) <= 12


def normalize_url(url: str) -> str:
    """One form per profile: https://www.linkedin.com/in/<id> (no query, no slash, lower case)."""
    found = _PROFILE.search(url.strip())
    if found is None:
        return url.strip()
    return f"https://www.linkedin.com/{found.group(1).lower()}/{found.group(2).lower()}"


@functools.lru_cache(maxsize=8192)  # a network has a few thousand distinct days
def parse_date(value: str) -> dt.date | None:
    text = value.strip()
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"date {text!r} is not in a form LinkedIn writes (like 15 Mar 2023)")


def rows(text: IO[str], source: str) -> Iterator[Record]:
    for line, row in decoding.csv_rows(text, source, is_header):
        if isinstance(row, str):
            yield BadRow(source, line, row)
            continue
        name = " ".join(p for p in (row["First Name"].strip(), row["Last Name"].strip()) if p)
        url = (row.get("URL") or row.get("Profile URL") or "").strip()
        email = (row.get("Email Address") or "").strip()
        if not name:
            # LinkedIn leaves names out for members who hid them; nothing to match on then
            yield BadRow(source, line, "a connection without a name")
            continue
        try:
            met = parse_date(row.get("Connected On") or "")
        except ValueError as exc:
            yield BadRow(source, line, str(exc))
            continue
        yield PersonRecord(
            source=source,
            line=line,
            name=name,
            emails=(email,) if email else (),
            links=(("linkedin", normalize_url(url)),) if url else (),
            organization=(row.get("Company") or "").strip() or None,
            role=(row.get("Position") or "").strip() or None,
            met_on=met,
        )


def parse(path: Path, source: str | None = None) -> Iterator[Record]:
    name = source or path.name
    with decoding.open_text(path, name) as (text, _decoded):
        yield from rows(text, name)


def parse_zip(path: Path, source: str | None = None) -> Iterator[Record]:
    """The Connections.csv inside a LinkedIn data export .zip."""
    name = source or path.name
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportParseError(name, None, f"not a readable .zip ({exc})") from exc
    with archive:
        members = [m for m in archive.namelist() if m.rsplit("/", 1)[-1] == "Connections.csv"]
        if not members:
            raise ImportParseError(name, None, "this .zip has no Connections.csv (LinkedIn export)")
        member = f"{name}/{members[0]}"
        try:
            with archive.open(members[0]) as first:
                head = first.read(4)
            data = archive.open(members[0])
        except (zipfile.BadZipFile, RuntimeError, OSError) as exc:
            raise ImportParseError(member, None, f"cannot read it ({exc})") from exc
        with data:
            encoding = decoding.sniff(head) or "utf-8-sig"
            text = io.TextIOWrapper(data, encoding=encoding, newline="")
            try:
                yield from rows(text, member)
            except (UnicodeDecodeError, zipfile.BadZipFile, EOFError) as exc:
                raise ImportParseError(member, None, f"cannot read it ({exc})") from exc
