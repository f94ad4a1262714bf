"""Which kind of file this is, from its content (and whether its name agrees)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from whoknows.errors import ImportParseError
from whoknows.importers import decoding, google, linkedin, mail, outlook, whoknows_csv

KINDS = ("linkedin", "google", "outlook", "vcard", "ics", "mbox", "whoknows")
_HEAD = 64 * 1024
# What each file name ending promises; content must agree (a .csv holding a vCard is refused).
_BY_SUFFIX = {
    ".csv": {"linkedin", "google", "outlook", "whoknows"},
    ".vcf": {"vcard"},
    ".vcard": {"vcard"},
    ".ics": {"ics"},
    ".ical": {"ics"},
    ".ifb": {"ics"},
    ".zip": {"linkedin"},
    ".mbox": {"mbox"},
    ".mbx": {"mbox"},
    ".eml": {"mbox"},
}
_NAMES = {
    "linkedin": "a LinkedIn Connections.csv",
    "google": "a Google Contacts CSV",
    "outlook": "an Outlook CSV",
    "vcard": "a vCard file",
    "ics": "an iCalendar file",
    "mbox": "a mailbox (mbox, Maildir or one message)",
    "whoknows": "a whoknows CSV export",
}


def describe(kind: str) -> str:
    return _NAMES.get(kind, kind)


def _text_head(path: Path) -> str:
    """The start of the file as text. A stray NUL byte in a text file is not binary: the
    format is told by the structure; only mostly-NUL or mostly-control content is."""
    with path.open("rb") as raw:
        head = raw.read(_HEAD)
    encoding = decoding.sniff(head[:4])
    if encoding is None and _binary(head):
        raise ImportParseError(path.name, None, "this is a binary file, not one whoknows imports")
    return head.decode(encoding or "utf-8-sig", errors="replace")


def _binary(head: bytes) -> bool:
    control = sum(head.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13, 27))
    return control > max(1, len(head) // 20)


def _csv_kind(head: str) -> str | None:
    lines = head.splitlines()[:25]
    reader = csv.reader(io.StringIO("\n".join(lines)))
    try:
        for row in reader:
            cells = [c.strip().lstrip("\ufeff") for c in row]
            if whoknows_csv.is_header(cells):
                return "whoknows"
            if linkedin.is_header(cells):
                return "linkedin"
            if google.is_header(cells):
                return "google"
            if outlook.is_header(cells):
                return "outlook"
    except csv.Error:
        return None
    return None


def sniff(path: Path) -> str | None:
    """The kind the content says, or None when it is none of them."""
    if path.is_dir():
        return "mbox" if all((path / d).is_dir() for d in ("cur", "new")) else None
    with path.open("rb") as raw:
        magic = raw.read(4)
    if magic == b"PK\x03\x04":
        return "linkedin"
    head = _text_head(path)
    stripped = head.lstrip("\ufeff \t\r\n")
    upper = stripped[:200].upper()
    if upper.startswith("BEGIN:VCARD"):
        return "vcard"
    if upper.startswith(("BEGIN:VCALENDAR", "BEGIN:VEVENT")):
        return "ics"
    if stripped.startswith("From ") or mail.is_message(stripped):
        return "mbox"
    return _csv_kind(head)


def detect(path: Path, kind: str | None) -> str:
    """The kind to import PATH as; a clear error for empty, garbage or mislabeled files."""
    name = path.name
    if not path.exists():
        raise ImportParseError(str(path), None, "no such file or folder")
    if path.is_file() and path.stat().st_size == 0:
        raise ImportParseError(name, None, "the file is empty")
    if kind is not None and kind not in KINDS:
        raise ImportParseError(name, None, f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    found = sniff(path)
    if found is None:
        raise ImportParseError(
            name,
            None,
            "this does not look like a file whoknows imports (LinkedIn, Google or Outlook CSV, "
            "vCard, iCalendar, mbox, Maildir or a mail message)",
        )
    if kind is not None and kind != found:
        raise ImportParseError(
            name, None, f"this looks like {describe(found)}, not {describe(kind)}"
        )
    expected = _BY_SUFFIX.get(path.suffix.lower()) if path.is_file() else None
    if kind is None and expected is not None and found not in expected:
        raise ImportParseError(
            name,
            None,
            f"the name ends in {path.suffix} but this looks like {describe(found)}; "
            f"rename it, or say the kind: whoknows import {found} PATH",
        )
    return found
