"""Uploads, safely: bodies refused past their limit while they arrive, files kept private (0600)
only while they are read, and archives checked before an importer opens them (unpacked size,
entries, rows, line length), so a small zip cannot make the server read a gigabyte."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import zipfile
from collections.abc import Awaitable, Callable, Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import IO, Any, BinaryIO

from starlette.exceptions import HTTPException

from whoknows.errors import UserError

MB = 1024 * 1024
MAX_UPLOAD = 50 * MB  # a file sent to /import: more than a contacts export or a year of mail
MAX_BODY = 5 * MB  # any other request: a form or a JSON body
MAX_UNPACKED = 200 * MB  # what a zip may hold, unpacked
MAX_ENTRIES = 1_000  # files in a zip (a LinkedIn export holds a few dozen)
MAX_ROWS = 2_000_000  # lines in the file, or in all the files of a zip
MAX_LINE = 4 * MB  # one line: no export has longer ones; a 1 GB line is an attack
_CHUNK = MB
_ROOM = 64 * 1024  # a multipart body's boundaries and other fields, beyond the file itself
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")
_HINT = "import it from the command line instead: whoknows import PATH"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class TooLarge(HTTPException):
    """A request body past its limit (413); raised while it arrives, before it is all read."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            413, f"the upload is larger than {limit // MB} MB, the most the web app takes"
        )


class BodyLimit:
    """ASGI middleware: each request body at most its path's limit, counted as it arrives.

    A declared Content-Length past the limit is refused before anything is read; a body that
    says nothing (chunked) is cut off at the limit (the handler gets a 413, nothing written).
    """

    def __init__(
        self, app: ASGIApp, *, default: int = MAX_BODY, paths: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.default = default
        self.paths = dict(paths or {"/import": MAX_UPLOAD})

    def limit(self, path: str) -> int:
        return self.paths.get(path, self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope.get("path", ""))
        allowed = limit + _ROOM
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > allowed:
            await _answer_413(send, limit)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > allowed:
                    raise TooLarge(limit)
            return message

        await self.app(scope, counted, send)


async def _answer_413(send: Send, limit: int) -> None:
    body = f"the upload is larger than {limit // MB} MB, the most the web app takes\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def clean_name(name: str | None) -> str:
    """The uploaded file's own name (its suffix helps detection), without any path in it."""
    base = Path((name or "").replace("\\", "/")).name
    base = _UNSAFE.sub("_", base).strip(" .")
    return base[:120] or "upload"


@contextlib.contextmanager
def kept(folder: Path, name: str | None, source: BinaryIO) -> Iterator[Path]:
    """SOURCE copied to a private file (0600, in a 0700 folder of its own) under FOLDER, checked
    (see `check`), and deleted when the block ends: after the import or the preview."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    own = folder / secrets.token_hex(16)
    own.mkdir(mode=0o700)
    try:
        target = own / clean_name(name)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            _copy(source, out)
        check(target)
        yield target
    finally:
        shutil.rmtree(own, ignore_errors=True)


def forget_all(folder: Path) -> None:
    """Uploads a killed server left behind: nothing is kept between two requests."""
    if folder.is_dir():
        for old in folder.iterdir():
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)


def _copy(source: BinaryIO, out: IO[bytes]) -> None:
    size = 0
    while chunk := source.read(_CHUNK):
        size += len(chunk)
        if size > MAX_UPLOAD:
            raise UserError(f"the file is larger than {MAX_UPLOAD // MB} MB", hint=_HINT)
        out.write(chunk)


def check(path: Path) -> None:
    """Refuse a file an importer should not open: a zip too big unpacked or with too many
    entries (its declared sizes first, then what really comes out), too many rows, a line
    longer than any export has."""
    if not zipfile.is_zipfile(path):
        with path.open("rb") as plain:
            _scan(plain, path.name, _Count())
        return
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) > MAX_ENTRIES:
                raise UserError(
                    f"{path.name} holds {len(members):,} files, more than {MAX_ENTRIES:,}",
                    hint=_HINT,
                )
            declared = sum(m.file_size for m in members)
            if declared > MAX_UNPACKED:
                raise UserError(
                    f"{path.name} unpacks to {declared / MB:,.0f} MB, "
                    f"more than {MAX_UNPACKED // MB} MB",
                    hint=_HINT,
                )
            count = _Count()
            for member in members:
                with archive.open(member) as inside:
                    _scan(inside, f"{path.name}: {member.filename}", count)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError) as exc:
        raise UserError(f"{path.name} is not a zip file that can be read ({exc})") from exc


class _Count:
    def __init__(self) -> None:
        self.bytes = 0
        self.rows = 0


def _scan(stream: IO[bytes], where: str, count: _Count) -> None:
    """Read STREAM once, in chunks, counting bytes, rows and the longest line."""
    carry = 0  # the length of the line the last chunk ended in
    while chunk := stream.read(_CHUNK):
        count.bytes += len(chunk)
        if count.bytes > MAX_UNPACKED:
            raise UserError(f"{where} unpacks to more than {MAX_UNPACKED // MB} MB", hint=_HINT)
        parts = chunk.split(b"\n")
        count.rows += len(parts) - 1
        if count.rows > MAX_ROWS:
            raise UserError(f"{where} has more than {MAX_ROWS:,} rows", hint=_HINT)
        first = carry + len(parts[0])
        longest = max(first, *(len(part) for part in parts[1:])) if len(parts) > 1 else first
        carry = len(parts[-1]) if len(parts) > 1 else first
        if longest > MAX_LINE:
            raise UserError(
                f"{where} has a line longer than {MAX_LINE // MB} MB: not an export whoknows reads",
                hint="check the file",
            )
