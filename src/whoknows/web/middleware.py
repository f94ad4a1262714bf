"""The web app's middleware: server timing, read-your-writes, and the door (host, origin,
access token, security headers, the CSRF cookie). Plain ASGI: no extra task per request."""

from __future__ import annotations

import abc
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from whoknows.services.cache import fresh
from whoknows.services.store import Store
from whoknows.web import security, uploads
from whoknows.web.access import HOSTS_ENV as ACCESS_HOSTS_ENV
from whoknows.web.access import TOKEN_PARAM, Access, bearer, cookie_name
from whoknows.web.common import render
from whoknows.web.failures import error_response, wants_json

FRESH_COOKIE = "wk_fresh"  # set by a form post: this browser's next pages wait for fresh data
FRESH_SECONDS = 10


def install(app: FastAPI) -> None:
    """The app's middleware, outermost last."""
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
