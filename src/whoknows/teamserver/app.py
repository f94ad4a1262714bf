"""create_app(settings): the team server's FastAPI app, its JSON API and its few pages.

`whoknows team serve` runs it under uvicorn with several workers through the factory
`from_environment`, which reads the settings the command put in the environment.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import DBAPIError
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from whoknows import errors
from whoknows.errors import (
    Unavailable,
    WhoknowsError,
)
from whoknows.teamserver import db
from whoknows.teamserver.auth import NotSignedIn
from whoknows.teamserver.limits import RateLimited

DB_ENV = "WHOKNOWS_TEAM_DB"
READ_DB_ENV = "WHOKNOWS_TEAM_READ_DB"
POOL_ENV = "WHOKNOWS_TEAM_POOL"
SECURE_ENV = "WHOKNOWS_TEAM_SECURE_COOKIES"
log = logging.getLogger("whoknows.teamserver")


@dataclass(frozen=True)
class TeamSettings:
    database_url: str
    read_database_url: str | None = None
    pool_size: int = 5
    secure_cookies: bool = False  # set when the server is behind HTTPS
    listen: bool = False  # each worker LISTENs for graph versions (`team serve`)


def create_app(settings: TeamSettings) -> FastAPI:
    """The app; it connects lazily (nothing happens at import or here but engine set-up)."""
    from whoknows.teamserver.routes import (
        api,
        chapter,
        chapter_meeting,
        chapter_member,
        chapter_visitors,
        pages,
        push,
        reach,
    )

    app = FastAPI(title="whoknows team server", docs_url=None, redoc_url=None, lifespan=_lifespan)
    app.state.settings = settings
    app.state.engine = db.connect(settings.database_url, pool_size=settings.pool_size)
    app.state.read_engine = (
        db.connect(settings.read_database_url, pool_size=settings.pool_size)
        if settings.read_database_url
        else None
    )
    app.state.templates = Jinja2Templates(
        directory=str(resources.files("whoknows.teamserver") / "templates")
    )
    static = Path(str(resources.files("whoknows") / "web" / "static"))
    app.mount("/static", StaticFiles(directory=static), name="static")  # the local app's look
    # The questions' routes first: a request is matched against the routes in order, and
    # no other route matches their paths (tests/teamserver/test_app.py checks), so the
    # most asked routes are found without trying the forty others before them.
    app.include_router(reach.api)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(push.router)
    app.include_router(reach.pages)
    app.include_router(chapter.api)
    app.include_router(chapter.pages)
    app.include_router(chapter_member.api)
    app.include_router(chapter_member.pages)
    app.include_router(chapter_meeting.pages)
    app.include_router(chapter_visitors.api)
    _error_handlers(app)

    # Plain ASGI middleware, not @app.middleware("http"): that one runs each request in a
    # task group with memory streams, a measurable share of a question's CPU.
    app.add_middleware(OneConnectionEach, size=settings.pool_size)
    app.add_middleware(SecurityHeaders)
    return app


class OneConnectionEach:
    """No more requests at once than the worker has connections: the others wait their turn
    here, however long, rather than for a connection (10 s, then an error). A request holds
    at most one connection at a time (auth.release before a path's search), so every request
    let in finds one. One gate per event loop (tests run apps on several)."""

    def __init__(self, app: ASGIApp, size: int) -> None:
        self.app = app
        self.size = size
        self.gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        gate = self.gates.get(loop) or self.gates.setdefault(loop, asyncio.Semaphore(self.size))
        async with gate:
            await self.app(scope, receive, send)


SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cache-Control", "no-store"),
)


class SecurityHeaders:
    """Every answer's security headers, unless the route set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, sending)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    if app.state.settings.listen:  # served: the first report's charts need not load matplotlib
        from whoknows.teamserver import chapter_charts

        threading.Thread(target=chapter_charts.warm, name="whoknows-charts", daemon=True).start()
    yield
    snapshots = getattr(app.state, "snapshots", None)
    if snapshots is not None:
        snapshots.close()
    app.state.engine.dispose()
    if app.state.read_engine is not None:
        app.state.read_engine.dispose()


def from_environment() -> FastAPI:
    """The factory uvicorn's workers call (`whoknows team serve`)."""
    return create_app(
        TeamSettings(
            database_url=os.environ[DB_ENV],
            read_database_url=os.environ.get(READ_DB_ENV) or None,
            pool_size=int(os.environ.get(POOL_ENV) or 5),
            secure_cookies=os.environ.get(SECURE_ENV) == "1",
            listen=True,
        )
    )


def wants_json(request: Request) -> bool:
    return errors.wants_json(request.url.path, request.headers.get("accept", ""))


def error_response(
    request: Request, status: int, message: str, hint: str | None = None
) -> Response:
    """The one answer to an error: a JSON line for the API, a small page for a browser."""
    if wants_json(request):
        return JSONResponse({"error": message, "hint": hint}, status_code=status)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        "team/error.html",
        {"status": status, "error": message, "hint": hint, "account": None},
        status_code=status,
    )


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(WhoknowsError)
    async def whoknows_error(request: Request, exc: WhoknowsError) -> Response:
        if isinstance(exc, NotSignedIn) and not wants_json(request):
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        response = error_response(request, exc.http_status, exc.message, exc.hint)
        if isinstance(exc, NotSignedIn):
            response.headers["WWW-Authenticate"] = "Bearer"
        if isinstance(exc, Unavailable | RateLimited):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        where = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'input'}: {e.get('msg', '')}"
            for e in exc.errors()
        )
        return error_response(request, 422, f"the input is not valid ({where})")

    @app.exception_handler(DBAPIError)
    async def database_error(request: Request, exc: DBAPIError) -> Response:
        if db.is_outage(exc):
            return await whoknows_error(request, db.unavailable(exc))
        if db.is_busy(exc):
            return await whoknows_error(request, db.busy(exc))
        if db.is_bad_value(exc):
            return await whoknows_error(request, db.bad_value(exc))
        log.error("database error on %s %s: %s", request.method, request.url.path, exc.orig)
        return error_response(request, 500, "the server could not do that (a database error)")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = "not found" if exc.status_code == 404 else str(exc.detail)
        return error_response(request, exc.status_code, message)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "the server hit an unexpected error")
