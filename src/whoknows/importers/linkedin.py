"""LinkedIn's Connections.csv (and the export .zip that holds it) → person records."""

from __future__ import annotations

import datetime as dt
import functools
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from whoknows.core import identity
from whoknows.errors import ImportParseError
from whoknows.importers import decoding
from whoknows.importers.records import BadRow, Notice, PersonRecord, Record, Skip

REQUIRED = {"First Name", "Last Name"}
MARKERS = {"URL", "Profile URL", "Connected On"}
_DATE_FORMATS = ("%d %b %Y", "%d-%b-%y", "%d-%b-%Y", "%Y-%m-%d", "%m/%d/%y", "%m/%d/%Y")


def is_header(row: list[str]) -> bool:
    return REQUIRED <= set(row) and bool(MARKERS & set(row)) and len(row) <= 12


def normalize_url(url: str) -> str:
    """One form per profile: https://www.linkedin.com/in/<id> (no query, no slash, lower case)."""
    return identity.linkedin_url(url)


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


def rows(lines: Iterable[str], source: str) -> Iterator[Record]:
    for line, row in decoding.csv_rows(lines, source, is_header):
        if isinstance(row, str):
            yield BadRow(source, line, row)
            continue
        name = " ".join(p for p in (row["First Name"].strip(), row["Last Name"].strip()) if p)
        url = (row.get("URL") or row.get("Profile URL") or "").strip()
        email = (row.get("Email Address") or "").strip()
        if not name:
            # LinkedIn leaves names out for members who hid them: nothing to match on
            yield Skip(source, line, "a connection whose name LinkedIn hides")
            continue
        try:
            met = parse_date(row.get("Connected On") or "")
        except ValueError as exc:  # an optional field: the person is kept, the date left out
            yield Notice(source, line, f"{exc}; left out")
            met = None
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
    with decoding.open_lines(path, name) as (lines, decoder):
        yield from rows(lines, name)
    yield from decoder.notices()


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
        decoder = decoding.Decoder(member)
        try:
            with archive.open(members[0]) as first:
                announced = decoding.sniff(first.read(4))
            data = archive.open(members[0])
        except (zipfile.BadZipFile, RuntimeError, OSError) as exc:
            raise ImportParseError(member, None, f"cannot read it ({exc})") from exc
        with data:
            try:
                yield from rows(decoding.lines_of(data, announced, decoder), member)
            except (UnicodeDecodeError, zipfile.BadZipFile, EOFError) as exc:
                raise ImportParseError(member, None, f"cannot read it ({exc})") from exc
        yield from decoder.notices()
