"""mbox and Maildir → interaction records from headers only (bodies are never read out).

An mbox is split here, line by line, so any line ending works (\\n, \\r\\n, an old Mac's
lone \\r) and a message is named by the line its "From " separator is on. Only each
message's headers are parsed; one unreadable message is one bad record.
"""

from __future__ import annotations

import datetime as dt
import email.errors
import email.header
import email.parser
import email.policy
import email.utils
import re
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

from whoknows.errors import ImportParseError
from whoknows.importers import decoding
from whoknows.importers.records import BadRow, Contact, InteractionRecord, Record, Skip

MAX_PEOPLE = 50  # more addresses than this is a distribution, not a conversation
MAX_HEADER = 1024 * 1024  # headers longer than this are not a message's
_SNIFF = 64 * 1024  # what is read to tell one message from a mailbox
_ROBOTS = ("mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply")
_AUTO_SUBJECTS = (
    "auto:",
    "automatic reply",
    "autoreply",
    "out of office",
    "undeliverable",
    "delivery status notification",
    "mail delivery failed",
    "returned mail",
)
_AT = re.compile(r"\b([\w.+-]+) at ([\w-]+(?:\.[\w-]+)+)\b")  # list archives: "john at example.com"
_HEADER_LINE = re.compile(r"^[!-9;-~]+:", re.MULTILINE)  # an RFC 5322 header's name and colon
_MAIL_HEADERS = re.compile(r"^(from|to|date|message-id|received|subject):", re.I | re.MULTILINE)


def is_message(head: str) -> bool:
    """One mail message (an .eml file): a block of headers, among them From and another one
    only mail has."""
    block = head.replace("\r\n", "\n").split("\n\n", 1)[0]
    if not _HEADER_LINE.match(block):
        return False
    names = {m.lower() for m in _MAIL_HEADERS.findall(block)}
    return "from" in names and len(names) >= 2


_SEPARATOR_DATE = ("%a %b %d %H:%M:%S %Y", "%a %b %d %H:%M %Y", "%a %b %d %H:%M:%S %z %Y")
_HEADERS = email.parser.BytesHeaderParser(policy=email.policy.compat32)


def decode_name(value: str) -> str:
    """An RFC 2047 encoded display name as text (undecodable parts kept as they are)."""
    try:
        return str(email.header.make_header(email.header.decode_header(value))).strip()
    except (UnicodeDecodeError, LookupError, email.errors.HeaderParseError):
        return value.strip()


def _header(message: Message, name: str) -> str:
    value = message.get(name)
    return str(value) if value is not None else ""


def left_out(message: Message) -> str | None:
    """Why a message is not a conversation (list, bulk, automatic, bounce), or None."""
    if message.get("List-Id") or message.get("List-Unsubscribe") or message.get("List-Post"):
        return "mailing-list mail"
    precedence = _header(message, "Precedence").strip().lower()
    if precedence in {"bulk", "list", "junk", "auto_reply"}:
        return f"{precedence} mail"
    auto = _header(message, "Auto-Submitted").strip().lower()
    if auto and auto != "no":
        return "automatic mail"
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return "an auto-reply"
    if message.get_content_type() == "multipart/report":
        return "a bounce or delivery report"
    sender = _addresses(message, "From")
    if not sender or sender[0][1].split("@")[0].lower() in _ROBOTS:
        return "mail from a robot or without a sender"
    subject = decode_name(_header(message, "Subject")).lower()
    if subject.startswith(_AUTO_SUBJECTS):
        return "an auto-reply or bounce"
    return None


def _addresses(message: Message, *names: str) -> list[tuple[str, str]]:
    values = [str(v) for name in names for v in message.get_all(name, [])]
    # a mailing-list archive writes "john at example.com (John)": read it as an address
    values = [v if "@" in v else _AT.sub(r"\1@\2", v) for v in values]
    return [
        (display, address.strip())
        for display, address in email.utils.getaddresses(values)
        if "@" in address
    ]


def _separator_date(separator: str) -> dt.date | None:
    """The date on an mbox "From sender date" line (asctime, sometimes with a zone)."""
    parts = separator.split()
    for size in (5, 6, 4):
        text = " ".join(parts[2 : 2 + size])
        for form in _SEPARATOR_DATE:
            try:
                return dt.datetime.strptime(text, form).date()
            except ValueError:
                continue
    return None


def to_record(message: Message, source: str, number: int, separator: str = "") -> Record:
    reason = left_out(message)
    if reason is not None:
        return Skip(source, number, reason)
    raw_date = _header(message, "Date")
    try:
        when = email.utils.parsedate_to_datetime(raw_date).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        fallback = _separator_date(separator)
        if fallback is None:
            return BadRow(source, number, f"no readable Date header ({raw_date[:40]!r})")
        when = fallback
    people: dict[str, Contact] = {}
    for name, address in _addresses(message, "From", "To", "Cc"):
        key = address.lower()
        if key not in people:
            people[key] = Contact(address, decode_name(name) or None)
    if not people:
        return BadRow(source, number, "no From, To or Cc address")
    if len(people) > MAX_PEOPLE:
        return Skip(source, number, f"more than {MAX_PEOPLE} recipients")
    return InteractionRecord(
        source=source,
        line=number,
        kind="email",
        date=when,
        people=tuple(people.values()),
        note=None,  # metadata only: the subject and body stay in the mailbox
        tie_source="email",
    )


def _read(headers: bytes, source: str, number: int, separator: str) -> Record:
    if b"\x00" in headers:
        return BadRow(source, number, "a NUL byte in its headers: not a readable message")
    try:
        message = _HEADERS.parsebytes(headers)
    except (ValueError, TypeError, LookupError, email.errors.MessageError) as exc:
        return BadRow(source, number, f"unreadable headers ({exc})")
    try:
        return to_record(message, source, number, separator)
    except (ValueError, TypeError, LookupError, email.errors.MessageError) as exc:
        return BadRow(source, number, f"unreadable headers ({exc})")


def _mbox(path: Path, source: str) -> Iterator[Record]:
    """Messages start at lines beginning "From "; only the headers above the first blank
    line of each are kept in memory."""
    headers = bytearray()
    separator = ""
    start = 0
    in_headers = False
    with path.open("rb") as raw:
        for number, line in enumerate(decoding.byte_lines(raw, source), 1):
            if line.startswith(b"From "):
                if start:
                    yield _read(bytes(headers), source, start, separator)
                headers.clear()
                separator = line.decode("latin-1").strip()
                start, in_headers = number, True
                continue
            if not in_headers:
                continue
            if not line.strip(b"\r\n"):
                in_headers = False
                continue
            if len(headers) < MAX_HEADER:
                headers += line.rstrip(b"\r\n") + b"\n"
    if start:
        yield _read(bytes(headers), source, start, separator)
    elif path.stat().st_size:
        raise ImportParseError(source, None, "no message in this mailbox (no 'From ' line)")


def _message(path: Path, source: str) -> Iterator[Record]:
    """One message saved on its own (an .eml file): its headers, up to the first blank line."""
    headers = bytearray()
    with path.open("rb") as raw:
        for line in decoding.byte_lines(raw, source):
            if not line.strip(b"\r\n") or len(headers) >= MAX_HEADER:
                break
            headers += line.rstrip(b"\r\n") + b"\n"
    yield _read(bytes(headers), source, 1, "")


def _maildir(path: Path, source: str) -> Iterator[Record]:
    """Each message file of new/ and cur/ (Maildir's own names sort by arrival); a bad one
    is named by its folder and file."""
    try:
        files = sorted(
            (f for folder in ("new", "cur") for f in (path / folder).iterdir()),
            key=lambda f: (f.name, f.parent.name),
        )
    except OSError as exc:
        raise ImportParseError(source, None, f"not a readable mailbox ({exc})") from exc
    for file in files:
        if not file.is_file() or file.name.startswith("."):
            continue
        where = f"{source}/{file.parent.name}/{file.name}"
        try:
            yield from _message(file, where)
        except OSError as exc:
            yield BadRow(where, 1, f"unreadable message ({exc.strerror or exc})")


def parse(path: Path, source: str | None = None) -> Iterator[Record]:
    """Each message of an mbox file (named by its line) or a Maildir folder (by number), or
    the one message of an .eml file."""
    name = source or path.name
    if path.is_dir():
        return _maildir(path, name)
    with path.open("rb") as raw:
        start = raw.read(_SNIFF).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not start.startswith(b"From ") and is_message(start.decode("latin-1")):
        return _message(path, name)
    return _mbox(path, name)
