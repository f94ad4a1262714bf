"""This database's link to a team server: joining it, and a client for the commands that use it.

`whoknows team join URL --token T` checks the token against the server, then stores the
server's address, the space, the token and the space's key salt in this database (table
team_link; never in a backup). Every other team command opens its client with `connect`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from whoknows.core.sharing import Level
from whoknows.errors import Hint, UserError
from whoknows.services.store import Store
from whoknows.services.team.client import Client, ServerFailed
from whoknows.storage import team as rows

NOT_JOINED = Hint(
    cli="run: whoknows team join URL --token TOKEN (from your team server's page)",
    web="join a team server first, with the token from its page",
)


@dataclass(frozen=True)
class Link:
    url: str
    space: str  # slug
    space_name: str
    account: str  # the member's email on the server
    token: str
    salt: str
    version: int | None  # the server's version of this member's push, as last seen
    pushed_level: Level | None

    def as_json(self) -> dict[str, object]:
        """What a user may see of it: everything but the token."""
        return {
            "url": self.url,
            "space": self.space,
            "space_name": self.space_name,
            "account": self.account,
            "version": self.version,
            "pushed_level": self.pushed_level.value if self.pushed_level else None,
        }


def join(
    store: Store, url: str, token: str, *, transport: httpx.BaseTransport | None = None
) -> Link:
    """Check TOKEN with the server at URL and remember both (a new join replaces the old one,
    and the next push sends everything)."""
    with Client(url, token, transport) as client:
        me = client.get("/api/v1/me")
        spaces = client.get("/api/v1/spaces")
        if not isinstance(me, dict) or not isinstance(spaces, list):
            raise ServerFailed(f"the team server at {client.url} answered in an unknown shape")
        if len(spaces) != 1:
            raise UserError(
                f"the token names {len(spaces)} spaces on {client.url}, not one",
                hint="make a token in the space you want to share with, on the server's page",
            )
        slug = str(spaces[0].get("slug") or "") if isinstance(spaces[0], dict) else ""
        sharing = client.get(client.space_path(slug, "sharing")) if slug else None
        if not isinstance(sharing, dict) or not isinstance(sharing.get("key_salt"), str):
            raise ServerFailed(
                f"the team server at {client.url} gave no space key for sharing",
                hint="is it a whoknows team server of this version?",
            )
        values = {
            "url": client.url,
            "space": slug,
            "space_name": str(spaces[0].get("name") or slug),
            "account": str(me.get("email") or ""),
            "token": token.strip(),
            "salt": str(sharing["key_salt"]),
        }
    with store.write() as session:
        rows.save_link(session, store.owner_id, **values)
    return linked(store)


def linked(store: Store) -> Link:
    """The joined server; a clear error when this database has joined none."""
    with store.read() as session:
        row = rows.link(session, store.owner_id)
        if row is None:
            raise UserError("this database has not joined a team server", hint=NOT_JOINED)
        return Link(
            url=row.url,
            space=row.space,
            space_name=row.space_name,
            account=row.account,
            token=row.token,
            salt=row.salt,
            version=row.version,
            pushed_level=Level(row.pushed_level) if row.pushed_level else None,
        )


def forget(store: Store) -> bool:
    """Forget the server here (the server keeps what was pushed until the member leaves)."""
    with store.write() as session:
        return rows.forget_link(session, store.owner_id)


@contextmanager
def connect(
    store: Store, *, transport: httpx.BaseTransport | None = None
) -> Iterator[tuple[Link, Client]]:
    """The joined server's link and a client on it (closed after the block)."""
    found = linked(store)
    with Client(found.url, found.token, transport) as client:
        yield found, client
