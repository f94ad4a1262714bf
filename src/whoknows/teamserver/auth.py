"""Who is calling: the FastAPI dependencies that turn a request into (account, space, role).

Every request is one transaction (`transaction`), committed before the answer is sent. The
caller is a bearer API token (which names its space) or a session cookie; a space the caller
does not belong to, and a role too small for the route, both answer 404, never 403, so a
probe learns nothing about what exists. Refusals are audited in a transaction of their own
(the request's is rolled back).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Connection, Engine

from whoknows.errors import NotFound, UserError, WhoknowsError
from whoknows.teamserver import accounts, spaces
from whoknows.teamserver.accounts import Account, Session, TokenUse
from whoknows.teamserver.audit import audit
from whoknows.teamserver.db import set_tenant, tenant
from whoknows.teamserver.spaces import Space

SESSION_COOKIE = "wk_team_session"
# Behind HTTPS (--secure-cookies) the cookie is a __Host- one: Secure, Path=/, no Domain, so
# no other host or path can set or shadow it.
SECURE_SESSION_COOKIE = "__Host-" + SESSION_COOKIE
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class NotSignedIn(WhoknowsError):
    """No valid session or token: 401 for the API, the sign-in page for a browser."""

    http_status = 401

    exit_code = 2

    def __init__(self) -> None:
        super().__init__(
            "sign in first", hint="send Authorization: Bearer TOKEN, or sign in at /login"
        )


class Refusal(NotFound):
    """A caller may not see the space or may not use the route: 404. Raised by the access
    dependencies only, before a route changes anything, so the request's transaction commits
    the audit row of the refusal (a second connection per refused request could exhaust a
    small pool under load)."""


class Forbidden(UserError):
    """A request refused whatever the caller may see: a cross-site post, a missing CSRF token,
    a token without the scope. Never used to hide what exists (that is NotFound)."""

    http_status = 403


@dataclass(frozen=True)
class Caller:
    conn: Connection
    account: Account | None = None
    session: Session | None = None
    token: TokenUse | None = None
    space: Space | None = None
    role: str | None = None

    @property
    def account_id(self) -> int:
        assert self.account is not None, "a signed-in dependency comes first"
        return self.account.id

    @property
    def space_id(self) -> int:
        assert self.space is not None, "an in-space dependency comes first"
        return self.space.id


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def transaction(request: Request) -> Iterator[Connection]:
    """The request's one transaction, with no tenant yet; commits before the answer, or
    earlier when the route calls `release` (a path question, before its search)."""
    with ExitStack() as stack:
        request.state.transaction = stack
        yield stack.enter_context(tenant(engine_of(request), commit_on=(Refusal,)))


def release(request: Request) -> None:
    """Commit the request's transaction now and give its connection back to the pool: what
    the route does next (a search on the snapshot) needs no database, and a connection held
    through it would keep the worker's other requests waiting for one. The caller's
    connection is closed after this; a later read takes `afterwards`."""
    stack: ExitStack = request.state.transaction
    stack.close()


Transaction = Annotated[Connection, Depends(transaction, scope="function")]


async def sent_csrf(request: Request) -> str | None:
    """The CSRF token an unsafe request carries, in its header or its form."""
    if request.method in SAFE_METHODS:
        return None
    sent = request.headers.get(CSRF_HEADER)
    kind = request.headers.get("content-type", "")
    if sent is None and kind.startswith(("application/x-www-form-urlencoded", "multipart/")):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    return sent


def session_cookie(request: Request) -> str:
    """The session cookie's name on this server."""
    secure: bool = request.app.state.settings.secure_cookies
    return SECURE_SESSION_COOKIE if secure else SESSION_COOKIE


def end_cookie(request: Request, response: Response) -> None:
    """Tell the browser to forget its session cookie."""
    response.delete_cookie(
        session_cookie(request),
        path="/",
        secure=request.app.state.settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )


def bearer(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def caller(
    request: Request, conn: Transaction, csrf: Annotated[str | None, Depends(sent_csrf)]
) -> Caller:
    """Who calls, if anyone; refuses cross-site posts and unsafe cookie requests without
    the session's CSRF token."""
    unsafe = request.method not in SAFE_METHODS
    if unsafe and request.headers.get("sec-fetch-site") == "cross-site":
        raise Forbidden("a request from another site was refused", hint="use the server's pages")
    token = bearer(request)
    if token is not None:
        return _by_token(request, conn, token)
    session = accounts.session_for(conn, request.cookies.get(session_cookie(request)))
    if session is None:
        return Caller(conn)
    if unsafe and csrf != session.csrf:
        raise Forbidden(
            "the form has expired or did not come from this server (CSRF check failed)",
            hint="reload the page and try again",
        )
    return Caller(conn, account=session.account, session=session)  # the tenant's account set


def _by_token(request: Request, conn: Connection, token: str) -> Caller:
    """The token's caller: the tenant's space set first (the token is looked up under its
    policy), then the token, its account, space and role in one statement, which also sets
    the tenant's account."""
    space_id = accounts.token_space(token)
    if space_id is None:
        raise NotSignedIn()
    set_tenant(conn, space_id=space_id, account_id=None)
    use = accounts.use_token(conn, token)
    if use is None:
        raise NotSignedIn()
    needed = "read" if request.method in SAFE_METHODS else "write"
    if needed not in use.scopes:
        raise Forbidden(f"this token lacks the {needed!r} scope", hint="make a token that has it")
    return Caller(conn, account=use.account, token=use)


Anyone = Annotated[Caller, Depends(caller)]


# The dependencies after `caller` are async: they read what `caller` found, and do their
# little database work (a browser's space, a refusal's audit row) in the thread pool, so a
# question is not handed to a thread and back for each check (~40 µs of CPU a hop).


async def signed_in(who: Anyone) -> Caller:
    if who.account is None:
        raise NotSignedIn()
    return who


SignedIn = Annotated[Caller, Depends(signed_in)]


async def in_space(request: Request, slug: str, who: SignedIn) -> Caller:
    """The caller as a current member of the space SLUG, the transaction's tenant set to it;
    NotFound (404) when the space is not theirs to see, or their token is another space's."""
    space: Space | None
    if who.token is not None:  # read with the token, its tenant set (_by_token)
        found, role = who.token.space, who.token.role
        space = Space(who.token.space_id, *found) if found and found[0] == slug else None
    else:
        space, role = await run_in_threadpool(spaces.membership_of, who.conn, slug, who.account_id)
    if space is None or role is None:
        await run_in_threadpool(refused, request, who, f"space:{slug}")
        raise Refusal(f"no space {slug!r}", hint="check the name in your list of spaces")
    return dataclasses.replace(who, space=space, role=role)


Member = Annotated[Caller, Depends(in_space)]


def role_at_least(needed: str) -> Callable[..., Awaitable[Caller]]:
    """A dependency: the caller in the route's space with at least the role NEEDED."""

    async def check(request: Request, who: Member) -> Caller:
        if not spaces.at_least(who.role, needed):
            await run_in_threadpool(refused, request, who, f"space:{who.space_id}", needed=needed)
            raise Refusal("not found")
        return who

    return check


def refused(request: Request, who: Caller, subject: str, **detail: object) -> None:
    """Audit a failed authorization in the request's transaction; the caller then raises
    Refusal, which commits it."""
    audit(
        who.conn,
        "access.refused",
        subject,
        {"method": request.method, "path": request.url.path, **detail},
        space_id=who.space.id if who.space else None,
    )


def reading(request: Request, who: Caller) -> AbstractContextManager[Connection]:
    """A read-only transaction for a question route, on the replica when the server has one
    (`--read-db`), with the caller's tenant set."""
    engine: Engine | None = getattr(request.app.state, "read_engine", None)
    if engine is None:  # the request's own transaction: never a second connection at once
        return nullcontext(who.conn)
    space_id = who.space.id if who.space else None
    account_id = who.account.id if who.account else None
    return tenant(engine, space_id=space_id, account_id=account_id)


def afterwards(request: Request, who: Caller) -> AbstractContextManager[Connection]:
    """A short read transaction with the caller's tenant after `release`: on the replica when
    the server has one (`--read-db`), else a new one on the primary."""
    engine: Engine = getattr(request.app.state, "read_engine", None) or engine_of(request)
    return tenant(engine, space_id=who.space_id, account_id=who.account_id)
