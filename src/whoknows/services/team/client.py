"""The team server's client, as a member's machine talks to it (join, push, pull, questions).

Every failure is one line that says what to do: the server cannot be reached, the token was
refused, the server asks for everything again (409), or it failed and a retry later may work.
POSTs carry an Idempotency-Key, so a retried request is applied once.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from whoknows.errors import Conflict, Hint, NotFound, Unavailable, UserError

TIMEOUT = httpx.Timeout(30.0, connect=5.0)  # a push of 50,000 contacts takes seconds
API = "/api/v1"
# How requests travel when no transport is given: the network (tests put an app here).
DEFAULT_TRANSPORT: httpx.BaseTransport | None = None


class Unreachable(Unavailable):
    """The server did not answer (down, wrong address, no network): nothing changed."""


class TokenRefused(UserError):
    """The server refused the token (revoked, expired, mistyped, or another server's)."""


class Outdated(Conflict):
    """409: the server's copy is not the one the client last saw; resend everything."""


class ServerFailed(Unavailable):
    """The server failed (5xx): nothing is known to have changed; try again later."""


def server_url(value: str) -> str:
    """The server's base URL, checked: http(s)://host[:port][/path], no trailing slash."""
    text = value.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UserError(
            f"team server address {value!r} is not a URL",
            hint="give it as https://team.example.com (what your admin sent you)",
        )
    return text.rstrip("/")


@dataclass
class Client:
    """One team server, as one member (their bearer token) sees it."""

    url: str
    token: str
    transport: httpx.BaseTransport | None = None  # tests talk to the app in-process

    def __post_init__(self) -> None:
        self.url = server_url(self.url)
        if not self.token.strip():
            raise UserError("the token is empty", hint="copy it from the team server's page")
        self._http = httpx.Client(
            base_url=self.url,
            timeout=TIMEOUT,
            transport=self.transport or DEFAULT_TRANSPORT,
            headers={"Authorization": f"Bearer {self.token.strip()}", "Accept": "application/json"},
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def space_path(self, space: str, *rest: str) -> str:
        return "/".join([f"{API}/spaces/{quote(space, safe='')}", *rest])

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        return self._send("GET", path, params=params)

    def get_text(self, path: str) -> str:
        """A text answer (a CSV export), with the same failures as get."""
        found: str = self._send("GET", path, as_text=True, headers={"Accept": "text/*"})
        return found

    def post(self, path: str, body: Any, *, key: str | None = None) -> Any:
        """POST BODY; KEY is the Idempotency-Key (a new one per request unless given: pass the
        same one to retry a request that may have been applied)."""
        headers = {"Idempotency-Key": key or str(uuid.uuid4())}
        try:
            return self._send("POST", path, json=body, headers=headers)
        except Unreachable:
            # Once more with the same key: if the first one was applied (its answer was lost),
            # the server answers it again instead of applying it twice.
            return self._send("POST", path, json=body, headers=headers)

    def _send(self, method: str, path: str, *, as_text: bool = False, **kwargs: Any) -> Any:
        try:
            answer = self._http.request(
                method, path if path.startswith("/") else f"/{path}", **kwargs
            )
        except httpx.TimeoutException as exc:
            raise Unreachable(
                f"the team server at {self.url} did not answer in time ({type(exc).__name__})",
                hint="nothing is known to have changed; try again later",
            ) from exc
        except httpx.HTTPError as exc:
            raise Unreachable(
                f"the team server at {self.url} cannot be reached ({_reason(exc)})",
                hint="check the address and your network, then try again",
            ) from exc
        return self._answer(answer, as_text)

    def _answer(self, answer: httpx.Response, as_text: bool = False) -> Any:
        status = answer.status_code
        detail = _detail(answer)
        if status == 401:
            raise TokenRefused(
                f"the team server at {self.url} refused the token",
                hint=Hint(
                    cli="ask for a new token, then run: whoknows team join URL --token TOKEN",
                    web="ask for a new token, then join again with it",
                ),
            )
        if status == 403:
            raise TokenRefused(f"the team server at {self.url} refused: {detail}")
        if status == 404:
            raise NotFound(
                f"not found on the team server at {self.url}: {detail}",
                hint="you may have left the space, or the server is another one",
            )
        if status == 409:
            raise Outdated(f"the team server holds another version: {detail}")
        if status == 429:
            raise UserError(
                f"the team server asks to slow down: {detail}",
                hint=f"try again in {answer.headers.get('retry-after', 'a minute')} seconds",
            )
        if status >= 500:
            raise ServerFailed(
                f"the team server at {self.url} failed (HTTP {status}: {detail})",
                hint="nothing is known to have changed; try again later",
            )
        if status >= 400:
            raise UserError(f"the team server refused the request (HTTP {status}: {detail})")
        if as_text:
            return answer.text
        if status == 204 or not answer.content:
            return None
        try:
            return answer.json()
        except ValueError as exc:
            raise ServerFailed(
                f"the team server at {self.url} answered something that is not JSON",
                hint="check the address: is it a whoknows team server?",
            ) from exc


def _reason(exc: httpx.HTTPError) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _detail(answer: httpx.Response) -> str:
    """The server's own words for a refusal (FastAPI's {"detail": …}), on one line."""
    try:
        body = answer.json()
    except ValueError:
        return answer.reason_phrase or f"HTTP {answer.status_code}"
    if isinstance(body, dict):
        found = body.get("detail") or body.get("error") or body.get("message")
        if isinstance(found, str):
            hint = body.get("hint")
            return f"{found}: {hint}" if isinstance(hint, str) and hint else found
        if found is not None:
            return str(found)[:300]
    return str(body)[:300]
