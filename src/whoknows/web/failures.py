"""How the web app answers a failure: the status for each error, and one body for all
(JSON for the API and scripts, an HTML page or fragment for the browser)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from whoknows import errors
from whoknows.errors import UserError
from whoknows.web.common import is_htmx, render


class CsrfRefused(UserError):
    """A form post without a valid CSRF token."""

    def __init__(self) -> None:
        super().__init__(
            "the form has expired or did not come from this app (CSRF check failed)",
            hint="reload the page and send it again",
        )

    http_status = 403


class UnsupportedBody(UserError):
    http_status = 415

    def __init__(self) -> None:
        super().__init__("the API takes JSON", hint="send Content-Type: application/json")


def wants_json(request: Request) -> bool:
    return errors.wants_json(request.url.path, request.headers.get("accept", ""))


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
