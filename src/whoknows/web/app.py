"""The web app factory: pages, the REST API, the middleware (middleware.py) and the one error
handler (answering as failures.py says)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    Response,
)
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from whoknows import __version__
from whoknows.config import Settings
from whoknows.errors import (
    Ambiguous,
    Unavailable,
    WhoknowsError,
)
from whoknows.services.store import Store
from whoknows.storage.errors import translate
from whoknows.web import middleware, security, uploads
from whoknows.web.access import Access
from whoknows.web.common import HERE, render
from whoknows.web.failures import (
    CsrfRefused,
    UnsupportedBody,
    error_response,
    wants_json,
)

WORKER_THREADS = 8


def create_app(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    access_token: str | None = None,
    allowed_hosts: Iterable[str] = (),
    today: dt.date | None = None,
    stale_wait: float | None = None,
    rebuild_every: float = 0.0,
) -> FastAPI:
    """The whoknows web app over the database SETTINGS name (opened when the app starts).

    HOST is where it will listen: another address than loopback needs ACCESS_TOKEN
    (default: $WHOKNOWS_ACCESS_TOKEN). Without one, the app makes a secret of its own for this
    run (`app.state.access.secret`): every page and API call needs it, as a session cookie or
    a bearer token. Requests must name HOST, a loopback name, or one of ALLOWED_HOSTS
    (and $WHOKNOWS_ALLOWED_HOSTS) in their Host header. TODAY pins the date (tests and demos).
    STALE_WAIT (seconds): after a write, a request waits at most this long for a rebuilt
    answer (snapshot, due list, advocates, suggestions) before it is served the previous one
    (services/cache.py); None waits always. REBUILD_EVERY (seconds): while writes keep coming,
    those answers are rebuilt at most this often. A browser's own change is always shown at once.
    """
    token = access_token or os.environ.get(security.ACCESS_ENV) or None
    security.check_bind(host, token)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        uploads.forget_all(settings.data_dir / "uploads")  # left by a server that was killed
        # Pages and API calls run on threads: a few answer 20 users at once as fast as 40
        # (the work holds the GIL), and each thread more keeps its own memory arena.
        to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        yield
        app.state.store.close()

    app = FastAPI(
        title="whoknows",
        version=__version__,
        description="Who you know who knows who you want to meet: the whoknows REST API.",
        docs_url=None,  # served by api_docs below: vendored Swagger UI, no CDN, no inline script
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = Store(settings)
    app.state.store.cache.stale_wait = stale_wait
    app.state.store.cache.rebuild_every = rebuild_every
    app.state.today = today
    app.state.key = security.signing_key(settings)
    app.state.access = Access.make(host, token, allowed_hosts)

    middleware.install(app)
    _error_handlers(app)
    _routes(app)
    return app


def _routes(app: FastAPI) -> None:
    from whoknows.api import ledger as api_ledger
    from whoknows.api import network as api_network
    from whoknows.api import reach as api_reach
    from whoknows.web.pages import (
        dashboard,
        events,
        imports,
        people,
        pipeline,
        prep,
        reach,
        reports,
        settings,
        team,
    )

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_api_route("/docs", api_docs, include_in_schema=False, response_class=HTMLResponse)
    guarded = [Depends(check_csrf)]
    for module in (
        dashboard,
        people,
        prep,
        events,
        reach,
        pipeline,
        reports,
        settings,
        team,
        imports,
    ):
        app.include_router(module.router, dependencies=guarded)
    json_only = [Depends(require_json)]
    for api in (api_network, api_ledger, api_reach):
        app.include_router(api.router, prefix="/api/v1", dependencies=json_only)


SWAGGER_UI = "5.35.0"  # static/vendor/swagger-ui-*, with its licence


def api_docs(request: Request) -> HTMLResponse:
    """The REST API reference, readable offline and under the CSP."""
    spec = request.app.openapi_url or "/api/v1/openapi.json"
    return render(request, "docs.html", {"swagger_ui": SWAGGER_UI, "spec": spec})


async def check_csrf(request: Request) -> None:
    """Every form post carries the signed token of its cookie back (double submit)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    sent = request.headers.get(security.CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(security.CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    cookie = request.cookies.get(security.CSRF_COOKIE)
    if not security.csrf_matches(request.app.state.key, cookie, sent):
        raise CsrfRefused()


async def require_json(request: Request) -> None:
    """API writes are JSON: a browser cannot send that cross-site without a CORS preflight.

    (A cross-site form can only GET or POST, so DELETE needs no body to be safe.)
    """
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    kind = request.headers.get("content-type", "")
    if not kind.startswith("application/json"):
        raise UnsupportedBody()


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(WhoknowsError)
    async def whoknows_error(request: Request, exc: WhoknowsError) -> Response:
        reasons = list(exc.candidates) if isinstance(exc, Ambiguous) else []
        reasons = list(getattr(exc, "reasons", reasons))
        hint = exc.hint_for("api" if wants_json(request) else "web")  # each its own words
        response = error_response(request, exc.http_status, exc.message, hint=hint, reasons=reasons)
        if isinstance(exc, Unavailable):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        reasons = [
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'input'}: {e.get('msg', '')}"
            for e in exc.errors()
        ]
        if wants_json(request):
            return JSONResponse(
                {"error": "the input is not valid", "hint": None, "reasons": reasons},
                status_code=422,
            )
        return error_response(request, 400, "the input is not valid", reasons=reasons)

    @app.exception_handler(DBAPIError)
    async def database_error(request: Request, exc: DBAPIError) -> Response:
        # Raised outside a store transaction: the same meaning, never the SQL or the rows.
        return await whoknows_error(request, translate(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = "not found" if exc.status_code == 404 else str(exc.detail)
        return error_response(request, exc.status_code, message)
