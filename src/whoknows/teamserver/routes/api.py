"""The JSON API under /api/v1: me, spaces, memberships, invitations, tokens, audit, sign-out.

Thin: each route resolves its caller (auth.py), calls accounts/spaces, and answers. POSTs
that change data honour Idempotency-Key (idempotency.answer_once).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from whoknows.errors import Conflict, NotFound, UserError
from whoknows.teamserver import accounts, schema, spaces
from whoknows.teamserver.audit import audit
from whoknows.teamserver.auth import (
    Anyone,
    Caller,
    Member,
    Refusal,
    SignedIn,
    end_cookie,
    refused,
    role_at_least,
)
from whoknows.teamserver.db import set_tenant
from whoknows.teamserver.idempotency import answer_once

router = APIRouter(prefix="/api/v1")
Admin = Annotated[Caller, Depends(role_at_least("admin"))]
Colleague = Annotated[Caller, Depends(role_at_least("member"))]


class SpaceIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    kind: str = "firm"
    slug: str | None = Field(default=None, max_length=60)


class RoleIn(BaseModel):
    role: str


class InvitationIn(BaseModel):
    email: str = Field(max_length=320)
    role: str = "member"


class AcceptIn(BaseModel):
    password: str | None = Field(default=None, max_length=accounts.MAX_PASSWORD)
    name: str = Field(default="", max_length=200)


class PasswordIn(BaseModel):
    current: str = Field(max_length=accounts.MAX_PASSWORD)
    new: str = Field(max_length=accounts.MAX_PASSWORD)


class TokenIn(BaseModel):
    name: str = Field(default="", max_length=100)
    scopes: list[str] = Field(default_factory=lambda: ["read", "write"], max_length=10)


def _space_out(space: spaces.Space, role: str | None) -> dict[str, object]:
    return {
        "id": space.id,
        "slug": space.slug,
        "name": space.name,
        "kind": space.kind,
        "role": role,
    }


@router.get("/me")
def me(who: SignedIn) -> dict[str, object]:
    account = who.account
    assert account is not None
    return {
        "id": account.id,
        "email": account.email,
        "name": account.name,
        "admin": account.is_admin,
        "spaces": spaces.spaces_of(who.conn, account.id),
    }


@router.post("/me/password", status_code=204)
def change_password(body: PasswordIn, who: SignedIn) -> Response:
    assert who.account is not None
    if who.token is not None:  # a leaked token must not be enough to take the account
        raise Refusal("not found")
    accounts.change_password(who.conn, who.account, body.current, body.new)
    return Response(status_code=204)


@router.get("/spaces")
def my_spaces(who: SignedIn) -> list[dict[str, object]]:
    found = spaces.spaces_of(who.conn, who.account_id)
    if who.token is not None:  # a token sees only its own space
        found = [s for s in found if s["id"] == who.token.space_id]
    return found


@router.post("/spaces", status_code=201)
def create_space(request: Request, body: SpaceIn, who: SignedIn) -> Response:
    if who.account is None or not who.account.is_admin or who.token is not None:
        refused(request, who, "spaces", needed="server admin")
        raise Refusal("not found")  # the route exists for server admins only
    return answer_once(
        request,
        who.conn,
        None,
        who.account_id,
        body.model_dump(),
        201,
        lambda: _space_out(
            spaces.create(who.conn, body.name, body.kind, who.account_id, body.slug), "owner"
        ),
    )


@router.get("/spaces/{slug}")
def space(who: Member) -> dict[str, object]:
    assert who.space is not None
    return _space_out(who.space, who.role)


@router.get("/spaces/{slug}/members")
def members(who: Colleague) -> list[dict[str, object]]:
    rows = spaces.members(who.conn, who.space_id)
    if not spaces.at_least(who.role, "admin"):
        for row in rows:
            row.pop("email")  # colleagues see names; admins manage by email
    return rows


@router.post("/spaces/{slug}/members/{account_id}/role")
def set_role(request: Request, account_id: int, body: RoleIn, who: Admin) -> Response:
    assert who.role is not None

    def work() -> dict[str, object]:
        spaces.set_role(who.conn, who.space_id, who.role or "", account_id, body.role)
        return {"account_id": account_id, "role": body.role}

    return answer_once(
        request, who.conn, who.space_id, who.account_id, body.model_dump(), 200, work
    )


@router.delete("/spaces/{slug}/members/{account_id}", status_code=204)
def remove_member(account_id: int, who: Member) -> Response:
    if account_id != who.account_id and not spaces.at_least(who.role, "admin"):
        raise NotFound(f"no member #{account_id} here")
    spaces.leave(
        who.conn, who.space_id, account_id, by=who.account_id, actor_role=who.role or "guest"
    )
    return Response(status_code=204)


@router.post("/spaces/{slug}/leave", status_code=204)
def leave(who: Member) -> Response:
    spaces.leave(
        who.conn, who.space_id, who.account_id, by=who.account_id, actor_role=who.role or ""
    )
    return Response(status_code=204)


@router.get("/spaces/{slug}/invitations")
def invitations(who: Admin) -> list[dict[str, object]]:
    return spaces.invitations(who.conn, who.space_id)


@router.post("/spaces/{slug}/invitations", status_code=201)
def invite(request: Request, body: InvitationIn, who: Admin) -> Response:
    def work() -> dict[str, object]:
        new_id, token = spaces.invite(
            who.conn, who.space_id, who.account_id, who.role or "", body.email, body.role
        )
        return {"id": new_id, "link": f"{str(request.base_url).rstrip('/')}/invite/{token}"}

    return answer_once(
        request, who.conn, who.space_id, who.account_id, body.model_dump(), 201, work
    )


def _invitation(who: Caller, token: str) -> spaces.Invitation:
    """The open invitation a link names; the transaction's tenant becomes its space."""
    invitation_id, space_id = spaces.read_link(spaces.signing_key(who.conn), token)
    set_tenant(who.conn, space_id=space_id, account_id=who.account.id if who.account else None)
    return spaces.open_invitation(who.conn, invitation_id)


@router.get("/invitations/{token}")
def invitation(token: str, who: Anyone) -> dict[str, object]:
    found = _invitation(who, token)
    return {
        "space": found.space.name,
        "kind": found.space.kind,
        "email": found.email,
        "role": found.role,
        "account_exists": accounts.by_email(who.conn, found.email) is not None,
    }


def accept_invitation(
    who: Caller, token: str, password: str | None, name: str
) -> tuple[int, spaces.Invitation]:
    """Accept a link: the account is the signed-in one (whose email it must be), or the
    invited email's (checked by its password), or a new one made with PASSWORD."""
    found = _invitation(who, token)
    existing = accounts.by_email(who.conn, found.email)
    if who.account is not None:
        if who.account.email != found.email:
            raise Conflict(
                f"this invitation is for {found.email}, not {who.account.email}",
                hint="sign out, then open the link again",
            )
        account_id = who.account.id
    elif existing is not None:
        checked = accounts.verify_password(who.conn, found.email, password or "")
        if checked is None:
            raise accounts.BadCredentials()
        account_id = checked.id
    else:
        if not password:
            raise UserError("choose a password for your new account")
        account_id = accounts.create(who.conn, found.email, password, name=name).id
    set_tenant(who.conn, space_id=found.space.id, account_id=account_id)
    spaces.accept(who.conn, found, account_id)
    return account_id, found


@router.post("/invitations/{token}/accept")
def accept(token: str, body: AcceptIn, who: Anyone) -> dict[str, object]:
    _, found = accept_invitation(who, token, body.password, body.name)
    return {"space": found.space.slug, "role": found.role}


@router.post("/invitations/{token}/decline", status_code=204)
def decline(token: str, who: Anyone) -> Response:
    spaces.decline(who.conn, _invitation(who, token))
    return Response(status_code=204)


@router.get("/spaces/{slug}/tokens")
def tokens(who: Member) -> list[dict[str, object]]:
    return accounts.tokens_of(who.conn, who.account_id)


@router.post("/spaces/{slug}/tokens", status_code=201)
def create_token(request: Request, body: TokenIn, who: Member) -> Response:
    def work() -> dict[str, object]:
        new_id, token = accounts.create_token(
            who.conn, who.space_id, who.account_id, body.name, tuple(body.scopes)
        )
        return {"id": new_id, "token": token, "scopes": sorted(set(body.scopes))}

    return answer_once(
        request, who.conn, who.space_id, who.account_id, body.model_dump(), 201, work
    )


@router.delete("/spaces/{slug}/tokens/{token_id}", status_code=204)
def revoke_token(token_id: int, who: Member) -> Response:
    if not accounts.revoke_token(who.conn, token_id, who.account_id):
        raise NotFound(f"no token #{token_id} of yours here")
    return Response(status_code=204)


@router.get("/spaces/{slug}/audit")
def audit_log(who: Admin, limit: int = 100) -> list[dict[str, object]]:
    e = schema.audit_event
    rows = who.conn.execute(
        select(e.c.id, e.c.account_id, e.c.action, e.c.subject, e.c.detail, e.c.at)
        .where(e.c.space_id == who.space_id)
        .order_by(e.c.id.desc())
        .limit(max(1, min(limit, 1000)))
    )
    return [dict(r._mapping) for r in rows]


@router.post("/sign-out", status_code=204)
def sign_out(request: Request, who: SignedIn) -> Response:
    if who.session is not None:
        accounts.end_session(who.conn, who.session.id)
        audit(who.conn, "logout", f"account:{who.account_id}", space_id=None)
    response = Response(status_code=204)
    end_cookie(request, response)
    return response


@router.post("/sign-out-everywhere")
def sign_out_everywhere(who: SignedIn) -> dict[str, int]:
    ended = accounts.end_all_sessions(who.conn, who.account_id)
    audit(who.conn, "logout.everywhere", f"account:{who.account_id}", {"n": ended}, space_id=None)
    return {"sessions_ended": ended}
