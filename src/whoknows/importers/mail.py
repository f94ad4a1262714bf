"""mbox and Maildir → interaction records from headers only (bodies are never read out)."""

from __future__ import annotations

import email.header
import email.utils
import mailbox
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

from whoknows.errors import ImportParseError
from whoknows.importers.records import BadRow, Contact, InteractionRecord, Record, Skip

MAX_PEOPLE = 50  # more addresses than this is a distribution, not a conversation
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
    sender = email.utils.parseaddr(_header(message, "From"))[1].lower()
    if sender.split("@")[0] in _ROBOTS or not sender:
        return "mail from a robot or without a sender"
    subject = decode_name(_header(message, "Subject")).lower()
    if subject.startswith(_AUTO_SUBJECTS):
        return "an auto-reply or bounce"
    return None


def to_record(message: Message, source: str, number: int) -> Record:
    reason = left_out(message)
    if reason is not None:
        return Skip(source, number, reason)
    raw_date = _header(message, "Date")
    try:
        when = email.utils.parsedate_to_datetime(raw_date)
    except (TypeError, ValueError, IndexError):
        return BadRow(source, number, f"no readable Date header ({raw_date[:40]!r})")
    people: dict[str, Contact] = {}
    fields = [message.get_all(h, []) for h in ("From", "To", "Cc")]
    for name, address in email.utils.getaddresses([str(v) for f in fields for v in f]):
        address = address.strip()
        if "@" not in address:
            continue
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
        date=when.date(),
        people=tuple(people.values()),
        note=None,  # metadata only: the subject and body stay in the mailbox
        tie_source="email",
    )


def parse(path: Path, source: str | None = None) -> Iterator[Record]:
    """Each message of an mbox file or a Maildir folder, numbered from 1."""
    name = source or path.name
    box: mailbox.Mailbox[mailbox.Message]
    try:
        box = (
            mailbox.Maildir(path, create=False)
            if path.is_dir()
            else mailbox.mbox(path, create=False)
        )
        keys = box.keys()
    except (OSError, mailbox.Error) as exc:
        raise ImportParseError(name, None, f"not a readable mailbox ({exc})") from exc
    try:
        for number, key in enumerate(keys, 1):
            try:
                message = box.get_message(key)
            except (OSError, mailbox.Error, ValueError, UnicodeError) as exc:
                yield BadRow(name, number, f"unreadable message ({exc})")
                continue
            yield to_record(message, name, number)
    finally:
        box.close()
