"""Exports: vCard 4.0 (re-imports to the same people) and CSV safe in a spreadsheet."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from whoknows import files
from whoknows.importers import whoknows_csv
from whoknows.services import backup, imports
from whoknows.services.store import Store
from whoknows.storage import export_rows as rows

if TYPE_CHECKING:
    from whoknows.storage import schema as s
from whoknows.storage.people_index import own_uid_prefix

CSV_COLUMNS = (
    "uid",
    "name",
    "emails",
    "phones",
    "organization",
    "role",
    "industry",
    "city",
    "tags",
    "stage",
    "links",
    "notes",
    "serves",
    "asks",
    "offers",
    "trust",
    "met_where",
    "met_on",
    "birthday",
)
PRODID = "-//whoknows//whoknows export//EN"
# whoknows's own fields in a vCard: read back by importers/vcard.py (vcard.OWN)
OWN_FIELDS = (
    ("X-WHOKNOWS-INDUSTRY", "industry"),
    ("X-WHOKNOWS-SERVES", "serves"),
    ("X-WHOKNOWS-ASKS", "asks"),
    ("X-WHOKNOWS-OFFERS", "offers"),
    ("X-WHOKNOWS-STAGE", "stage"),
    ("X-WHOKNOWS-TRUST", "trust"),
    ("X-WHOKNOWS-MET-WHERE", "met_where"),
    ("X-WHOKNOWS-MET-ON", "met_on"),
)


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ tab or CR gets a quote first (and
    a leading quote another, so that the import takes back only what was added)."""
    return "'" + value if value.startswith(whoknows_csv.QUOTED) else value


def escape(value: str) -> str:
    """vCard 4.0 text escaping: backslash, comma, semicolon and line breaks."""
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold at 75 octets without splitting a UTF-8 character (RFC 6350 §3.2)."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out) + "\r\n"


def bday(value: str) -> str:
    """A stored birthday (YYYY-MM-DD or --MM-DD) as a vCard 4.0 BDAY line (basic format)."""
    if len(value) == 10 and value[4] == "-" and value[:4].isdigit():
        return f"BDAY:{value.replace('-', '')}"
    if len(value) == 7 and value.startswith("--"):
        return f"BDAY:--{value[2:4]}{value[5:7]}"
    return f"BDAY;VALUE=text:{escape(value)}"


def card(
    person: s.Person,
    links: list[tuple[str, str]],
    extras: list[tuple[str, str]] | None = None,
    uid: str | None = None,
) -> str:
    """One person as a vCard 4.0: every field whoknows keeps, as properties its import reads
    back (standard ones where they exist, X-WHOKNOWS-* otherwise). UID names the person in
    this database, so importing the export again finds them."""
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"PRODID:{PRODID}", f"FN:{escape(person.name)}"]
    if uid:
        lines.append(f"UID:{uid}")
    lines += [f"EMAIL:{escape(e.email)}" for e in person.emails]
    lines += [f"TEL;VALUE=uri:tel:{p.phone}" for p in person.phones]
    if person.organization is not None:
        lines.append(f"ORG:{escape(person.organization.name)}")
    if person.role:
        lines.append(f"TITLE:{escape(person.role)}")
    if person.city:
        lines.append(f"ADR:;;;{escape(person.city)};;;")
    if person.notes:
        lines.append(f"NOTE:{escape(person.notes)}")
    if person.tags:
        lines.append("CATEGORIES:" + ",".join(escape(t.tag) for t in person.tags))
    for kind, url in links:
        lines.append(f"URL;TYPE={kind}:{url}" if kind.isalnum() else f"URL:{url}")
    for key, column in OWN_FIELDS:
        value = getattr(person, column)
        if value not in (None, ""):
            text = value.isoformat() if hasattr(value, "isoformat") else str(value)
            lines.append(f"{key}:{escape(text)}")
    for key, value in extras or ():
        if key == imports.BIRTHDAY:
            lines.append(bday(value))
        elif key == "RELATED":
            lines.append(f"RELATED;VALUE=text:{escape(value)}")
        elif key.startswith("X-"):
            lines.append(f"{key}:{value}")  # kept as read: already in vCard form
    lines.append("END:VCARD")
    return "".join(fold(line) for line in lines)


def export_vcard(store: Store, path: Path) -> int:
    """Every person (and every organization, as KIND:org) to PATH; returns how many cards."""
    count = 0
    with store.read() as session, files.atomic_write(path) as out:
        links = rows.links(session, store.owner_id)
        extras = rows.extras(session, store.owner_id)
        prefix = own_uid_prefix(session, store.owner_id)
        for person in rows.people(session, store.owner_id):
            uid = f"{prefix}{person.id}"
            out.write(card(person, links.get(person.id, []), extras.get(person.id), uid))
            count += 1
        for org in rows.organizations(session, store.owner_id):
            out.write(
                "".join(
                    fold(line)
                    for line in (
                        "BEGIN:VCARD",
                        "VERSION:4.0",
                        "KIND:org",
                        f"FN:{escape(org.name)}",
                        f"ORG:{escape(org.name)}",
                        "END:VCARD",
                    )
                )
            )
            count += 1
    return count


def export_csv(store: Store, path: Path) -> int:
    """Every person to PATH as CSV (UTF-8 with BOM, so spreadsheets read it as UTF-8), every
    field whoknows keeps; `whoknows import` reads it back (importers/whoknows_csv.py)."""
    count = 0
    with store.read() as session, files.atomic_write(path) as out:
        out.write("\ufeff")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        links = rows.links(session, store.owner_id)
        extras = rows.extras(session, store.owner_id)
        prefix = own_uid_prefix(session, store.owner_id)
        for p in rows.people(session, store.owner_id):
            born = next((v for k, v in extras.get(p.id, []) if k == imports.BIRTHDAY), "")
            row = [
                f"{prefix}{p.id}",
                p.name,
                "; ".join(e.email for e in p.emails),
                "; ".join(x.phone for x in p.phones),
                p.organization.name if p.organization else "",
                p.role or "",
                p.industry or "",
                p.city or "",
                "; ".join(t.tag for t in p.tags),
                p.stage or "",
                " ".join(url for _kind, url in links.get(p.id, [])),
                p.notes or "",
                p.serves or "",
                p.asks or "",
                p.offers or "",
                str(p.trust) if p.trust else "",
                p.met_where or "",
                p.met_on.isoformat() if p.met_on else "",
                born,
            ]
            writer.writerow([safe_cell(cell) for cell in row])
            count += 1
    return count


def export_json(store: Store, path: Path) -> dict[str, int]:
    """The full backup (services.backup): `whoknows restore` reads it back."""
    return backup.backup(store, path)
