"""Text decoding for imported files, line by line: one odd line never garbles the others.

A byte-order mark (UTF-8, UTF-16) decides for the whole file. Otherwise each line is read
as UTF-8, and a line that is not UTF-8 in the file's other encoding, guessed once from
those lines (charset-normalizer: Windows-1252, Shift-JIS, …), with a warning naming the
lines. Lines end at \\n, \\r\\n or a lone \\r (old Macs).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from whoknows.errors import ImportParseError
from whoknows.importers.records import Notice

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SAMPLE = 256 * 1024  # bytes of non-UTF-8 lines the other encoding is guessed from
MAX_LINE = 8 * 1024 * 1024  # a longer line is not text a contact file holds


def sniff(head: bytes) -> str | None:
    """The encoding a byte-order mark (or UTF-16 zero bytes) announces, if any."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0] != 0:
        return "utf-16-le"
    if len(head) >= 4 and head[0] == 0 and head[2] == 0 and head[1] != 0:
        return "utf-16-be"
    return None


def byte_lines(raw: IO[bytes], source: str = "the file") -> Iterator[bytes]:
    """The lines of a binary stream, endings kept; \\n, \\r\\n and a lone \\r all end one."""
    text = io.TextIOWrapper(raw, encoding="latin-1", newline="")  # one char per byte
    try:
        number = 0
        while line := text.readline(MAX_LINE + 1):
            number += 1
            if len(line) > MAX_LINE:
                raise ImportParseError(
                    source, number, "a line longer than 8 MB: this is not a contact file's text"
                )
            yield line.encode("latin-1")
    finally:
        with contextlib.suppress(ValueError):  # the file was closed before we finished
            text.detach()


def guess(sample: bytes) -> str:
    """The encoding of bytes that are not UTF-8 (Windows-1252 when nothing fits better)."""
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_exclusion=["utf_8", "ascii"]).best()
    name = best.encoding if best is not None else "cp1252"
    try:
        codecs.lookup(name)
    except LookupError:
        return "cp1252"
    return name


_NAMES = {"cp1252": "Windows-1252 (cp1252)", "shift_jis": "Shift-JIS", "cp932": "Shift-JIS (cp932)"}


@dataclass
class Decoder:
    """Decodes one file's lines (or values) and remembers which needed another encoding."""

    source: str
    other: str | None = None  # the encoding of the lines that are not UTF-8
    odd: list[int] = field(default_factory=list)

    def text(self, data: bytes, line: int, charset: str | None = None) -> str:
        """DATA as text: its declared CHARSET, else UTF-8, else the file's other encoding."""
        if charset:
            try:
                return data.decode(charset)
            except (LookupError, UnicodeDecodeError):
                pass
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            self.odd.append(line)
            return data.decode(self.other or "cp1252", errors="replace")

    def notices(self) -> Iterator[Notice]:
        if self.odd:
            lines = ", ".join(str(n) for n in self.odd[:5]) + (" …" if len(self.odd) > 5 else "")
            name = _NAMES.get(self.other or "cp1252", self.other or "cp1252")
            count = len(self.odd)
            yield Notice(
                self.source,
                None,
                f"{count} line{'s' * (count != 1)} not in UTF-8 ({lines}): read as {name}",
            )


def prepare(path: Path, source: str) -> tuple[str | None, Decoder]:
    """A BOM's encoding for the whole file (or None), and a Decoder whose other encoding is
    guessed from the lines that are not UTF-8 (one pass over the file, bounded memory)."""
    decoder = Decoder(source)
    with path.open("rb") as raw:
        announced = sniff(raw.read(4))
        if announced:
            return announced, decoder
        raw.seek(0)
        sample = bytearray()
        for line in byte_lines(raw, source):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                sample += line
                if len(sample) >= _SAMPLE:
                    break
    if sample:
        decoder.other = guess(bytes(sample))
    return None, decoder


def lines_of(raw: IO[bytes], announced: str | None, decoder: Decoder) -> Iterator[str]:
    """Text lines (endings kept) of a stream: decoded whole for a BOM, else line by line."""
    if announced:
        text = io.TextIOWrapper(raw, encoding=announced, errors="replace", newline="")
        try:
            yield from text
        finally:
            with contextlib.suppress(ValueError):
                text.detach()
        return
    for number, line in enumerate(byte_lines(raw, decoder.source), 1):
        yield decoder.text(line, number)


@contextmanager
def open_lines(path: Path, source: str) -> Iterator[tuple[Iterator[str], Decoder]]:
    """PATH's text lines, each decoded on its own (see the module docstring)."""
    announced, decoder = prepare(path, source)
    with path.open("rb") as raw:
        yield lines_of(raw, announced, decoder), decoder


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Bytes of one value in a declared charset; unknown charsets fall back to UTF-8, cp1252."""
    for name in (charset, "utf-8", "cp1252"):
        if not name:
            continue
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1")


def _clean(cell: str) -> str:
    """A quoted cell's line breaks as \\n, whatever the file's line endings."""
    return cell.replace("\r\n", "\n").replace("\r", "\n") if "\r" in cell else cell


MAX_RECORD_LINES = 200  # a quoted cell spanning more lines than this was never closed


def _open_after(line: str, inside: bool) -> bool:
    """Whether LINE leaves a quoted cell open, as the csv module reads it: a quote opens a
    cell only at its start; inside one, a doubled quote is a quote and a single one closes it."""
    at_start = not inside
    i, end = 0, len(line)
    while i < end:
        if inside:
            i = line.find('"', i)
            if i < 0:
                return True
            if line.startswith('""', i):
                i += 2
                continue
            inside, at_start = False, False
            i += 1
            continue
        char = line[i]
        if char == '"' and at_start:
            inside = True
        at_start = char == ","
        i += 1
    return inside


def csv_rows(
    lines: Iterable[str], source: str, is_header: Callable[[list[str]], bool], *, scan: int = 20
) -> Iterator[tuple[int, dict[str, str]] | tuple[int, str]]:
    """Rows of a CSV as (line, {column: value}); the header is found by scanning.

    Lines before the header (LinkedIn's "Notes:" preamble) are skipped; empty trailing
    cells beyond the header (a trailing comma on every row) are dropped; a row whose field
    count still differs from the header's yields (line, reason). A quote never closed costs
    its own line: it yields (line, reason) and the lines after it are read again as rows.
    """
    numbered = enumerate(lines, 1)
    pending: deque[tuple[int, str]] = deque()
    buffer: list[tuple[int, str]] = []
    header: list[str] | None = None
    inside = False
    while True:
        item = pending.popleft() if pending else next(numbered, None)
        if item is None:
            if not buffer:
                break
            item = (0, "")  # the end of the file: what is still open was never closed
            inside = True
        elif not buffer:
            inside = False
        if item[0]:
            buffer.append(item)
            if '"' in item[1]:
                inside = _open_after(item[1], inside)
            if inside and len(buffer) <= MAX_RECORD_LINES:
                continue
        start = buffer[0][0]
        if inside:
            yield start, "a quote that is never closed; the lines after it are read on"
            pending.extendleft(reversed(buffer[1:]))
            buffer = []
            continue
        text = "".join(t for _, t in buffer)
        try:
            if '"' in text:
                row = next(csv.reader([text], strict=True), [])
            else:  # no quotes, no escapes: the cells are what the commas separate
                row = text.rstrip("\r\n").split(",") if text.strip("\r\n") else []
        except csv.Error as exc:
            if len(buffer) > 1:  # a stray quote joined lines: the first is the bad one
                yield start, "a quote that is never closed; the lines after it are read on"
                pending.extendleft(reversed(buffer[1:]))
            else:
                yield start, f"broken CSV ({exc})"
            buffer = []
            continue
        buffer = []
        if header is None:
            cleaned = [c.strip().lstrip("\ufeff") for c in row]
            while cleaned and not cleaned[-1]:
                cleaned.pop()  # a trailing comma after the last column name
            if is_header(cleaned):
                header = cleaned
            elif start > scan:
                break
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header) and not any(c.strip() for c in row[len(header) :]):
            row = row[: len(header)]
        if len(row) != len(header):
            yield start, f"{len(row)} fields where the header has {len(header)}"
            continue
        yield start, {h: _clean(c) for h, c in zip(header, row, strict=True)}
    if header is None:
        raise ImportParseError(source, None, "no header row of the expected columns was found")
