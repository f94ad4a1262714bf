"""Spaces (a firm or a group), memberships with roles, and signed single-use invitations.

Every function runs in a transaction whose tenant db.tenant()/set_tenant() has set; row
security decides what it can see, so a space or invitation of another tenant is simply
absent (and the caller answers 404).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Connection, func, insert, select, text, update

from whoknows.errors import Conflict, NotFound, Refused, UserError
from whoknows.teamserver import accounts, pool, schema
from whoknows.teamserver.audit import audit
from whoknows.teamserver.db import set_tenant

INVITATION_DAYS = 7
RANK = {role: n for n, role in enumerate(schema.ROLES)}  # 0 is the most powerful


@dataclass(frozen=True)
class Space:
    id: int
    slug: str
    name: str
    kind: str


def at_least(role: str | None, needed: str) -> bool:
    """True when ROLE has the powers of NEEDED (owner ⊃ admin ⊃ leader ⊃ member ⊃ guest)."""
    return role is not None and RANK[role] <= RANK[needed]


def check_role(role: str) -> str:
    if role not in RANK:
        raise UserError(f"unknown role {role!r}", hint=f"use one of: {', '.join(schema.ROLES)}")
    return role


def slugify(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60]


def create(conn: Connection, name: str, kind: str, owner_id: int, slug: str | None = None) -> Space:
    """A new space with its owner; the transaction's tenant becomes the new space."""
    name = name.strip()
    if not name or len(name) > 200:
        raise UserError("a space needs a name of 1 to 200 characters")
    if kind not in schema.KINDS:
        raise UserError(f"unknown kind {kind!r}", hint=f"use one of: {', '.join(schema.KINDS)}")
    slug = slugify(slug or name)
    if not slug:
        raise UserError(f"{name!r} gives no usable short name", hint="pass a slug of a-z, 0-9, -")
    new_id = int(
        conn.execute(text("SELECT nextval(pg_get_serial_sequence('space', 'id'))")).scalar_one()
    )
    set_tenant(conn, space_id=new_id, account_id=owner_id)
    done = conn.execute(
        text(
            "INSERT INTO space (id, slug, name, kind, key_salt) "
            "OVERRIDING SYSTEM VALUE VALUES (:id, :slug, :name, :kind, :salt) "
            "ON CONFLICT (slug) DO NOTHING RETURNING id"
        ),
        {"id": new_id, "slug": slug, "name": name, "kind": kind, "salt": secrets.token_hex(32)},
    ).one_or_none()
    if done is None:
        raise Conflict(f"a space named {slug!r} exists already", hint="choose another name")
    conn.execute(
        insert(schema.membership).values(space_id=new_id, account_id=owner_id, role="owner")
    )
    conn.execute(insert(schema.graph_version).values(space_id=new_id, version=0))
    audit(conn, "space.create", f"space:{new_id}", {"slug": slug, "kind": kind})
    return Space(new_id, slug, name, kind)


def role_of(conn: Connection, space_id: int, account_id: int) -> str | None:
    """The account's current role in the space, or None when it is not a member."""
    m = schema.membership
    found = conn.execute(
        select(m.c.role).where(
            m.c.space_id == space_id, m.c.account_id == account_id, m.c.left_at.is_(None)
        )
    ).scalar_one_or_none()
    return str(found) if found else None


def membership_of(conn: Connection, slug: str, account_id: int) -> tuple[Space | None, str | None]:
    """The space SLUG and the account's current role there, in one statement that also makes
    it the transaction's space (only a current member's row sets it); (None, None) else."""
    row = conn.execute(
        text(
            "SELECT s.id, s.slug, s.name, s.kind, m.role, set_config(:sk, s.id::text, true) "
            "FROM space s JOIN membership m ON m.space_id = s.id AND m.account_id = :a "
            "AND m.left_at IS NULL WHERE s.slug = :slug"
        ),
        {"sk": schema.SPACE_SETTING, "a": account_id, "slug": slug},
    ).one_or_none()
    return (Space(row.id, row.slug, row.name, row.kind), str(row.role)) if row else (None, None)


def spaces_of(conn: Connection, account_id: int) -> list[dict[str, object]]:
    """The spaces the account belongs to now, with its role in each."""
    s, m = schema.space, schema.membership
    rows = conn.execute(
        select(s.c.id, s.c.slug, s.c.name, s.c.kind, m.c.role)
        .join(m, m.c.space_id == s.c.id)
        .where(m.c.account_id == account_id, m.c.left_at.is_(None))
        .order_by(s.c.name)
    )
    return [dict(r._mapping) for r in rows]


def members(conn: Connection, space_id: int) -> list[dict[str, object]]:
    """The current members of the space (which must be the transaction's)."""
    m, a = schema.membership, schema.account
    rows = conn.execute(
        select(
            a.c.id.label("account_id"),
            a.c.name,
            a.c.email,
            m.c.role,
            m.c.sharing_level,
            m.c.joined_at,
        )
        .join(a, a.c.id == m.c.account_id)
        .where(m.c.space_id == space_id, m.c.left_at.is_(None), m.c.visible)
        .order_by(m.c.joined_at, a.c.id)
    )
    return [dict(r._mapping) for r in rows]


def _owners(conn: Connection, space_id: int) -> int:
    m = schema.membership
    return conn.execute(
        select(func.count()).where(
            m.c.space_id == space_id, m.c.role == "owner", m.c.left_at.is_(None)
        )
    ).scalar_one()


def _may_grant(actor_role: str, role: str) -> bool:
    """Admins manage leaders, members and guests; only an owner makes owners and admins."""
    if not at_least(actor_role, "admin"):
        return False
    return actor_role == "owner" or RANK[role] > RANK["admin"]


def set_role(conn: Connection, space_id: int, actor_role: str, account_id: int, role: str) -> None:
    current = role_of(conn, space_id, account_id)
    if current is None:
        raise NotFound(f"no member #{account_id} here")
    if not (_may_grant(actor_role, check_role(role)) and _may_grant(actor_role, current)):
        raise NotFound(f"no member #{account_id} here")  # 404, never 403 (ASVS 8.2.2)
    if current == "owner" and role != "owner" and _owners(conn, space_id) == 1:
        raise Refused("the space's last owner cannot step down", hint="make another owner first")
    m = schema.membership
    conn.execute(
        update(m).where(m.c.space_id == space_id, m.c.account_id == account_id).values(role=role)
    )
    audit(conn, "member.role", f"account:{account_id}", {"from": current, "to": role})


def leave(conn: Connection, space_id: int, account_id: int, *, by: int, actor_role: str) -> None:
    """End a membership (the member's own leaving, or a removal by an admin): the member's
    ties leave the pooled graph and their tokens here stop working, in this transaction."""
    current = role_of(conn, space_id, account_id)
    if current is None or (by != account_id and not _may_grant(actor_role, current)):
        raise NotFound(f"no member #{account_id} here")
    if current == "owner" and _owners(conn, space_id) == 1:
        raise Refused("the space's last owner cannot leave", hint="make another owner first")
    m, t = schema.membership, schema.api_token
    conn.execute(
        update(m)
        .where(m.c.space_id == space_id, m.c.account_id == account_id)
        .values(left_at=func.now())
    )
    conn.execute(
        update(t)
        .where(t.c.space_id == space_id, t.c.account_id == account_id, t.c.revoked_at.is_(None))
        .values(revoked_at=func.now())
    )
    pool.drop_member(conn, space_id, account_id)
    action = "member.leave" if by == account_id else "member.remove"
    audit(conn, action, f"account:{account_id}", {"role": current})


# --- invitations -----------------------------------------------------------------------


def signing_key(conn: Connection) -> str:
    return str(
        conn.execute(text("SELECT value FROM server_secret WHERE name = 'signing'")).scalar_one()
    )


def _serializer(key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(key, salt="whoknows-team-invitation")


def invite(
    conn: Connection, space_id: int, actor_id: int | None, actor_role: str, email: str, role: str
) -> tuple[int, str]:
    """A single-use invitation into the space: its id and the signed token of its link."""
    email = accounts.normalize_email(email)
    if not _may_grant(actor_role, check_role(role)):
        raise Refused(f"a {actor_role} cannot invite someone as {role}", hint="ask an owner")
    i = schema.invitation
    new_id = conn.execute(
        insert(i)
        .values(
            space_id=space_id,
            email=email,
            role=role,
            created_by=actor_id,
            expires_at=func.now() + text(f"interval '{INVITATION_DAYS} days'"),
        )
        .returning(i.c.id)
    ).scalar_one()
    audit(conn, "invitation.create", f"invitation:{new_id}", {"email": email, "role": role})
    return new_id, _serializer(signing_key(conn)).dumps([new_id, space_id])


def read_link(key: str, token: str) -> tuple[int, int]:
    """The (invitation id, space id) a link's token signs; NotFound when it is not valid."""
    try:
        found = _serializer(key).loads(token, max_age=INVITATION_DAYS * 86400)
    except SignatureExpired as exc:
        raise NotFound("this invitation has expired", hint="ask for a new one") from exc
    except BadSignature as exc:
        raise NotFound("no such invitation", hint="check the link") from exc
    if not (isinstance(found, list) and len(found) == 2 and all(isinstance(x, int) for x in found)):
        raise NotFound("no such invitation", hint="check the link")
    return found[0], found[1]


@dataclass(frozen=True)
class Invitation:
    id: int
    space: Space
    email: str
    role: str


def open_invitation(conn: Connection, invitation_id: int) -> Invitation:
    """The invitation, still usable, in the transaction's space (its link's); else NotFound."""
    i, s = schema.invitation, schema.space
    row = conn.execute(
        select(i.c.id, i.c.email, i.c.role, s.c.id, s.c.slug, s.c.name, s.c.kind)
        .join(s, s.c.id == i.c.space_id)
        .where(i.c.id == invitation_id)
        .with_for_update(of=i)
    ).one_or_none()
    if row is None:
        raise NotFound("no such invitation", hint="check the link")
    state = conn.execute(
        select(i.c.used_at, i.c.declined_at, i.c.expires_at < func.now()).where(
            i.c.id == invitation_id
        )
    ).one()
    if state[0] is not None or state[1] is not None:
        raise NotFound("this invitation has been used", hint="ask for a new one")
    if state[2]:
        raise NotFound("this invitation has expired", hint="ask for a new one")
    return Invitation(row[0], Space(row[3], row[4], row[5], row[6]), row[1], row[2])


def accept(conn: Connection, invitation: Invitation, account_id: int) -> None:
    """Join the invitation's space with its role (again, if the account had left)."""
    conn.execute(
        text(
            "INSERT INTO membership (space_id, account_id, role) VALUES (:s, :a, :r) "
            "ON CONFLICT (space_id, account_id) DO UPDATE SET role = EXCLUDED.role, "
            "left_at = NULL, joined_at = now() WHERE membership.left_at IS NOT NULL"
        ),
        {"s": invitation.space.id, "a": account_id, "r": invitation.role},
    )
    i = schema.invitation
    conn.execute(update(i).where(i.c.id == invitation.id).values(used_at=func.now()))
    audit(conn, "invitation.accept", f"invitation:{invitation.id}", {"role": invitation.role})


def decline(conn: Connection, invitation: Invitation) -> None:
    i = schema.invitation
    conn.execute(update(i).where(i.c.id == invitation.id).values(declined_at=func.now()))
    audit(conn, "invitation.decline", f"invitation:{invitation.id}")


def invitations(conn: Connection, space_id: int) -> list[dict[str, object]]:
    """The space's invitations that are still open."""
    i = schema.invitation
    rows = conn.execute(
        select(i.c.id, i.c.email, i.c.role, i.c.created_at, i.c.expires_at)
        .where(
            i.c.space_id == space_id,
            i.c.used_at.is_(None),
            i.c.declined_at.is_(None),
            i.c.expires_at > func.now(),
        )
        .order_by(i.c.id)
    )
    return [dict(r._mapping) for r in rows]
