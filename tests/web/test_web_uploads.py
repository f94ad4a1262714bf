"""Upload safety: a body is refused past its limit while it arrives, a zip cannot unpack to
more than the web app reads, rows are capped, and a file is kept 0600 only while it is read."""

from __future__ import annotations

import asyncio
import stat
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from webtools import csrf

from whoknows.web import uploads
from whoknows.web.pages import imports as import_page

LINKEDIN = Path(__file__).resolve().parents[1] / "fixtures" / "handmade"
CSV = LINKEDIN / "linkedin-connections-bad-date.csv"
MB = uploads.MB


def _send(client: Any, name: str, content: bytes | Path, **data: str) -> Any:
    body = content.read_bytes() if isinstance(content, Path) else content
    return client.post(
        "/import",
        data={"csrf_token": csrf(client), **data},
        files={"file": (name, body, "application/octet-stream")},
        follow_redirects=False,
    )


def _left_behind(client: Any) -> list[Path]:
    folder = client.app.state.store.settings.data_dir / "uploads"
    return sorted(folder.rglob("*")) if folder.exists() else []


def test_a_body_past_the_limit_is_refused_before_it_is_read(client: Any) -> None:
    page = _send(client, "big.csv", b"x" * (uploads.MAX_UPLOAD + 2 * MB))
    assert page.status_code == 413
    assert "larger than 50 MB" in page.text
    assert not _left_behind(client)
    form = client.post(
        "/people", data={"csrf_token": csrf(client), "notes": "n" * (6 * MB), "name": "Big"}
    )
    assert form.status_code == 413, "every other request has its own, smaller limit"


def test_a_body_that_does_not_say_its_length_is_cut_off_while_it_arrives() -> None:
    """Chunked: the limit is enforced on what has arrived, and reading stops there."""
    sent: list[int] = []
    answered: list[dict[str, Any]] = []

    async def endless() -> dict[str, Any]:
        sent.append(1)
        return {"type": "http.request", "body": b"x" * MB, "more_body": True}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        while (await receive())["more_body"]:
            pass

    async def send(message: dict[str, Any]) -> None:
        answered.append(message)

    limited = uploads.BodyLimit(app, paths={"/import": 3 * MB})
    scope = {"type": "http", "path": "/import", "headers": []}
    # In a thread of its own: the browser tests may leave an event loop running in this one.
    with ThreadPoolExecutor(1) as pool, pytest.raises(uploads.TooLarge) as refused:
        pool.submit(asyncio.run, limited(scope, endless, send)).result()
    assert refused.value.status_code == 413
    assert len(sent) == 4, "stopped at the first megabyte past the limit"


def _bomb(path: Path, megabytes: int) -> Path:
    """A zip of about a megabyte holding one line of MEGABYTES megabytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("Connections.csv", "w", force_zip64=True) as inside:
            inside.write(b"First Name,Last Name\n")
            for _ in range(megabytes):
                inside.write(b"a" * MB)
    return path


def test_a_small_zip_that_unpacks_to_gigabytes_is_refused_unread(
    client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = _bomb(tmp_path / "linkedin.zip", 250)
    assert bomb.stat().st_size < 2 * MB
    read: list[Path] = []
    monkeypatch.setattr(import_page, "_run", lambda *args, **kw: read.append(args[1]))
    page = _send(client, "linkedin.zip", bomb)
    assert page.status_code == 400
    assert "unpacks to 250 MB, more than 200 MB" in page.text
    assert not read, "no importer opened it"
    assert not _left_behind(client)


def test_a_zip_with_too_many_entries_or_lying_sizes_is_refused(tmp_path: Path) -> None:
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as archive:
        for i in range(uploads.MAX_ENTRIES + 1):
            archive.writestr(f"f{i}.csv", "a,b\n")
    with pytest.raises(uploads.UserError, match="holds 1,001 files, more than 1,000"):
        uploads.check(many)
    liar = tmp_path / "liar.zip"
    with zipfile.ZipFile(liar, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Connections.csv", b"a" * (3 * MB))
    data = liar.read_bytes()
    real = (3 * MB).to_bytes(4, "little")
    assert data.count(real) == 2, "the local header and the central directory"
    liar.write_bytes(data.replace(real, (100).to_bytes(4, "little")))  # "only 100 bytes"
    with pytest.raises(uploads.UserError, match="is not a zip file that can be read"):
        uploads.check(liar)


def test_rows_and_lines_are_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "MAX_ROWS", 1_000)
    rows = tmp_path / "rows.csv"
    rows.write_text("a,b\n" * 1_001)
    with pytest.raises(uploads.UserError, match="more than 1,000 rows"):
        uploads.check(rows)
    monkeypatch.setattr(uploads, "MAX_LINE", 2 * MB)
    line = tmp_path / "line.csv"
    line.write_bytes(b"a,b\n" + b"c" * (3 * MB) + b"\n")
    with pytest.raises(uploads.UserError, match="a line longer than 2 MB"):
        uploads.check(line)
    fine = tmp_path / "fine.csv"
    fine.write_bytes(b"a,b\n" + (b"c" * (MB - 1) + b"\n") * 3)
    uploads.check(fine)


@pytest.mark.parametrize("preview", ["1", ""])
def test_the_file_is_private_while_read_and_deleted_after_the_import_or_the_preview(
    client: Any, monkeypatch: pytest.MonkeyPatch, preview: str
) -> None:
    seen: list[tuple[int, int, bool]] = []
    real = import_page._run

    def watching(request: Any, path: Path, kind: Any, *, preview: bool) -> Any:
        seen.append(
            (
                stat.S_IMODE(path.stat().st_mode),
                stat.S_IMODE(path.parent.stat().st_mode),
                path.is_file(),
            )
        )
        return real(request, path, kind, preview=preview)

    monkeypatch.setattr(import_page, "_run", watching)
    page = _send(client, CSV.name, CSV, preview=preview)
    assert page.status_code == 200
    assert seen == [(0o600, 0o700, True)]
    assert not _left_behind(client), "deleted once read"


def test_a_refused_file_is_deleted_too(client: Any) -> None:
    page = _send(client, "notes.txt", b"just some words\n")
    assert page.status_code == 400
    assert not _left_behind(client)
