"""Accounts, passwords (argon2), server-side browser sessions and API tokens.

Nothing secret is stored in the clear: passwords as argon2 hashes (rehashed at sign-in when
the parameters change), session cookies and API tokens as their SHA-256. An API token names
its space (`wkt_<space id>_<secret>`), so it is looked up under that space's row security.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, func, insert, select, text, update

from whoknows.errors import Conflict, UserError
from whoknows.teamserver import limits, schema
from whoknows.teamserver.audit import audit

HASHER = PasswordHasher()
MIN_PASSWORD = 8  # ASVS 6.2.1; no composition rules
MAX_PASSWORD = 1024  # accepts long passphrases; bounds the hashing work
SESSION_DAYS = 14
# last_seen_at and last_used_at are touched at most this often: a read is not a write.
TOUCH_EVERY = dt.timedelta(seconds=60)
TOKEN_PREFIX = "wkt"
SCOPES = ("read", "write")  # GET routes need read; anything that changes data needs write
# Sign-in limits (ASVS 6.3.1): attempts per IP, failures per account, per window.
LOGIN_PER_IP = (30, 300)
LOGIN_FAILURES_PER_ACCOUNT = (10, 900)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_dummies: dict[str, str] = {}


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    name: str
    is_admin: bool


class BadCredentials(UserError):
    """An unknown email or a wrong password (the message never says which)."""

    def __init__(self) -> None:
        super().__init__("the email or the password is wrong", hint="check both and try again")


def normalize_email(value: str) -> str:
    email = value.strip().lower()
    if not _EMAIL.match(email) or len(email) > 320:
        raise UserError(f"{value!r} is not an email address", hint="give one like ana@example.com")
    return email


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UserError(
            f"the password is too short ({len(password)} characters)",
            hint=f"use at least {MIN_PASSWORD}; a few words make a good one",
        )
    if len(password) > MAX_PASSWORD:
        raise UserError(f"the password is longer than {MAX_PASSWORD} characters")
    return password


def one_time_password() -> str:
    return secrets.token_urlsafe(12)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _account(row: object) -> Account:
    return Account(row.id, row.email, row.name, row.is_admin)  # type: ignore[attr-defined]


def by_email(conn: Connection, email: str) -> Account | None:
    a = schema.account
    row = conn.execute(
        select(a.c.id, a.c.email, a.c.name, a.c.is_admin).where(
            a.c.email == normalize_email(email), a.c.disabled_at.is_(None)
        )
    ).one_or_none()
    return _account(row) if row else None


def create(
    conn: Connection, email: str, password: str | None, *, name: str = "", is_admin: bool = False
) -> Account:
    """A new account; Conflict if the email has one."""
    email = normalize_email(email)
    hashed = HASHER.hash(check_password(password)) if password is not None else None
    row = conn.execute(
        text(
            "INSERT INTO account (email, name, password_hash, is_admin) "
            "VALUES (:e, :n, :h, :adm) ON CONFLICT (email) DO NOTHING RETURNING id"
        ),
        {"e": email, "n": name.strip()[:200], "h": hashed, "adm": is_admin},
    ).one_or_none()
    if row is None:
        raise Conflict(f"{email} has an account already")
    audit(conn, "account.create", f"account:{row.id}", {"admin": is_admin}, space_id=None)
    return Account(row.id, email, name.strip()[:200], is_admin)


def make_admin(conn: Connection, account_id: int) -> None:
    """Let the account create spaces (a server administrator)."""
    conn.execute(
        update(schema.account).where(schema.account.c.id == account_id).values(is_admin=True)
    )
    audit(conn, "account.admin", f"account:{account_id}", space_id=None)


def change_password(conn: Connection, account: Account, current: str, new: str) -> None:
    """Replace the password after checking the current one (BadCredentials when wrong)."""
    check_password(new)
    if verify_password(conn, account.email, current) is None:
        audit(conn, "account.password.refused", f"account:{account.id}", space_id=None)
        raise BadCredentials()
    set_password(conn, account.id, new)


def set_password(conn: Connection, account_id: int, password: str) -> None:
    conn.execute(
        update(schema.account)
        .where(schema.account.c.id == account_id)
        .values(password_hash=HASHER.hash(check_password(password)))
    )
    audit(conn, "account.password", f"account:{account_id}", space_id=None)


def verify_password(conn: Connection, email: str, password: str) -> Account | None:
    """The account when the password is right (rehashing it if the parameters changed)."""
    a = schema.account
    try:
        email = normalize_email(email)
    except UserError:
        email = ""  # still pays for one verification below, like an unknown account
    row = conn.execute(
        select(a.c.id, a.c.email, a.c.name, a.c.is_admin, a.c.password_hash).where(
            a.c.email == email, a.c.disabled_at.is_(None)
        )
    ).one_or_none()
    stored = row.password_hash if row is not None and row.password_hash else _dummy_hash()
    try:
        HASHER.verify(stored, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row.password_hash:
        return None
    if HASHER.check_needs_rehash(stored):
        conn.execute(update(a).where(a.c.id == row.id).values(password_hash=HASHER.hash(password)))
    return _account(row)


def _dummy_hash() -> str:
    """A hash at the current parameters: verifying a password against it when the account
    does not exist costs the same time as for one that does."""
    params = f"{HASHER.time_cost},{HASHER.memory_cost},{HASHER.parallelism}"
    if params not in _dummies:
        _dummies[params] = HASHER.hash("not a password of anyone")
    return _dummies[params]


def login(conn: Connection, email: str, password: str, ip: str) -> Account:
    """Check a sign-in under its rate limits; BadCredentials or RateLimited when refused.

    Counted and audited in CONN, which the caller commits even when this raises."""
    limits.hit(conn, f"login-ip:{ip}", *LOGIN_PER_IP, what="sign-in attempts from this address")
    key = email.strip().lower()[:320]
    failures = f"login-account:{key}"
    most, per = LOGIN_FAILURES_PER_ACCOUNT
    if _failures(conn, failures) >= most:
        audit(conn, "login.limited", "", {"email": key, "ip": ip}, space_id=None, account_id=None)
        raise limits.RateLimited("failed sign-ins for this account", per)
    found = verify_password(conn, email, password)
    if found is None:
        limits.hit(conn, failures, most * 2, per)  # only counts: the check above refuses
        audit(conn, "login.failed", "", {"email": key, "ip": ip}, space_id=None, account_id=None)
        raise BadCredentials()
    limits.clear(conn, failures)
    audit(conn, "login", f"account:{found.id}", {"ip": ip}, space_id=None, account_id=found.id)
    return found


def _failures(conn: Connection, bucket: str) -> int:
    per = LOGIN_FAILURES_PER_ACCOUNT[1]
    found = conn.execute(
        text(
            "SELECT coalesce(sum(hits), 0) FROM rate_window WHERE bucket = :b "
            "AND window_start > now() - make_interval(secs => :per)"
        ),
        {"b": bucket, "per": per},
    ).scalar_one()
    return int(found)


# --- browser sessions ------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    id: str  # the stored sha256 of the cookie's token
    account_id: int
    csrf: str
    account: Account | None = None  # its account, as session_for read it


def start_session(conn: Connection, account_id: int) -> tuple[str, Session]:
    """A new session: the cookie's token (only ever sent to the browser) and its row."""
    token = secrets.token_urlsafe(32)
    session = Session(digest(token), account_id, secrets.token_urlsafe(32))
    conn.execute(
        insert(schema.web_session).values(
            id=session.id,
            account_id=account_id,
            csrf=session.csrf,
            expires_at=func.now() + dt.timedelta(days=SESSION_DAYS),
        )
    )
    return token, session


# The live session, its account (not disabled) with it; the account becomes the
# transaction's (set_config in the row's projection: only a live session's row has one).
_SESSION = text(
    """
    SELECT s.id, s.account_id, s.csrf, s.last_seen_at < now() - make_interval(secs => :touch)
             AS stale,
           a.email, a.name, a.is_admin, set_config(:ak, s.account_id::text, true) AS tenant
    FROM web_session s JOIN account a ON a.id = s.account_id AND a.disabled_at IS NULL
    WHERE s.id = :id AND s.expires_at > now()
    """
)


def session_for(conn: Connection, token: str | None) -> Session | None:
    """The live session a cookie's token names (its last_seen_at touched at most once a
    TOUCH_EVERY), with its account, which becomes the transaction's; or None."""
    if not token or len(token) > 200:
        return None
    row = conn.execute(
        _SESSION,
        {"touch": TOUCH_EVERY.total_seconds(), "ak": schema.ACCOUNT_SETTING, "id": digest(token)},
    ).one_or_none()
    if row is None:
        return None
    if row.stale:
        s = schema.web_session
        conn.execute(update(s).where(s.c.id == row.id).values(last_seen_at=func.now()))
    account = Account(row.account_id, row.email, row.name, row.is_admin)
    return Session(row.id, row.account_id, row.csrf, account)


def end_session(conn: Connection, session_id: str) -> None:
    conn.execute(schema.web_session.delete().where(schema.web_session.c.id == session_id))


def end_all_sessions(conn: Connection, account_id: int) -> int:
    """Sign out everywhere: every session of the account; how many there were."""
    s = schema.web_session
    return conn.execute(s.delete().where(s.c.account_id == account_id)).rowcount


# --- API tokens ------------------------------------------------------------------------


def token_space(token: str | None) -> int | None:
    """The space id an API token names, or None when it is not one of ours."""
    if not token:
        return None
    parts = token.split("_")
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1].isdigit() or len(token) > 200:
        return None
    return int(parts[1])


def create_token(
    conn: Connection, space_id: int, account_id: int, name: str, scopes: tuple[str, ...]
) -> tuple[int, str]:
    """A new API token of an account in a space: its id and the token, shown only now."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise UserError(
            f"unknown token scopes: {', '.join(unknown) or '(none given)'}",
            hint=f"use some of: {', '.join(SCOPES)}",
        )
    token = f"{TOKEN_PREFIX}_{space_id}_{secrets.token_urlsafe(32).replace('_', '-')}"
    t = schema.api_token
    new_id = conn.execute(
        insert(t)
        .values(
            space_id=space_id,
            account_id=account_id,
            token_hash=digest(token),
            name=name.strip()[:100],
            scopes=sorted(set(scopes)),
        )
        .returning(t.c.id)
    ).scalar_one()
    audit(conn, "token.create", f"token:{new_id}", {"name": name[:100], "scopes": list(scopes)})
    return new_id, token


@dataclass(frozen=True)
class TokenUse:
    id: int
    space_id: int
    account_id: int
    scopes: tuple[str, ...]
    account: Account | None = None
    space: tuple[str, str, str] | None = None  # the token's space: (slug, name, kind)
    role: str | None = None  # the account's role there now; None once it has left


# One round trip: the token, its account, its space and the account's current role there.
# The account becomes the transaction's (set_config in the row's projection: only a live
# token's row has one), under the space's policy, which the caller set first.
_TOKEN = text(
    """
    SELECT t.id, t.space_id, t.account_id, t.scopes,
           t.last_used_at IS NULL OR t.last_used_at < now() - make_interval(secs => :touch)
             AS stale,
           a.email, a.name, a.is_admin, s.slug, s.name AS space_name, s.kind, m.role,
           set_config(:ak, t.account_id::text, true) AS tenant
    FROM api_token t
    JOIN account a ON a.id = t.account_id AND a.disabled_at IS NULL
    LEFT JOIN space s ON s.id = t.space_id
    LEFT JOIN membership m
      ON m.space_id = t.space_id AND m.account_id = t.account_id AND m.left_at IS NULL
    WHERE t.token_hash = :hash AND t.revoked_at IS NULL
    """
)


def use_token(conn: Connection, token: str) -> TokenUse | None:
    """The live token of an account not disabled (its last_used_at touched at most once a
    TOUCH_EVERY), with its account, space and role, looked up in the space it names: the
    transaction's space must already be that one; its account becomes the token's. Nothing
    about a token is kept between requests, so a revoked one is refused on its next use."""
    row = conn.execute(
        _TOKEN,
        {
            "touch": TOUCH_EVERY.total_seconds(),
            "ak": schema.ACCOUNT_SETTING,
            "hash": digest(token),
        },
    ).one_or_none()
    if row is None:
        return None
    if row.stale:
        t = schema.api_token
        conn.execute(update(t).where(t.c.id == row.id).values(last_used_at=func.now()))
    return TokenUse(
        row.id,
        row.space_id,
        row.account_id,
        tuple(row.scopes),
        Account(row.account_id, row.email, row.name, row.is_admin),
        (row.slug, row.space_name, row.kind) if row.slug is not None else None,
        row.role,
    )


def tokens_of(conn: Connection, account_id: int) -> list[dict[str, object]]:
    """The account's tokens in the transaction's space (never the tokens themselves)."""
    t = schema.api_token
    rows = conn.execute(
        select(t.c.id, t.c.name, t.c.scopes, t.c.created_at, t.c.last_used_at, t.c.revoked_at)
        .where(t.c.account_id == account_id)
        .order_by(t.c.id)
    )
    return [dict(r._mapping) | {"scopes": list(r.scopes)} for r in rows]


def revoke_token(conn: Connection, token_id: int, account_id: int) -> bool:
    """Revoke one of the account's tokens in the transaction's space; False if none."""
    t = schema.api_token
    done = conn.execute(
        update(t)
        .where(t.c.id == token_id, t.c.account_id == account_id, t.c.revoked_at.is_(None))
        .values(revoked_at=func.now())
    ).rowcount
    if done:
        audit(conn, "token.revoke", f"token:{token_id}")
    return bool(done)
