"""Text decoding for imported files: BOMs, UTF-8, UTF-16, then cp1252 with a warning."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from whoknows.errors import ImportParseError

_CHUNK = 1 << 20
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Decoded:
    encoding: str
    warning: str | None


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


def choose(path: Path, source: str) -> Decoded:
    """Pick the encoding of PATH by reading it once in chunks (bounded memory)."""
    with path.open("rb") as raw:
        head = raw.read(4)
        announced = sniff(head)
        if announced:
            return Decoded(announced, None)
        raw.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        offset = 0
        try:
            while chunk := raw.read(_CHUNK):
                if b"\x00" in chunk:
                    raise ImportParseError(source, None, "this is a binary file, not text")
                decoder.decode(chunk)
                offset += len(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return Decoded("cp1252", "the file is not UTF-8; read it as Windows-1252 (cp1252)")
    return Decoded("utf-8", None)


@contextmanager
def open_text(path: Path, source: str) -> Iterator[tuple[IO[str], Decoded]]:
    """PATH opened as text in the encoding it uses; newline='' so csv sees quoted line breaks."""
    decoded = choose(path, source)
    errors = "replace" if decoded.encoding == "cp1252" else "strict"
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=decoded.encoding, errors=errors, newline="")
        try:
            yield text, decoded
        except UnicodeDecodeError as exc:
            raise ImportParseError(source, None, f"cannot decode the text ({exc.reason})") from exc
        finally:
            text.detach()


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


def csv_rows(
    text: IO[str], source: str, is_header: Callable[[list[str]], bool], *, scan: int = 20
) -> Iterator[tuple[int, dict[str, str]] | tuple[int, str]]:
    """Rows of a CSV as (line, {column: value}); the header is found by scanning.

    Lines before the header (LinkedIn's "Notes:" preamble) are skipped; a row whose
    field count differs from the header's, or broken quoting, yields (line, reason).
    """
    reader = csv.reader(text, strict=True)
    header: list[str] | None = None
    try:
        for row in reader:
            if header is None:
                cleaned = [c.strip().lstrip("\ufeff") for c in row]
                if is_header(cleaned):
                    header = cleaned
                elif reader.line_num > scan:
                    break
                continue
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                yield reader.line_num, f"{len(row)} fields where the header has {len(header)}"
                continue
            yield reader.line_num, dict(zip(header, row, strict=True))
    except csv.Error as exc:
        yield reader.line_num, f"broken CSV ({exc}); is the file complete?"
        return
    if header is None:
        raise ImportParseError(source, None, "no header row of the expected columns was found")
