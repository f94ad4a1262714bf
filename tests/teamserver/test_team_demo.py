"""`make team-demo` at its small size, end to end: written whole, answered right."""

from __future__ import annotations

import itertools
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from team_world import bearer

from whoknows.teamserver import accounts, db, demo, demo_world, snapshot
from whoknows.teamserver.app import TeamSettings, create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.postgres


@pytest.fixture
def demo_url(team_db_url: str) -> Iterator[str]:
    """A database name of this test's own (the demo creates it); dropped after."""
    name = f"treach_demo_{uuid.uuid4().hex[:10]}"
    url = make_url(team_db_url).set(database=name).render_as_string(hide_password=False)
    yield url
    admin = create_engine(
        make_url(team_db_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_the_small_team_demo_is_written_whole_and_answers_right(
    demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    assert demo.main(["--fresh", "--db", demo_url, "--size", "small"], out=said.append) == 0
    assert any("admin@harbourpartners.test" in line for line in said)
    world = demo_world.world(demo_world.SIZES["small"])
    owner = db.connect(demo_url, as_app=False)
    with owner.begin() as conn:
        levels: dict[str, str] = dict(
            conn.execute(  # type: ignore[arg-type]
                text(
                    "SELECT a.email, m.sharing_level FROM membership m "
                    "JOIN account a ON a.id = m.account_id JOIN space s ON s.id = m.space_id "
                    "WHERE s.slug = :f"
                ),
                {"f": demo_world.FIRM_SLUG},
            ).all()
        )
        expected = sum(
            1
            for member in world.firm.tie_member.tolist()
            if levels[demo_world.member_email(world.people, int(world.firm.members[member]))]
            != "nothing"
        )
        space_id = conn.execute(
            text("SELECT id FROM space WHERE slug = :f"), {"f": demo_world.FIRM_SLUG}
        ).scalar_one()
        rows = conn.execute(
            text("SELECT count(*) FROM shared_contact WHERE space_id = :s"), {"s": space_id}
        ).scalar_one()
        named_who = conn.execute(
            text(
                "SELECT count(*) FROM shared_contact c "
                "JOIN membership m USING (space_id, account_id) "
                "WHERE c.space_id = :s AND m.sharing_level = 'who' AND c.name IS NOT NULL"
            ),
            {"s": space_id},
        ).scalar_one()
        reach_total, with_org = conn.execute(
            text(
                "SELECT (SELECT sum(n_contacts) FROM org_reach WHERE space_id = :s), "
                "(SELECT count(*) FROM shared_contact WHERE space_id = :s AND org_key IS NOT NULL)"
            ),
            {"s": space_id},
        ).one()
        org, org_key = conn.execute(
            text(
                "SELECT min(org), org_key FROM org_reach WHERE space_id = :s "
                "GROUP BY org_key ORDER BY sum(n_contacts) DESC LIMIT 1"
            ),
            {"s": space_id},
        ).one()
        counted = conn.execute(
            text(
                "SELECT count(*) FROM shared_contact c "
                "JOIN membership m USING (space_id, account_id) "
                "WHERE c.space_id = :s AND c.org_key = :k AND m.sharing_level <> 'nothing' "
                "AND m.left_at IS NULL AND m.visible"
            ),
            {"s": space_id, "k": org_key},
        ).scalar_one()
        asker = conn.execute(
            text(
                "SELECT m.account_id FROM membership m WHERE m.space_id = :s AND m.role = 'member' "
                "AND m.sharing_level <> 'nothing' ORDER BY m.account_id LIMIT 1"
            ),
            {"s": space_id},
        ).scalar_one()
        db.set_tenant(conn, space_id=space_id, account_id=asker)
        token = accounts.create_token(conn, space_id, asker, "test", ("read",))[1]
    assert rows == expected > 5000
    assert named_who == 0
    assert reach_total == with_org
    monkeypatch.setenv("WHOKNOWS_TEAM_CACHE", str(tmp_path / "cache"))
    with TestClient(create_app(TeamSettings(database_url=demo_url, pool_size=2))) as client:
        base = f"/api/v1/spaces/{demo_world.FIRM_SLUG}"
        asked = client.get(f"{base}/who-knows", params={"org": org}, headers=bearer(token))
        assert asked.status_code == 200
        assert asked.json()["total_contacts"] == counted
        paths = client.get(f"{base}/path", params={"to": f"org:{org}"}, headers=bearer(token))
        assert paths.status_code == 200
        found = paths.json()["paths"]
    assert found
    for path in found:
        assert path["steps"][0]["kind"] == "you"
        assert path["hops"] == len(path["steps"]) - 1 <= 4
        assert path["colleague"] is not None
    # The same paths from the snapshot the server saved: every hop is a tie a member shared.
    version = paths.json()["version"]
    pooled = snapshot.load(tmp_path / "cache", space_id, version)
    assert pooled is not None
    with owner.begin() as conn:
        ties = {
            (a, snapshot.key_id(k))
            for a, k in conn.execute(
                text("SELECT account_id, key FROM shared_contact WHERE space_id = :s"),
                {"s": space_id},
            ).all()
        }
        target_ids = [
            snapshot.key_id(k)
            for k in conn.execute(
                text(
                    "SELECT DISTINCT key FROM shared_contact WHERE space_id = :s AND org_key = :k"
                ),
                {"s": space_id, "k": org_key},
            ).scalars()
        ]
    owner.dispose()
    chains = pooled.paths(asker, pooled.nodes_of_keys(target_ids), k=20)
    assert chains
    for chain in chains:
        for u, v in itertools.pairwise(chain.nodes):
            # a tie is a member's row for the other end (both ends may be members)
            shared = {
                (pooled.account_at(a), pooled.key_id_at(b)) for a, b in ((u, v), (v, u))
            } & ties
            assert shared, (u, v)
