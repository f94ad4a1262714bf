"""Outlook CSV (Outlook.com, the 88-column desktop export, the wizard) → person records.

Headers are read through an alias table, so localized exports (German, French,
Spanish, Dutch) and the three English layouts all land on the same fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from whoknows.importers import decoding
from whoknows.importers.records import BadRow, PersonRecord, Record, Skip

ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("Name", "Display Name", "Anzeigename", "Nom complet", "Nombre para mostrar"),
    "first": ("First Name", "Vorname", "Prénom", "Nombre", "Voornaam"),
    "middle": ("Middle Name", "Weitere Vornamen", "Deuxième prénom", "Segundo nombre"),
    "last": ("Last Name", "Nachname", "Nom", "Apellidos", "Achternaam"),
    "company": ("Company", "Firma", "Société", "Organización", "Bedrijf", "Organisation"),
    "role": ("Job Title", "Position", "Fonction", "Puesto", "Functie"),
    "email": (
        "E-mail Address",
        "Email Address",
        "E-Mail-Adresse",
        "Adresse de messagerie",
        "Dirección de correo electrónico",
        "E-mailadres",
    ),
    "email2": ("E-mail 2 Address", "E-Mail 2: Adresse", "Adresse de messagerie 2"),
    "email3": ("E-mail 3 Address", "E-Mail 3: Adresse", "Adresse de messagerie 3"),
    "mobile": ("Mobile Phone", "Mobiltelefon", "Tél. mobile", "Teléfono móvil", "Mobiele telefoon"),
    "business": (
        "Business Phone",
        "Telefon geschäftlich",
        "Téléphone bureau",
        "Teléfono del trabajo",
        "Telefoon op werk",
    ),
    "home": ("Home Phone", "Telefon privat", "Téléphone domicile", "Particular"),
    "primary": ("Primary Phone",),
    "other_phone": ("Other Phone", "Weiteres Telefon", "Autre téléphone"),
    "notes": ("Notes", "Notizen", "Notas", "Notities"),
    "categories": ("Categories", "Kategorien", "Catégories", "Categorías", "Categorieën"),
    "city": ("Business City", "Ort geschäftlich", "Ville (bureau)", "Home City", "Ort privat"),
    "web": ("Web Page", "Webseite", "Page Web", "Página Web"),
    "referred_by": ("Referred By", "Empfohlen von", "Recommandé par", "Recomendado por"),
    "birthday": ("Birthday", "Geburtstag", "Anniversaire", "Cumpleaños", "Verjaardag"),
}
_LOOKUP = {alias.casefold(): field for field, names in ALIASES.items() for alias in names}
_PHONES = ("mobile", "business", "home", "primary", "other_phone")
_EMPTY_DATES = {"0/0/00", "00.00.00", "1/1/1601", "0000-00-00"}


def canonical(header: str) -> str | None:
    return _LOOKUP.get(header.strip().casefold())


def is_header(row: list[str]) -> bool:
    fields = {canonical(c) for c in row}
    has_email = bool({"email"} & fields)
    has_name = bool({"first", "last", "name"} & fields)
    return has_name and (has_email or len(fields - {None}) >= 4) and "E-mail 1 - Value" not in row


def to_record(row: dict[str, str], source: str, line: int) -> PersonRecord | Skip:
    fields: dict[str, str] = {}
    for column, value in row.items():
        field = canonical(column)
        if field and value.strip() and field not in fields:
            fields[field] = value.strip()
    name = fields.get("name") or " ".join(
        fields[k] for k in ("first", "middle", "last") if k in fields
    )
    emails = [fields[k] for k in ("email", "email2", "email3") if k in fields]
    # Exchange accounts export an X.500 path instead of an address: not usable
    emails = [e for e in emails if not e.upper().startswith("/O=")]
    if not name:
        name = fields.get("company") or (emails[0] if emails else "")
    if not name:
        return Skip(source, line, "a contact with no name, company or email")
    categories = fields.get("categories", "")
    tags = [t.strip() for t in categories.replace(";", ",").split(",") if t.strip()]
    birthday = fields.get("birthday")
    web = fields.get("web")
    return PersonRecord(
        source=source,
        line=line,
        name=name,
        emails=tuple(emails),
        phones=tuple(fields[k] for k in _PHONES if k in fields),
        links=((("linkedin" if "linkedin" in web.lower() else "web"), web),) if web else (),
        organization=fields.get("company"),
        role=fields.get("role"),
        city=fields.get("city"),
        notes=fields.get("notes"),
        tags=tuple(dict.fromkeys(tags)),
        birthday=None if birthday in _EMPTY_DATES else birthday,
        referred_by=fields.get("referred_by"),
    )


def rows(lines: Iterable[str], source: str) -> Iterator[Record]:
    for line, row in decoding.csv_rows(lines, source, is_header):
        yield BadRow(source, line, row) if isinstance(row, str) else to_record(row, source, line)


def parse(path: Path, source: str | None = None) -> Iterator[Record]:
    name = source or path.name
    with decoding.open_lines(path, name) as (lines, decoder):
        yield from rows(lines, name)
    yield from decoder.notices()
