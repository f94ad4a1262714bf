"""vCard 2.1, 3.0 and 4.0 → person and organization records (streamed, card by card).

Lines are unfolded as bytes and only then decoded, one logical line at a time, so a fold
that splits a UTF-8 character, or one line in another encoding, garbles nothing else.
A card with a NUL byte or a line that can't be read is one bad record; the file's other
cards are kept.
"""

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
RELATED = ("RELATED", "X-ABRELATEDNAMES", "X-SPOUSE", "X-MS-MANAGER", "X-ASSISTANT", "X-MANAGER")
# whoknows's own fields, written by its export so that a re-import loses nothing
OWN = {
    "X-WHOKNOWS-INDUSTRY": "industry",
    "X-WHOKNOWS-SERVES": "serves",
    "X-WHOKNOWS-ASKS": "asks",
    "X-WHOKNOWS-OFFERS": "offers",
    "X-WHOKNOWS-STAGE": "stage",
    "X-WHOKNOWS-TRUST": "trust",
    "X-WHOKNOWS-MET-WHERE": "met_where",
    "X-WHOKNOWS-MET-ON": "met_on",
}
_CHARSET = re.compile(rb"CHARSET=\"?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


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
    bad: str | None = None  # why the card can't be read, when it can't


def _physical(lines: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    for number, raw in enumerate(lines, 1):
        yield number, raw.rstrip(b"\r\n")


def _split(data: bytes) -> tuple[bytes, bytes] | None:
    """Split b'NAME;PARAMS:value' at the first colon outside double quotes."""
    quoted = False
    for index, byte in enumerate(data):
        if byte == 0x22:
            quoted = not quoted
        elif byte == 0x3A and not quoted:
            return data[:index], data[index + 1 :]
    return None


def _logical(lines: Iterable[tuple[int, bytes]]) -> Iterator[tuple[int, bytes]]:
    """Unfold: indented continuations, and quoted-printable soft line breaks (not indented)."""
    pending: bytes | None = None
    start = 0
    qp = binary = False
    for number, data in lines:
        if pending is not None and qp and pending.endswith(b"="):
            tail = data.lstrip() if data[:1] in (b" ", b"\t") else data
            pending = pending[:-1] + tail
            continue
        if pending is not None and data[:1] in (b" ", b"\t"):
            pending += data[1:]
            continue
        if pending is not None and binary and data and _split(data) is None:
            pending += data  # vCard 2.1 base64 lines without indentation
            continue
        if not data.strip():
            if pending is not None:
                yield start, pending
                pending = None
            continue
        if pending is not None:
            yield start, pending
        pending, start = data, number
        head = data.split(b":", 1)[0].upper()
        qp = b"QUOTED-PRINTABLE" in head
        binary = b"BASE64" in head or b"ENCODING=B" in head
    if pending is not None:
        yield start, pending


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


def _prop(number: int, data: bytes, decoder: decoding.Decoder) -> Prop | None:
    split = _split(data)
    if split is None:
        return None
    head_bytes, raw = split
    head = decoder.text(head_bytes, number)
    pieces = re.split(r';(?=(?:[^"]*"[^"]*")*[^"]*$)', head)
    group, _, name = pieces[0].strip().rpartition(".")
    params = _params(pieces[1:])
    charsets = params.get("CHARSET") or []
    charset = charsets[0] if charsets else None
    if "QUOTED-PRINTABLE" in {e.upper() for e in params.get("ENCODING", [])}:
        raw = quopri.decodestring(raw)
    return Prop(group or None, name.upper(), params, decoder.text(raw, number, charset), number)


def cards(
    lines: Iterable[bytes], source: str, decoder: decoding.Decoder
) -> Iterator[Card | BadRow]:
    """The cards of a file, with nested (AGENT) cards attached to their parent."""
    stack: list[Card] = []
    count = 0
    for number, data in _logical(_physical(lines)):
        prop = _prop(number, data, decoder)
        if prop is None:
            if stack:
                continue  # a stray line inside a card: ignored, like other readers do
            yield BadRow(source, number, f"not a vCard line: {data[:40]!r}")
            continue
        if b"\x00" in data and stack:
            stack[-1].bad = stack[-1].bad or f"a NUL byte in its {prop.name} (line {number})"
            continue
        if prop.name == "BEGIN" and prop.value.strip().upper() == "VCARD":
            if len(stack) >= MAX_DEPTH:
                stack.clear()
                yield BadRow(source, number, "vCards nested too deeply")
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
            inner = [line.encode("utf-8") for line in unescape(prop.value).splitlines()]
            for nested in cards(inner, source, decoder):
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


def _own(values: dict[str, str]) -> dict[str, object]:
    """whoknows's X-WHOKNOWS-* fields, typed; a value that doesn't read is left out."""
    import datetime as dt

    found: dict[str, object] = {}
    for key, text in values.items():
        field_name = OWN[key]
        if field_name == "trust":
            found[field_name] = int(text) if text.isdigit() and 1 <= int(text) <= 5 else None
        elif field_name == "met_on":
            try:
                found[field_name] = dt.date.fromisoformat(text)
            except ValueError:
                found[field_name] = None
        else:
            found[field_name] = text or None
    return found


def to_record(card: Card | BadRow, source: str) -> PersonRecord | Skip | BadRow:
    """One card as a plain record (its AGENT cards ride along as agents)."""
    if isinstance(card, BadRow):
        return card
    if card.bad:
        return BadRow(source, card.line, f"a card that can't be read: {card.bad}")
    first: dict[str, Prop] = {}
    emails: list[str] = []
    phones: list[str] = []
    links: list[tuple[str, str]] = []
    tags: list[str] = []
    extra: list[tuple[str, str]] = []
    own: dict[str, str] = {}
    labels = {p.group: unescape(p.value) for p in card.props if p.name == "X-ABLABEL" and p.group}
    for prop in card.props:
        first.setdefault(prop.name, prop)
        value = prop.value.strip()
        if prop.name == "EMAIL" and value:
            emails.append(unescape(value).removeprefix("mailto:").removeprefix("MAILTO:"))
        elif prop.name == "TEL" and value:
            phones.append(unescape(value).removeprefix("tel:"))
        elif prop.name in {"URL", "X-SOCIALPROFILE"} and value:
            url = unescape(value)
            label = labels.get(prop.group, "").lower() if prop.group else ""
            kinds = _types(prop)
            linked = "linkedin" in url.lower() or "linkedin" in label or "LINKEDIN" in kinds
            links.append(("linkedin" if linked else "web", url))
        elif prop.name == "CATEGORIES":
            tags.extend(t.strip() for t in split_escaped(value, ",") if t.strip())
        elif prop.name in OWN:
            own[prop.name] = unescape(value).strip()
        elif prop.name in RELATED and value:
            extra.append((prop.name, unescape(value)[:1000]))  # a name, kept: not a contact
        elif prop.name.startswith("X-") and prop.name != "X-ABLABEL":
            extra.append((prop.name, value[:1000]))
    agents = tuple(
        r for r in (to_record(a, source) for a in card.agents) if isinstance(r, PersonRecord)
    )
    kind = first.get("KIND") or first.get("X-ADDRESSBOOKSERVER-KIND")
    kind_value = kind.value.strip().lower() if kind else ""
    if kind_value in {"group", "location"}:
        return Skip(source, card.line, f"a {kind_value} card, not a person")
    show_as = first.get("X-ABSHOWAS")
    org = split_escaped(first["ORG"].value, ";")[0].strip() if "ORG" in first else ""
    name = unescape(first["FN"].value).strip() if "FN" in first else ""
    if not name and "N" in first:
        parts = [p.strip() for p in split_escaped(first["N"].value, ";")]
        parts += [""] * (5 - len(parts))
        name = " ".join(p for p in (parts[3], parts[1], parts[2], parts[0], parts[4]) if p)
    is_org = kind_value == "org" or bool(show_as and show_as.value.strip().upper() == "COMPANY")
    if not name and org and not emails:
        is_org = True  # a company-only card
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
    prodid = unescape(first["PRODID"].value).strip() if "PRODID" in first else ""
    uid = unescape(first["UID"].value).strip() if "UID" in first else ""
    fields = _own(own)
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
        notes=_kept(unescape(first["NOTE"].value)) if "NOTE" in first else None,
        tags=tuple(t for t in dict.fromkeys(tags) if t.casefold() not in SYSTEM_LABELS),
        birthday=bday or None,
        is_org=is_org,
        extra=tuple(extra),
        uid=uid or None,
        scope=f"vcard:{prodid}",
        agents=agents,
        industry=fields.get("industry"),  # type: ignore[arg-type]
        serves=fields.get("serves"),  # type: ignore[arg-type]
        asks=fields.get("asks"),  # type: ignore[arg-type]
        offers=fields.get("offers"),  # type: ignore[arg-type]
        stage=fields.get("stage"),  # type: ignore[arg-type]
        trust=fields.get("trust"),  # type: ignore[arg-type]
        met_where=fields.get("met_where"),  # type: ignore[arg-type]
        met_on=fields.get("met_on"),  # type: ignore[arg-type]
    )


def _kept(text: str) -> str | None:
    """Free text as written (notes keep their line breaks and spaces); blank is none."""
    return text if text.strip() else None


def _declared(path: Path) -> str | None:
    """A charset the file declares somewhere (not UTF-8): the likely one where none is said."""
    with path.open("rb") as raw:
        head = raw.read(4 * 1024 * 1024)
    for found in _CHARSET.findall(head):
        name = str(found.decode("ascii", "replace")).lower()
        if name.replace("-", "") not in {"utf8", "usascii", "ascii"}:
            return name
    return None


def parse(path: Path, source: str | None = None) -> Iterator[Record]:
    """Every card of PATH as a record, bad cards as BadRow (the others are kept)."""
    name = source or path.name
    announced, decoder = decoding.prepare(path, name)
    if decoder.other is None:
        decoder.other = _declared(path)
    with path.open("rb") as raw:
        if announced:  # UTF-16: decode the whole stream, then read it as UTF-8 lines
            lines: Iterable[bytes] = (
                line.encode("utf-8") for line in decoding.lines_of(raw, announced, decoder)
            )
        else:
            lines = decoding.byte_lines(raw, name)
        for card in cards(lines, name, decoder):
            yield to_record(card, name)
    yield from decoder.notices()
