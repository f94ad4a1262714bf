"""Import: upload a file, preview what it would do, import it, and review possible duplicates."""

from __future__ import annotations

import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from whoknows.errors import NotFound, UserError
from whoknows.importers.detect import KINDS, describe
from whoknows.services import imports, review
from whoknows.services.store import Store
from whoknows.web.common import blank_none, redirect, render, store_of, today_of

router = APIRouter(include_in_schema=False)
Optional = Annotated[str | None, Form()]

MAX_UPLOAD = 50 * 1024 * 1024  # bytes: far more than a contacts export or a year of calendar
KEEP_PREVIEW = 24 * 3600  # seconds an uploaded file waits for "import it" after a preview
MAX_PAIRS = 50  # pairs shown at once in the review queue
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def _uploads(store: Store) -> Path:
    return store.settings.data_dir / "uploads"


def _clean_name(name: str | None) -> str:
    """The uploaded file's own name (its suffix helps detection), without any path in it."""
    base = Path((name or "").replace("\\", "/")).name
    base = _UNSAFE.sub("_", base).strip(" .")
    return base[:120] or "upload"


def _forget_old(folder: Path) -> None:
    """Previews never confirmed are deleted after KEEP_PREVIEW."""
    if not folder.is_dir():
        return
    limit = time.time() - KEEP_PREVIEW
    for old in folder.iterdir():
        if old.is_dir() and old.stat().st_mtime < limit:
            shutil.rmtree(old, ignore_errors=True)


def _save(store: Store, upload: UploadFile) -> tuple[str, Path]:
    """A private copy of the upload under the data folder: (its token, its path)."""
    folder = _uploads(store)
    _forget_old(folder)
    token = secrets.token_hex(16)
    target = folder / token / _clean_name(upload.filename)
    target.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    with target.open("wb") as out:
        while chunk := upload.file.read(1024 * 1024):
            size += len(chunk)
            if size > MAX_UPLOAD:
                out.close()
                shutil.rmtree(target.parent, ignore_errors=True)
                raise UserError(
                    f"the file is larger than {MAX_UPLOAD // (1024 * 1024)} MB",
                    hint="import it from the command line: whoknows import PATH",
                )
            out.write(chunk)
    return token, target


def _saved(store: Store, token: str) -> Path:
    if not _TOKEN.match(token):
        raise NotFound("that upload is not known", hint="upload the file again")
    folder = _uploads(store) / token
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    if not files:
        raise NotFound("that upload has expired", hint="upload the file again")
    return files[0]


def _kind(value: str | None) -> str | None:
    kind = blank_none(value)
    if kind is None or kind == "auto":
        return None
    if kind not in KINDS:
        raise UserError(f"unknown kind {kind!r}", hint=f"use one of {', '.join(KINDS)}")
    return kind


def _context(store: Store, offset: int = 0, **extra: Any) -> dict[str, Any]:
    page = review.page(store, limit=MAX_PAIRS, offset=offset)
    return {
        "kinds": [(kind, describe(kind)) for kind in KINDS],
        "page": page,
        "history": imports.entries(store)[:10],
        "undone": None,
        "report": None,
        "token": None,
        "name": None,
        "kind": "auto",
        **extra,
    }


def _run(request: Request, path: Path, kind: str | None, *, preview: bool) -> Any:
    return imports.import_file(
        store_of(request),
        path,
        kind,
        today=today_of(request),
        dry_run=preview,
        skip_bad_rows=True,  # the report lists each bad row with its line and reason
    )


@router.get("/import", response_class=HTMLResponse)
def import_page(
    request: Request, offset: Annotated[int, Query(ge=0, le=10**9)] = 0
) -> HTMLResponse:
    return render(request, "import.html", _context(store_of(request), offset))


@router.post("/import", response_class=HTMLResponse)
def upload(
    request: Request,
    file: Annotated[UploadFile, File()],
    kind: Optional = None,
    preview: Optional = None,
) -> HTMLResponse:
    """Upload a file: with "preview", see what it would do (nothing written), else import it."""
    store = store_of(request)
    chosen = _kind(kind)
    token, path = _save(store, file)
    try:
        report = _run(request, path, chosen, preview=bool(preview))
    except BaseException:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise
    if not preview:
        shutil.rmtree(path.parent, ignore_errors=True)
    context = _context(
        store,
        report=report.as_json(),
        token=token if preview else None,
        name=path.name,
        kind=chosen or "auto",
    )
    return render(request, "import.html", context)


@router.post("/import/confirm", response_class=HTMLResponse)
def confirm(
    request: Request, token: Annotated[str, Form(max_length=64)], kind: Optional = None
) -> HTMLResponse:
    """Import the file a preview was made of (uploaded once)."""
    store = store_of(request)
    path = _saved(store, token)
    chosen = _kind(kind)
    try:
        report = _run(request, path, chosen, preview=False)
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    context = _context(store, report=report.as_json(), name=path.name, kind=chosen or "auto")
    return render(request, "import.html", context)


@router.post("/import/review", response_model=None)
def decide(
    request: Request,
    pair: Annotated[int, Form(ge=1, le=2**31 - 1)],
    decision: Annotated[str, Form(max_length=10)],
    offset: Annotated[int, Form(ge=0, le=10**9)] = 0,
) -> Response:
    """One pair of the review queue: merge them, or mark them as not the same person."""
    chosen = {"merge": imports.Decision.MERGE, "new": imports.Decision.NEW}.get(decision)
    if chosen is None:
        raise UserError(f"unknown decision {decision!r}", hint="use merge or new")
    review.decide(store_of(request), pair, chosen)
    return redirect(f"/import?offset={offset}#review" if offset else "/import#review")


@router.post("/import/undo", response_class=HTMLResponse)
def undo(request: Request, import_id: Annotated[int, Form(ge=1, le=2**31 - 1)]) -> HTMLResponse:
    """Take one import back: what it created is removed, what it filled in is restored."""
    store = store_of(request)
    done = imports.undo(store, import_id)
    return render(request, "import.html", _context(store, undone=done))
