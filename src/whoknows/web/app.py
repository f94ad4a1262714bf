"""The web app factory: pages, the REST API, security middleware and the one error handler."""

from __future__ import annotations

import abc
import datetime as dt
import os
import time
from collections.abc import Iterable
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DBAPIError
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from whoknows import __version__
from whoknows.config import Settings
from whoknows.errors import (
    Ambiguous,
    Conflict,
    NotFound,
    Refused,
    Unavailable,
    UserError,
    WhoknowsError,
)
from whoknows.services.cache import fresh
from whoknows.services.store import Store
from whoknows.storage.errors import translate
from whoknows.web import security, uploads
from whoknows.web.access import HOSTS_ENV as ACCESS_HOSTS_ENV
from whoknows.web.access import TOKEN_PARAM, Access, bearer, cookie_name
from whoknows.web.common import HERE, is_htmx, render

FRESH_COOKIE = "wk_fresh"  # set by a form post: this browser's next pages wait for fresh data
FRESH_SECONDS = 10
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

    _middleware(app)
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
    )

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_api_route("/docs", api_docs, include_in_schema=False, response_class=HTMLResponse)
    guarded = [Depends(check_csrf)]
    for module in (dashboard, people, prep, events, reach, pipeline, reports, settings, imports):
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


def _middleware(app: FastAPI) -> None:
    app.add_middleware(uploads.BodyLimit)  # every body counted as it arrives, up to its limit

    app.add_middleware(ReadYourWrites)
    app.add_middleware(Secure)
    app.add_middleware(ServerTiming)  # outermost: the whole of the server's time


class HttpMiddleware(abc.ABC):
    """A plain ASGI middleware of HTTP requests (others pass through): no extra task and body
    stream per request, as Starlette's `@app.middleware("http")` costs under load."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    @abc.abstractmethod
    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one HTTP request: each middleware's own work."""


class ServerTiming(HttpMiddleware):
    """Every answer says how long the server took (Server-Timing: app;dur=MS): what the web
    benchmark reads, and what a browser's developer tools show. Plain ASGI, so it costs no
    extra task per request."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        begin = time.perf_counter()

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                spent = (time.perf_counter() - begin) * 1000
                MutableHeaders(scope=message).append("server-timing", f"app;dur={spent:.1f}")
            await send(message)

        await self.app(scope, receive, timed)


def _cookie(name: str, value: str, **options: Any) -> str:
    """The Set-Cookie header Starlette would write for NAME=VALUE with OPTIONS."""
    made = Response()
    made.set_cookie(name, value, httponly=True, samesite="strict", **options)
    return made.headers["set-cookie"]


class ReadYourWrites(HttpMiddleware):
    """The pages right after a browser's own change are never a moment stale, and a request
    reads the data version once."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        store: Store = scope["app"].state.store
        if request.cookies.get(FRESH_COOKIE):
            with fresh(), store.one_version():
                await self.app(scope, receive, send)
            return
        changes = request.method not in ("GET", "HEAD", "OPTIONS")
        if not changes or request.url.path.startswith("/api/"):
            with store.one_version():
                await self.app(scope, receive, send)
            return

        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                cookie = _cookie(FRESH_COOKIE, "1", max_age=FRESH_SECONDS)
                MutableHeaders(scope=message).append("set-cookie", cookie)
            await send(message)

        with store.one_version():
            await self.app(scope, receive, marked)


class Secure(HttpMiddleware):
    """Only this machine's pages and user get in (`access_refused`); every answer carries the
    security headers, and a CSRF cookie when the browser had none valid."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        refused = access_refused(request)
        if refused is not None:
            _headers(refused)
            await refused(scope, receive, send)
            return
        key = scope["app"].state.key
        cookie = request.cookies.get(security.CSRF_COOKIE)
        new = not security.valid_csrf_token(key, cookie)
        token = security.new_csrf_token(key) if new else cookie
        request.state.csrf_token = token  # in the scope: the page's Request sees it

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if new and token is not None:
                    headers.append("set-cookie", _cookie(security.CSRF_COOKIE, token, path="/"))
                for name, value in security.HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, secured)


def access_refused(request: Request) -> Response | None:
    """The answer to a request that may not go on (wrong Host 400, cross-origin 403, no secret
    401), or None. A GET carrying the secret as ?access_token= trades it for a session cookie
    and comes back without it, so the secret leaves the address bar and the history."""
    access: Access = request.app.state.access
    host = request.headers.get("host")
    if not access.host_allowed(host):
        shown = (host or "")[:100]
        return PlainTextResponse(
            f"this whoknows server does not answer to the host {shown!r} "
            f"(add it with --allow-host or {ACCESS_HOSTS_ENV})\n",
            status_code=400,
        )
    headers = request.headers
    own = f"{request.url.scheme}://{host}"
    if not Access.same_origin(request.method, own, headers.get("origin"), headers.get("referer")):
        return error_response(
            request, 403, "a request from another site was refused", hint="use whoknows's own pages"
        )
    path = request.url.path
    if path.startswith("/static/") or path == "/calendar.ics":
        return None  # public files, and the feed that has a token of its own
    cookie = cookie_name(request.url.port)
    if access.is_secret(request.query_params.get(TOKEN_PARAM)):
        if request.method != "GET" or wants_json(request):
            return None
        rest = request.url.remove_query_params(TOKEN_PARAM).query
        response = RedirectResponse(path + (f"?{rest}" if rest else ""), status_code=303)
        response.set_cookie(
            cookie, access.session_value(), httponly=True, samesite="strict", path="/"
        )
        return response
    if access.is_session(request.cookies.get(cookie)) or access.is_secret(
        bearer(headers.get("authorization"))
    ):
        return None
    if wants_json(request):
        return JSONResponse(
            {
                "error": "this whoknows server needs its access token",
                "hint": "send Authorization: Bearer TOKEN (the token is in server.json in the "
                "data folder while the server runs)",
                "reasons": [],
            },
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    return render(request, "signin.html", {"status": 401}, status=401)


def _headers(response: Response) -> None:
    for name, value in security.HEADERS.items():
        response.headers.setdefault(name, value)


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


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(WhoknowsError)
    async def whoknows_error(request: Request, exc: WhoknowsError) -> Response:
        reasons = list(exc.candidates) if isinstance(exc, Ambiguous) else []
        reasons = list(getattr(exc, "reasons", reasons))
        response = error_response(
            request, status_of(exc), exc.message, hint=exc.hint, reasons=reasons
        )
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
