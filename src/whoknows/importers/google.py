"""Google Contacts CSV (current "Label" and legacy "Type" layouts) → person records."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from whoknows.importers import decoding
from whoknows.importers.records import BadRow, PersonRecord, Record, Skip

MULTI = " ::: "
# Google's own groups, not the user's: never turned into tags.
SYSTEM_GROUPS = {"* mycontacts", "mycontacts", "* starred", "* friends", "* family", "* coworkers"}
_NUMBERED = re.compile(r"^(E-mail|Phone|Website|Organization|Address|Relation) (\d+) - (.+)$")


def is_header(row: list[str]) -> bool:
    cells = set(row)
    return bool(
        {"E-mail 1 - Value", "Phone 1 - Value", "Group Membership", "Labels", "Given Name"} & cells
    ) and bool({"Name", "First Name", "Given Name"} & cells)


def _multi(value: str) -> list[str]:
    return [v.strip() for v in value.split(":::") if v.strip()]


def _numbered(row: dict[str, str]) -> dict[str, dict[str, dict[str, str]]]:
    """{"E-mail": {"1": {"Value": …, "Label": …}}, …} from the numbered columns."""
    found: dict[str, dict[str, dict[str, str]]] = {}
    for column, value in row.items():
        match = _NUMBERED.match(column)
        if match and value.strip():
            kind, number, part = match.groups()
            found.setdefault(kind, {}).setdefault(number, {})[part] = value.strip()
    return found


def to_record(row: dict[str, str], source: str, line: int) -> PersonRecord | BadRow | Skip:
    groups = _numbered(row)

    def values(kind: str) -> list[str]:
        out: list[str] = []
        for _number, parts in sorted(groups.get(kind, {}).items(), key=lambda x: int(x[0])):
            out.extend(_multi(parts.get("Value", "")))
        return out

    def first(*columns: str) -> str:
        for column in columns:
            if (row.get(column) or "").strip():
                return row[column].strip()
        return ""

    name = first("Name")
    if not name:
        parts = [first("First Name", "Given Name"), first("Middle Name", "Additional Name")]
        parts.append(first("Last Name", "Family Name"))
        name = " ".join(p for p in parts if p)
    org_parts = groups.get("Organization", {}).get("1", {})
    organization = first("Organization Name") or org_parts.get("Name", "")
    role = first("Organization Title") or org_parts.get("Title", "")
    emails = values("E-mail")
    if not name:
        name = organization or (emails[0] if emails else "")
    if not name:
        return Skip(source, line, "a contact with no name, organization or email")
    labels = _multi(first("Labels", "Group Membership"))
    tags = [t.removeprefix("* ").strip() for t in labels if t.casefold() not in SYSTEM_GROUPS]
    links = [("linkedin" if "linkedin" in u.lower() else "web", u) for u in values("Website")]
    addresses = groups.get("Address", {}).get("1", {})
    relations = values("Relation")
    return PersonRecord(
        source=source,
        line=line,
        name=name,
        emails=tuple(emails),
        phones=tuple(values("Phone")),
        links=tuple(links),
        organization=organization or None,
        role=role or None,
        city=addresses.get("City") or None,
        notes=first("Notes") or None,
        tags=tuple(t for t in dict.fromkeys(tags) if t),
        birthday=first("Birthday") or None,
        extra=tuple(("X-ABRELATEDNAMES", r) for r in relations),
    )


def rows(lines: Iterable[str], source: str) -> Iterator[Record]:
    for line, row in decoding.csv_rows(lines, source, is_header):
        yield BadRow(source, line, row) if isinstance(row, str) else to_record(row, source, line)


def parse(path: Path, source: str | None = None) -> Iterator[Record]:
    name = source or path.name
    with decoding.open_lines(path, name) as (lines, decoder):
        yield from rows(lines, name)
    yield from decoder.notices()
