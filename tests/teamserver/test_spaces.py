"""Spaces, roles and leaving: who may change whom, and a member's ties leave with them."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, insert, text
from team_world import World, bearer

from whoknows.teamserver import schema

pytestmark = pytest.mark.postgres


def _count(engine: Engine, table: str, space_id: int, account_id: int) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text(f"SELECT count(*) FROM {table} WHERE space_id = :s AND account_id = :a"),
                {"s": space_id, "a": account_id},
            ).scalar_one()
        )


def _version(engine: Engine, space_id: int) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT version FROM graph_version WHERE space_id = :s"), {"s": space_id}
            ).scalar_one()
        )


def test_a_member_who_leaves_takes_their_ties_out_of_the_pool(
    world: World, team_client, owner_engine: Engine
) -> None:
    firm = world.space()
    bob = world.member(firm)
    stays = world.member(firm)
    with owner_engine.begin() as conn:
        for who in (bob, stays):
            conn.execute(
                insert(schema.shared_contact).values(
                    space_id=firm.id, account_id=who.id, key=f"{who.id:064x}", band="good"
                )
            )
            conn.execute(
                insert(schema.org_reach).values(
                    space_id=firm.id,
                    org_key="acme",
                    org="Acme",
                    account_id=who.id,
                    best_band="good",
                    n_contacts=1,
                )
            )
    before = _version(owner_engine, firm.id)
    left = team_client.post(
        f"/api/v1/spaces/{firm.slug}/leave", headers=bearer(world.token(firm, bob))
    )
    assert left.status_code == 204
    assert _count(owner_engine, "shared_contact", firm.id, bob.id) == 0
    assert _count(owner_engine, "org_reach", firm.id, bob.id) == 0
    assert _count(owner_engine, "shared_contact", firm.id, stays.id) == 1
    assert _version(owner_engine, firm.id) == before + 1
    with owner_engine.connect() as conn:
        revoked = conn.execute(
            text("SELECT bool_and(revoked_at IS NOT NULL) FROM api_token WHERE account_id = :a"),
            {"a": bob.id},
        ).scalar()
    assert revoked is True


def test_the_last_owner_cannot_leave_or_step_down(world: World, team_client) -> None:
    owner = world.account()
    firm = world.space(owner)
    token = world.token(firm, owner)
    base = f"/api/v1/spaces/{firm.slug}"
    assert team_client.post(f"{base}/leave", headers=bearer(token)).status_code == 409
    demoted = team_client.post(
        f"{base}/members/{owner.id}/role", json={"role": "member"}, headers=bearer(token)
    )
    assert demoted.status_code == 409
    second = world.member(firm, "owner")
    assert team_client.post(f"{base}/leave", headers=bearer(token)).status_code == 204
    members = team_client.get(f"{base}/members", headers=bearer(world.token(firm, second))).json()
    assert [m["account_id"] for m in members] == [second.id]


def test_admins_manage_those_below_them_only(world: World, team_client) -> None:
    owner = world.account()
    firm = world.space(owner)
    admin = world.member(firm, "admin")
    other_admin = world.member(firm, "admin")
    member = world.member(firm, "member")
    token = world.token(firm, admin)
    base = f"/api/v1/spaces/{firm.slug}/members"

    def role(account_id: int, new: str) -> int:
        return team_client.post(
            f"{base}/{account_id}/role", json={"role": new}, headers=bearer(token)
        ).status_code

    assert role(member.id, "leader") == 200
    assert role(member.id, "admin") == 404  # only an owner makes admins
    assert role(other_admin.id, "member") == 404
    assert role(owner.id, "guest") == 404
    gone = team_client.delete(f"{base}/{owner.id}", headers=bearer(token))
    assert gone.status_code == 404
    listed = {
        m["account_id"]: m["role"] for m in team_client.get(base, headers=bearer(token)).json()
    }
    assert listed[member.id] == "leader"
    assert listed[owner.id] == "owner"
    assert listed[other_admin.id] == "admin"


def test_a_server_admin_creates_spaces_and_owns_them(world: World, team_client) -> None:
    boss = world.account(admin=True)
    firm = world.space(boss)
    made = team_client.post(
        "/api/v1/spaces",
        json={"name": "Chapter Nord", "kind": "group", "slug": f"nord-{firm.id}"},
        headers={**bearer(world.token(firm, boss))},
    )
    assert made.status_code == 404  # not with a token: a token is one space's
    cookie, csrf = world.session(boss)
    team_client.cookies.set("wk_team_session", cookie)
    made = team_client.post(
        "/api/v1/spaces",
        json={"name": "Chapter Nord", "kind": "group", "slug": f"nord-{firm.id}"},
        headers={"X-CSRF-Token": csrf},
    )
    assert made.status_code == 201
    assert made.json()["role"] == "owner"
    again = team_client.post(
        "/api/v1/spaces",
        json={"name": "Chapter Nord", "kind": "group", "slug": f"nord-{firm.id}"},
        headers={"X-CSRF-Token": csrf},
    )
    assert again.status_code == 409
    bad = team_client.post(
        "/api/v1/spaces", json={"name": "X", "kind": "club"}, headers={"X-CSRF-Token": csrf}
    )
    assert bad.status_code == 400
    assert "unknown kind" in bad.json()["error"]
