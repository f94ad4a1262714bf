"""How the web app answers a failure: the status for each error, and one body for all
(JSON for the API and scripts, an HTML page or fragment for the browser)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from whoknows.errors import Conflict, NotFound, Refused, Unavailable, UserError, WhoknowsError
from whoknows.web.common import is_htmx, render


class CsrfRefused(UserError):
    """A form post without a valid CSRF token."""

    def __init__(self) -> None:
        super().__init__(
            "the form has expired or did not come from this app (CSRF check failed)",
            hint="reload the page and send it again",
        )


class UnsupportedBody(UserError):
    def __init__(self) -> None:
        super().__init__("the API takes JSON", hint="send Content-Type: application/json")


def status_of(exc: WhoknowsError) -> int:
    if isinstance(exc, Unavailable):
        return 503
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Conflict | Refused):
        return 409
    if isinstance(exc, CsrfRefused):
        return 403
    if isinstance(exc, UnsupportedBody):
        return 415
    if isinstance(exc, UserError):
        return 400
    return 500


def wants_json(request: Request) -> bool:
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(
    request: Request,
    status: int,
    message: str,
    *,
    hint: str | None = None,
    reasons: list[str] | None = None,
) -> Response:
    """The one answer to an error: JSON for the API and scripts, HTML (or a fragment) else."""
    body = {"error": message, "hint": hint, "reasons": reasons or []}
    if wants_json(request):
        return JSONResponse(body, status_code=status)
    template = "_error.html" if is_htmx(request) else "error.html"
    return render(request, template, {"status": status, **body}, status=status)
