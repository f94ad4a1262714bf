"""Helpers of the team server's tests: a World that makes accounts, spaces, members, tokens."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from sqlalchemy import Engine, insert

from whoknows.teamserver import accounts, db, schema, spaces

PASSWORD = "correct horse battery"
# Hashing at the production cost would make most of the run argon2: the tests check the
# algorithm and the rehash, not the cost (test_auth checks the shipped parameters).
SHIPPED_HASHER = accounts.HASHER
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@dataclass
class World:
    """Makes accounts, spaces, memberships and tokens, each in its own transaction."""

    engine: Engine
    made: list[int] = field(default_factory=list)

    def account(self, *, admin: bool = False, name: str = "") -> accounts.Account:
        email = f"a{uuid.uuid4().hex[:10]}@example.com"
        with db.tenant(self.engine) as conn:
            return accounts.create(conn, email, PASSWORD, name=name or email, is_admin=admin)

    def space(self, owner: accounts.Account | None = None, kind: str = "firm") -> spaces.Space:
        owner = owner or self.account()
        with db.tenant(self.engine, account_id=owner.id) as conn:
            return spaces.create(conn, f"Space {uuid.uuid4().hex[:10]}", kind, owner.id)

    def member(
        self, space: spaces.Space, role: str = "member", account: accounts.Account | None = None
    ) -> accounts.Account:
        account = account or self.account()
        with db.tenant(self.engine, space_id=space.id, account_id=account.id) as conn:
            conn.execute(
                insert(schema.membership).values(
                    space_id=space.id, account_id=account.id, role=role
                )
            )
        return account

    def token(
        self,
        space: spaces.Space,
        account: accounts.Account,
        scopes: tuple[str, ...] = ("read", "write"),
    ) -> str:
        with db.tenant(self.engine, space_id=space.id, account_id=account.id) as conn:
            return accounts.create_token(conn, space.id, account.id, "test", scopes)[1]

    def session(self, account: accounts.Account) -> tuple[str, str]:
        """A browser session of the account: (cookie value, CSRF token)."""
        with db.tenant(self.engine, account_id=account.id) as conn:
            cookie, session = accounts.start_session(conn, account.id)
        return cookie, session.csrf


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
