"""Import: upload a file, preview what it would do, import it, and review possible duplicates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from whoknows.errors import UserError
from whoknows.importers.detect import KINDS, describe
from whoknows.services import imports, review
from whoknows.services.store import Store
from whoknows.web import uploads
from whoknows.web.common import blank_none, is_htmx, redirect, render, store_of, today_of

router = APIRouter(include_in_schema=False)
Optional = Annotated[str | None, Form()]

MAX_PAIRS = 50  # pairs shown at once in the review queue


def _uploads(store: Store) -> Path:
    return store.settings.data_dir / "uploads"


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
        "name": None,
        "max_upload_mb": uploads.MAX_UPLOAD // uploads.MB,
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
    confirm: Optional = None,
) -> HTMLResponse:
    """Upload a file: with "preview", see what it would do (nothing written), else import it.

    The file is kept (0600) only while it is read: "Import it" after a preview sends the same
    file again from the form, which the page keeps (htmx swaps only the report).
    """
    store = store_of(request)
    chosen = _kind(kind)
    dry_run = bool(preview) and not confirm
    with uploads.kept(_uploads(store), file.filename, file.file) as path:
        report = _run(request, path, chosen, preview=dry_run)
        name = path.name
    context = _context(store, report=report.as_json(), name=name, kind=chosen or "auto")
    if not is_htmx(request):
        return render(request, "import.html", context)
    if dry_run:  # only the report: the form keeps its file for "Import it"
        return render(request, "_import_report.html", context)
    # Imported: the whole page again (an empty form, the review queue with the new pairs).
    page = render(request, "import.html", context)
    page.headers.update({"HX-Retarget": "main", "HX-Reswap": "outerHTML", "HX-Reselect": "main"})
    return page


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
