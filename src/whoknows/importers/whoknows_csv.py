"""whoknows's own CSV export (`whoknows export csv`) → person records, every field back.

The export neutralizes cells a spreadsheet would run as formulas with a leading quote (and
quotes a cell that starts with a quote, so that one reads back unchanged); that quote is
taken off again here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path

from whoknows.core import identity
from whoknows.importers import decoding
from whoknows.importers.records import BadRow, Notice, PersonRecord, Record, Skip

FORMULA = ("=", "+", "-", "@", "\t", "\r")
QUOTED = (*FORMULA, "'")  # what the export quotes
SCOPE = "vcard:-//whoknows//whoknows export//EN"  # the UIDs are the vCard export's


def is_header(row: list[str]) -> bool:
    return {"uid", "name", "emails", "phones", "organization"} <= set(row)


def _cell(value: str) -> str:
    """A cell as whoknows wrote it: without the quote that kept a formula from running."""
    return value[1:] if value.startswith("'") and value[1:2] in QUOTED else value


def _many(value: str, sep: str = "; ") -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(sep.strip()) if v.strip())


def to_record(row: dict[str, str], source: str, line: int) -> list[Record]:
    cells = {k: _cell(v) for k, v in row.items()}
    if not cells.get("name", "").strip():
        return [Skip(source, line, "a row without a name")]
    found: list[Record] = []
    met_on = None
    if cells.get("met_on"):
        try:
            met_on = dt.date.fromisoformat(cells["met_on"])
        except ValueError:
            found.append(
                Notice(source, line, f"met on {cells['met_on']!r} is not a date; left out")
            )
    trust = int(cells["trust"]) if cells.get("trust", "").isdigit() else None
    links = tuple(
        ("linkedin" if identity.is_linkedin(url) else "web", url)
        for url in cells.get("links", "").split()
    )
    found.append(
        PersonRecord(
            source=source,
            line=line,
            name=cells["name"],
            emails=_many(cells.get("emails", "")),
            phones=_many(cells.get("phones", "")),
            links=links,
            organization=cells.get("organization") or None,
            role=cells.get("role") or None,
            city=cells.get("city") or None,
            notes=cells.get("notes") or None,
            tags=_many(cells.get("tags", "")),
            met_on=met_on,
            birthday=cells.get("birthday") or None,
            uid=cells.get("uid") or None,
            scope=SCOPE,
            industry=cells.get("industry") or None,
            serves=cells.get("serves") or None,
            asks=cells.get("asks") or None,
            offers=cells.get("offers") or None,
            stage=cells.get("stage") or None,
            trust=trust,
            met_where=cells.get("met_where") or None,
        )
    )
    return found


def rows(lines: Iterable[str], source: str) -> Iterator[Record]:
    for line, row in decoding.csv_rows(lines, source, is_header):
        if isinstance(row, str):
            yield BadRow(source, line, row)
        else:
            yield from to_record(row, source, line)


def parse(path: Path, source: str | None = None) -> Iterator[Record]:
    name = source or path.name
    with decoding.open_lines(path, name) as (lines, decoder):
        yield from rows(lines, name)
    yield from decoder.notices()
