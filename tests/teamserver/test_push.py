"""A member's push on the server: upsert, remove, complete, the base check, levels, reach."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from sqlalchemy import Engine, text
from team_world import World, bearer

pytestmark = pytest.mark.postgres


def key(text_: str) -> str:
    return hashlib.sha256(text_.encode()).hexdigest()


def contact(who: str, org: str | None = "Acme", band: str = "good", **more: str) -> dict[str, str]:
    found = {"key": key(who), "band": band, "role": "CFO", **more}
    if org:
        found |= {"org": org, "org_key": org.lower()}
    return found


class Member:
    """A member of a fresh space, pushing through the API."""

    def __init__(self, client, world: World, role: str = "member") -> None:  # type: ignore[no-untyped-def]
        self.client = client
        self.space = world.space()
        self.account = world.member(self.space, role)
        self.token = world.token(self.space, self.account)

    def push(self, *, key_: str | None = None, **body: object) -> object:
        body.setdefault("level", "who")
        headers = bearer(self.token) | ({"Idempotency-Key": key_} if key_ else {})
        return self.client.post(
            f"/api/v1/spaces/{self.space.slug}/push", json=body, headers=headers
        )


def rows(engine: Engine, space_id: int, table: str = "shared_contact") -> list[dict[str, object]]:
    with engine.connect() as conn:
        found = conn.execute(
            text(f"SELECT * FROM {table} WHERE space_id = :s ORDER BY 1, 2, 3"), {"s": space_id}
        )
        return [dict(r._mapping) for r in found]


def graph_version(engine: Engine, space_id: int) -> int:
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT version FROM graph_version WHERE space_id = :s"), {"s": space_id}
        ).scalar()
    return int(found or 0)


def test_a_first_push_adds_everything_and_derives_reach(  # type: ignore[no-untyped-def]
    team_client, world: World, owner_engine: Engine
) -> None:
    m = Member(team_client, world)
    answer = m.push(
        complete=True,
        upsert=[contact("jane", band="strong"), contact("joe", band="weak"), contact("x", None)],
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"version": 1, "added": 3, "changed": 0, "removed": 0, "total": 3}
    reach = rows(owner_engine, m.space.id, "org_reach")
    assert [(r["org_key"], r["org"], r["best_band"], r["n_contacts"]) for r in reach] == [
        ("acme", "Acme", "strong", 2)
    ]
    assert graph_version(owner_engine, m.space.id) == 1


def test_the_same_push_twice_changes_nothing(  # type: ignore[no-untyped-def]
    team_client, world: World, owner_engine: Engine
) -> None:
    m = Member(team_client, world)
    body = {"complete": True, "upsert": [contact("jane"), contact("joe")]}
    first = m.push(**body).json()
    before = rows(owner_engine, m.space.id), graph_version(owner_engine, m.space.id)
    again = m.push(**body).json()
    assert again == {
        "version": first["version"],
        "added": 0,
        "changed": 0,
        "removed": 0,
        "total": 2,
    }
    assert (rows(owner_engine, m.space.id), graph_version(owner_engine, m.space.id)) == before


def test_an_incremental_push_changes_moves_and_removes(  # type: ignore[no-untyped-def]
    team_client, world: World, owner_engine: Engine
) -> None:
    m = Member(team_client, world)
    m.push(complete=True, upsert=[contact("jane"), contact("joe"), contact("ann", "Globex")])
    answer = m.push(
        base=1,
        upsert=[contact("jane", "Globex", band="strong"), contact("new")],
        remove=[key("ann")],
    ).json()
    assert answer == {"version": 2, "added": 1, "changed": 1, "removed": 1, "total": 3}
    reach = rows(owner_engine, m.space.id, "org_reach")
    assert [(r["org_key"], r["best_band"], r["n_contacts"]) for r in reach] == [
        ("acme", "good", 2),
        ("globex", "strong", 1),
    ]


def test_a_push_on_another_base_is_refused_and_a_complete_one_recovers(  # type: ignore[no-untyped-def]
    team_client, world: World, owner_engine: Engine
) -> None:
    m = Member(team_client, world)
    m.push(complete=True, upsert=[contact("jane"), contact("joe")])
    stale = m.push(base=0, upsert=[contact("ann")])
    assert stale.status_code == 409
    assert len(rows(owner_engine, m.space.id)) == 2  # nothing of it was applied
    answer = m.push(complete=True, upsert=[contact("jane"), contact("ann")]).json()
    assert answer == {"version": 2, "added": 1, "changed": 0, "removed": 1, "total": 2}


def test_level_who_drops_names_and_level_nothing_deletes_the_members_rows(  # type: ignore[no-untyped-def]
    team_client, world: World, owner_engine: Engine
) -> None:
    m = Member(team_client, world)
    m.push(complete=True, upsert=[contact("jane", name="Jane Doe")])
    assert rows(owner_engine, m.space.id)[0]["name"] is None
    m.push(level="name", complete=True, upsert=[contact("jane", name="Jane Doe")])
    assert rows(owner_engine, m.space.id)[0]["name"] == "Jane Doe"
    answer = m.push(level="nothing", complete=True).json()
    assert answer["removed"] == 1
    assert answer["total"] == 0
    assert rows(owner_engine, m.space.id) == []
    assert rows(owner_engine, m.space.id, "org_reach") == []
    with owner_engine.connect() as conn:
        level = conn.execute(
            text("SELECT sharing_level FROM membership WHERE space_id = :s AND account_id = :a"),
            {"s": m.space.id, "a": m.account.id},
        ).scalar()
    assert level == "nothing"


def test_a_retried_push_with_its_key_is_applied_once(  # type: ignore[no-untyped-def]
    team_client, world: World, owner_engine: Engine
) -> None:
    m = Member(team_client, world)
    m.push(complete=True, upsert=[contact("jane")])
    same = str(uuid.uuid4())
    first = m.push(key_=same, base=1, upsert=[contact("joe")])
    retried = m.push(key_=same, base=1, upsert=[contact("joe")])
    assert retried.status_code == 200
    assert retried.json() == first.json()
    assert retried.headers.get("Idempotent-Replayed") == "true"
    assert len(rows(owner_engine, m.space.id)) == 2


def test_bad_pushes_are_refused_whole(team_client, world: World, owner_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    m = Member(team_client, world)
    for body in (
        {"complete": True, "upsert": [contact("jane"), contact("jane")]},
        {"upsert": [contact("jane")], "remove": [key("jane")]},
        {"upsert": [{"key": "not-hex", "band": "good"}]},
        {"upsert": [contact("jane", band="best")]},
        {"level": "everything"},
    ):
        answer = m.push(**body)
        assert answer.status_code in (400, 422), body
    assert rows(owner_engine, m.space.id) == []


def test_a_guest_cannot_push_and_another_space_is_404(team_client, world: World) -> None:  # type: ignore[no-untyped-def]
    guest = Member(team_client, world, role="guest")
    assert guest.push(complete=True, upsert=[contact("jane")]).status_code == 404
    m = Member(team_client, world)
    answer = team_client.post(
        f"/api/v1/spaces/{guest.space.slug}/push",
        json={"level": "who", "complete": True},
        headers=bearer(m.token),
    )
    assert answer.status_code == 404


def test_leaving_drops_the_members_rows(  # type: ignore[no-untyped-def]
    team_client, world: World, owner_engine: Engine, app_engine: Engine
) -> None:
    from whoknows.teamserver import db, pool

    m = Member(team_client, world)
    m.push(complete=True, upsert=[contact("jane")])
    with db.tenant(app_engine, space_id=m.space.id, account_id=m.account.id) as conn:
        pool.drop_member(conn, m.space.id, m.account.id)
    assert rows(owner_engine, m.space.id) == []
    assert rows(owner_engine, m.space.id, "org_reach") == []


def test_sharing_gives_the_salt_and_the_version(team_client, world: World) -> None:  # type: ignore[no-untyped-def]
    m = Member(team_client, world)
    path = f"/api/v1/spaces/{m.space.slug}/sharing"
    before = team_client.get(path, headers=bearer(m.token)).json()
    assert len(before["key_salt"]) == 64
    assert before["version"] is None
    m.push(complete=True, upsert=[contact("jane")])
    after = team_client.get(path, headers=bearer(m.token)).json()
    assert (after["version"], after["contacts"], after["level"]) == (1, 1, "who")


def test_pushes_are_limited_per_member_with_retry_after(  # type: ignore[no-untyped-def]
    team_client, world: World, owner_engine: Engine, monkeypatch
) -> None:
    from whoknows.teamserver.routes import push as push_route

    monkeypatch.setattr(push_route, "PUSH_LIMIT", (2, 3600))
    m = Member(team_client, world)
    for n in range(2):
        assert m.push(complete=True, upsert=[contact(f"p{n}")]).status_code == 200
    refused = m.push(complete=True, upsert=[contact("p2")])
    assert refused.status_code == 429
    assert "too many pushes" in refused.json()["error"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    assert {r["key"] for r in rows(owner_engine, m.space.id)} == {key("p1")}  # nothing of p2
    other = Member(team_client, world)  # another member's limit is their own
    assert other.push(complete=True, upsert=[contact("q")]).status_code == 200
