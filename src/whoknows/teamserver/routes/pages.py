"""The server-rendered pages: sign in and out, my spaces, a space's members, an invitation,
my API tokens. Forms post back with the session's CSRF token."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from whoknows.errors import WhoknowsError
from whoknows.teamserver import accounts, limits, schema, spaces
from whoknows.teamserver.audit import audit
from whoknows.teamserver.auth import (
    Anyone,
    Caller,
    Member,
    SignedIn,
    end_cookie,
    session_cookie,
)
from whoknows.teamserver.routes.api import Admin, _invitation, accept_invitation

router = APIRouter(include_in_schema=False)


def page(
    request: Request, who: Caller, template: str, status: int = 200, **context: object
) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        f"team/{template}",
        {
            "account": who.account,
            "csrf_token": who.session.csrf if who.session else "",
            **context,
        },
        status_code=status,
    )


def _safe_next(value: str | None) -> str:
    """Only a path on this server (never //host or a scheme) may follow a sign-in."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def sign_in(request: Request, who: Caller, account_id: int, to: str) -> Response:
    token, _ = accounts.start_session(who.conn, account_id)
    response = RedirectResponse(_safe_next(to), status_code=303)
    response.set_cookie(
        session_cookie(request),
        token,
        max_age=accounts.SESSION_DAYS * 86400,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
        path="/",
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, who: Anyone, next: str = "/") -> Response:
    if who.account is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return page(request, who, "login.html", next=_safe_next(next), error=None, email="")


@router.post("/login")
def login(
    request: Request,
    who: Anyone,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=accounts.MAX_PASSWORD)],
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    ip = request.client.host if request.client else "unknown"
    try:
        account = accounts.login(who.conn, email, password, ip)
    except WhoknowsError as exc:
        # The counts and the audit of the refusal are kept: this answers, it does not raise.
        status = 429 if isinstance(exc, limits.RateLimited) else 401
        return page(
            request, who, "login.html", status, next=_safe_next(next), error=str(exc), email=email
        )
    return sign_in(request, who, account.id, next)


@router.post("/logout")
def logout(request: Request, who: SignedIn) -> Response:
    if who.session is not None:
        accounts.end_session(who.conn, who.session.id)
        audit(who.conn, "logout", f"account:{who.account_id}", space_id=None)
    response = RedirectResponse("/login", status_code=303)
    end_cookie(request, response)
    return response


@router.post("/logout-everywhere")
def logout_everywhere(request: Request, who: SignedIn) -> Response:
    ended = accounts.end_all_sessions(who.conn, who.account_id)
    audit(who.conn, "logout.everywhere", f"account:{who.account_id}", {"n": ended}, space_id=None)
    response = RedirectResponse("/login", status_code=303)
    end_cookie(request, response)
    return response


@router.get("/account/password", response_class=HTMLResponse)
def password_page(request: Request, who: SignedIn) -> Response:
    return page(request, who, "password.html", error=None, done=False)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    who: SignedIn,
    current: Annotated[str, Form(max_length=accounts.MAX_PASSWORD)],
    new: Annotated[str, Form(max_length=accounts.MAX_PASSWORD)],
) -> Response:
    assert who.account is not None
    try:
        accounts.change_password(who.conn, who.account, current, new)
    except WhoknowsError as exc:  # answered, not raised: the refusal's audit row is kept
        return page(request, who, "password.html", 400, error=str(exc), done=False)
    return page(request, who, "password.html", error=None, done=True)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, who: SignedIn) -> Response:
    return page(request, who, "home.html", spaces=spaces.spaces_of(who.conn, who.account_id))


@router.get("/s/{slug}", response_class=HTMLResponse)
def space_home(request: Request, who: Member) -> Response:
    return _space_page(request, who)


def _space_page(
    request: Request, who: Caller, status: int = 200, link: str | None = None, error: str = ""
) -> Response:
    admin = spaces.at_least(who.role, "admin")
    listed = spaces.members(who.conn, who.space_id) if spaces.at_least(who.role, "member") else []
    return page(
        request,
        who,
        "space.html",
        status,
        space=who.space,
        role=who.role,
        members=listed,
        admin=admin,
        invitations=spaces.invitations(who.conn, who.space_id) if admin else [],
        roles=[r for r in schema.ROLES if who.role == "owner" or spaces.RANK[r] > 1],
        link=link,
        error=error,
    )


@router.post("/s/{slug}/invitations", response_class=HTMLResponse)
def invite(
    request: Request,
    who: Admin,
    email: Annotated[str, Form(max_length=320)],
    role: Annotated[str, Form(max_length=20)] = "member",
) -> Response:
    try:
        _, token = spaces.invite(
            who.conn, who.space_id, who.account_id, who.role or "", email, role
        )
    except WhoknowsError as exc:
        return _space_page(request, who, 400, error=str(exc))
    link = f"{str(request.base_url).rstrip('/')}/invite/{token}"
    return _space_page(request, who, link=link)


@router.get("/invite/{token}", response_class=HTMLResponse)
def invitation_page(request: Request, token: str, who: Anyone) -> Response:
    found = _invitation(who, token)
    exists = accounts.by_email(who.conn, found.email) is not None
    return page(
        request, who, "invitation.html", invitation=found, exists=exists, token=token, error=None
    )


@router.post("/invite/{token}")
def answer_invitation(
    request: Request,
    token: str,
    who: Anyone,
    answer: Annotated[str, Form(pattern="^(accept|decline)$")],
    password: Annotated[str, Form(max_length=accounts.MAX_PASSWORD)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    if answer == "decline":
        spaces.decline(who.conn, _invitation(who, token))
        return page(request, who, "declined.html")
    account_id, found = accept_invitation(who, token, password or None, name)
    if who.account is not None:
        return RedirectResponse(f"/s/{quote(found.space.slug)}", status_code=303)
    return sign_in(request, who, account_id, f"/s/{found.space.slug}")


@router.get("/s/{slug}/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, who: Member) -> Response:
    listed = accounts.tokens_of(who.conn, who.account_id)
    return page(request, who, "tokens.html", space=who.space, tokens=listed, new_token=None)


@router.post("/s/{slug}/tokens", response_class=HTMLResponse)
def new_token(
    request: Request,
    who: Member,
    name: Annotated[str, Form(max_length=100)] = "",
    write: Annotated[bool, Form()] = False,
) -> Response:
    scopes = ("read", "write") if write else ("read",)
    _, token = accounts.create_token(who.conn, who.space_id, who.account_id, name, scopes)
    listed = accounts.tokens_of(who.conn, who.account_id)
    return page(request, who, "tokens.html", space=who.space, tokens=listed, new_token=token)


@router.post("/s/{slug}/tokens/{token_id}/revoke")
def revoke(token_id: int, who: Member) -> Response:
    accounts.revoke_token(who.conn, token_id, who.account_id)
    assert who.space is not None
    return RedirectResponse(f"/s/{quote(who.space.slug)}/tokens", status_code=303)
