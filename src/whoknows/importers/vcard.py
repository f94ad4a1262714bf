"""vCard 2.1, 3.0 and 4.0 → person and organization records (streamed, card by card)."""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoknows.importers import decoding
from whoknows.importers.records import BadRow, PersonRecord, Record, Skip

MAX_DEPTH = 4  # nested AGENT cards deeper than this are refused, not followed
MAX_CARD_LINES = 200_000  # a card that never ends is an error, not a hang
# Labels phones and Google put on every contact: they are not the user's tags.
SYSTEM_LABELS = {"my contacts", "mycontacts", "* mycontacts", "starred in android", "starred"}


@dataclass
class Prop:
    group: str | None
    name: str
    params: dict[str, list[str]]
    value: str  # decoded text (quoted-printable and charset applied), still vCard-escaped
    line: int


@dataclass
class Card:
    line: int
    props: list[Prop] = field(default_factory=list)
    agents: list[Card] = field(default_factory=list)


def _physical_lines(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(lines, 1):
        yield number, raw.rstrip("\r\n")


def _split_prop(text: str) -> tuple[str, str] | None:
    """Split 'NAME;PARAMS:value' at the first colon outside double quotes."""
    quoted = False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return text[:index], text[index + 1 :]
    return None


def _params(parts: list[str]) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for part in parts:
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep:  # vCard 2.1 bare parameter: TYPE value or encoding
            bare = key.upper()
            if bare in {"QUOTED-PRINTABLE", "BASE64", "B", "8BIT"}:
                params.setdefault("ENCODING", []).append(bare)
            else:
                params.setdefault("TYPE", []).append(bare)
            continue
        values = [v.strip('"') for v in re.split(r',(?=(?:[^"]*"[^"]*")*[^"]*$)', value)]
        params.setdefault(key.upper(), []).extend(values)
    return params


def _logical(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """Unfold: indented continuations, and quoted-printable soft line breaks (not indented)."""
    pending: str | None = None
    start = 0
    qp = False
    binary = False
    for number, text in _physical_lines(lines):
        if pending is not None and qp and pending.endswith("="):
            pending = pending[:-1] + text.lstrip() if text[:1] in " \t" else pending[:-1] + text
            continue
        if pending is not None and text[:1] in (" ", "\t"):
            pending += text[1:]
            continue
        if pending is not None and binary and text and _split_prop(text) is None:
            pending += text  # vCard 2.1 base64 lines without indentation
            continue
        if not text.strip():
            if pending is not None:
                yield start, pending
                pending = None
            continue
        if pending is not None:
            yield start, pending
        pending, start = text, number
        head = text.split(":", 1)[0].upper()
        qp = "QUOTED-PRINTABLE" in head
        binary = "BASE64" in head or "ENCODING=B" in head
    if pending is not None:
        yield start, pending


def _prop(number: int, text: str) -> Prop | None:
    split = _split_prop(text)
    if split is None:
        return None
    head, value = split
    pieces = re.split(r';(?=(?:[^"]*"[^"]*")*[^"]*$)', head)
    group, _, name = pieces[0].rpartition(".")
    params = _params(pieces[1:])
    encoding = {e.upper() for e in params.get("ENCODING", [])}
    if "QUOTED-PRINTABLE" in encoding:
        charsets = params.get("CHARSET") or []
        charset = charsets[0] if charsets else None
        value = decoding.decode_bytes(
            quopri.decodestring(value.encode("latin-1", "replace")), charset
        )
    return Prop(group or None, name.upper(), params, value, number)


def cards(lines: Iterable[str], source: str) -> Iterator[Card | BadRow]:
    """The cards of a file, with nested (AGENT) cards attached to their parent."""
    stack: list[Card] = []
    count = 0
    for number, text in _logical(lines):
        prop = _prop(number, text)
        if prop is None:
            if stack:
                continue  # a stray line inside a card: ignored, like other readers do
            yield BadRow(source, number, f"not a vCard line: {text[:40]!r}")
            continue
        if prop.name == "BEGIN" and prop.value.strip().upper() == "VCARD":
            if len(stack) >= MAX_DEPTH:
                raise_depth = BadRow(source, number, "vCards nested too deeply")
                stack.clear()
                yield raise_depth
                continue
            card = Card(number)
            if stack:
                stack[-1].agents.append(card)
            stack.append(card)
            count = 0
            continue
        if prop.name == "END" and prop.value.strip().upper() == "VCARD":
            if not stack:
                yield BadRow(source, number, "END:VCARD without BEGIN:VCARD")
                continue
            done = stack.pop()
            if not stack:
                yield done
            continue
        if not stack:
            yield BadRow(source, number, f"{prop.name} outside of a BEGIN:VCARD … END:VCARD")
            continue
        count += 1
        if count > MAX_CARD_LINES:
            stack.clear()
            yield BadRow(source, number, "a card longer than any real one; is END:VCARD missing?")
            continue
        if prop.name == "AGENT" and prop.value.upper().startswith("BEGIN:VCARD"):
            # vCard 3.0 inlines the agent card as an escaped text value
            inner = unescape(prop.value).splitlines()
            for nested in cards(inner, source):
                if isinstance(nested, Card):
                    stack[-1].agents.append(nested)
            continue
        stack[-1].props.append(prop)
    if stack:
        yield BadRow(source, stack[0].line, "the file ends inside a card (END:VCARD missing)")


def unescape(value: str) -> str:
    out: list[str] = []
    chars = iter(value)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        following = next(chars, "")
        out.append("\n" if following in "nN" else following)
    return "".join(out)


def split_escaped(value: str, sep: str) -> list[str]:
    """Split at SEP not escaped by a backslash, then unescape each part."""
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for char in value:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [unescape(p) for p in parts]


def _types(prop: Prop) -> set[str]:
    return {t.upper() for v in prop.params.get("TYPE", []) for t in v.split(",")}


def to_record(card: Card, source: str) -> PersonRecord | Skip:
    """One card as a plain record."""
    first: dict[str, Prop] = {}
    emails: list[str] = []
    phones: list[str] = []
    links: list[tuple[str, str]] = []
    tags: list[str] = []
    related: list[str] = []
    extra: list[tuple[str, str]] = []
    labels = {p.group: unescape(p.value) for p in card.props if p.name == "X-ABLABEL" and p.group}
    for prop in card.props:
        first.setdefault(prop.name, prop)
        value = prop.value.strip()
        if prop.name == "EMAIL" and value:
            emails.append(unescape(value).removeprefix("mailto:"))
        elif prop.name == "TEL" and value:
            phones.append(unescape(value).removeprefix("tel:"))
        elif prop.name in {"URL", "X-SOCIALPROFILE"} and value:
            url = unescape(value)
            label = labels.get(prop.group, "").lower() if prop.group else ""
            link_kind = "linkedin" if "linkedin" in url.lower() or "linkedin" in label else "web"
            links.append((link_kind, url))
        elif prop.name == "CATEGORIES":
            tags.extend(t.strip() for t in split_escaped(value, ",") if t.strip())
        elif prop.name in {"RELATED", "X-ABRELATEDNAMES", "X-SPOUSE", "X-MS-MANAGER"} and value:
            text = unescape(value)
            if not text.lower().startswith(("urn:", "http:", "https:", "mailto:", "uid:")):
                related.append(text)
        elif prop.name.startswith("X-") and prop.name not in {"X-ABLABEL"}:
            extra.append((prop.name, value[:1000]))
    for agent in card.agents:
        agent_record = to_record(agent, source)
        if isinstance(agent_record, PersonRecord):
            related.append(agent_record.name)
    kind = first.get("KIND") or first.get("X-ADDRESSBOOKSERVER-KIND")
    show_as = first.get("X-ABSHOWAS")
    is_org = bool(
        (kind and kind.value.strip().lower() == "org")
        or (show_as and show_as.value.strip().upper() == "COMPANY")
    )
    org = split_escaped(first["ORG"].value, ";")[0].strip() if "ORG" in first else ""
    name = unescape(first["FN"].value).strip() if "FN" in first else ""
    if not name and "N" in first:
        parts = [p.strip() for p in split_escaped(first["N"].value, ";")]
        parts += [""] * (5 - len(parts))
        name = " ".join(p for p in (parts[3], parts[1], parts[2], parts[0], parts[4]) if p)
    if is_org:
        name = org or name
    if not name:
        name = emails[0] if emails else ""
    if not name:
        return Skip(source, card.line, "a card with no name, organization or email")
    city = None
    if "ADR" in first:
        adr = split_escaped(first["ADR"].value, ";")
        city = adr[3].strip() or None if len(adr) > 3 else None
    bday = unescape(first["BDAY"].value).strip() if "BDAY" in first else None
    return PersonRecord(
        source=source,
        line=card.line,
        name=name,
        emails=tuple(emails),
        phones=tuple(phones),
        links=tuple(links),
        organization=None if is_org else (org or None),
        role=unescape(first["TITLE"].value).strip() or None if "TITLE" in first else None,
        city=city,
        notes=unescape(first["NOTE"].value).strip() or None if "NOTE" in first else None,
        tags=tuple(t for t in dict.fromkeys(tags) if t.casefold() not in SYSTEM_LABELS),
        birthday=bday or None,
        related=tuple(dict.fromkeys(related)),
        is_org=is_org,
        extra=tuple(extra),
    )


def parse(path: Path, source: str | None = None) -> Iterator[Record]:
    """Every card of PATH as a record (nested agents too), bad cards as BadRow."""
    name = source or path.name
    with decoding.open_text(path, name) as (text, _decoded):
        for card in cards(text, name):
            if isinstance(card, BadRow):
                yield card
                continue
            yield to_record(card, name)
            for agent in card.agents:
                yield to_record(agent, name)
