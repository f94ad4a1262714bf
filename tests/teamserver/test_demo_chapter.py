"""The team demo's chapter history (teamserver/demo_chapter.py): two years of closed weeks,
each closed by the server's own close (a report each, the held thanks folded), this week
open, a sphere per member; and the member pages answer on it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, text
from team_world import World, bearer

from whoknows.teamserver import chapters, db, demo_chapter

pytestmark = pytest.mark.postgres
TODAY = dt.date(2026, 12, 2)


def test_two_years_of_a_chapter(  # type: ignore[no-untyped-def]
    team_client, world: World, owner_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chapters, "today", lambda: TODAY)
    vp = world.account(name="Vic VP")
    space = world.space(vp, kind="group")
    members = [vp] + [
        world.member(space, account=world.account(name=f"Member {n:02d}")) for n in range(7)
    ]
    ids = [m.id for m in members]
    with owner_engine.begin() as conn:
        counts = demo_chapter.history(conn, space.id, ids, leader_id=vp.id, weeks=30)
        assert db.current_tenant(conn) == (None, None)  # left as it found it
    assert counts["weeks"] == 30
    assert counts["attendance"] == 31 * len(ids)
    with owner_engine.connect() as conn:
        weeks = conn.execute(
            text(
                "SELECT w.status, count(*), count(r.week_id) FROM chapter_week w "
                "LEFT JOIN chapter_report r ON r.week_id = w.id "
                "WHERE w.space_id = :s GROUP BY w.status ORDER BY w.status"
            ),
            {"s": space.id},
        ).all()
        first = conn.execute(
            text("SELECT min(starts_on), max(starts_on) FROM chapter_week WHERE space_id = :s"),
            {"s": space.id},
        ).one()
        spheres = conn.execute(
            text("SELECT count(*) FROM chapter_sphere WHERE space_id = :s"), {"s": space.id}
        ).scalar_one()
        visitors = conn.execute(
            text(
                "SELECT v.status, (SELECT array_agg(m.status ORDER BY m.moved_on, m.id) "
                "FROM chapter_visitor_move m WHERE m.visitor_id = v.id) AS trail "
                "FROM chapter_visitor v WHERE v.space_id = :s"
            ),
            {"s": space.id},
        ).all()
        in_reports = conn.execute(
            text(
                "SELECT coalesce(sum(jsonb_array_length(body -> 'visitors')), 0) "
                "FROM chapter_report WHERE space_id = :s"
            ),
            {"s": space.id},
        ).scalar_one()
    assert [tuple(w) for w in weeks] == [("closed", 30, 30), ("open", 1, 0)]
    assert first == (dt.date(2026, 5, 4), dt.date(2026, 11, 30))
    assert spheres == len(ids)
    assert len(visitors) == counts["visitors"] > 10
    assert {v.status for v in visitors} >= {"visited", "joined"}
    for v in visitors:  # each visitor's dated trail ends where they are
        assert v.trail[0] == "visited"
        assert v.trail[-1] == v.status
    assert 0 < in_reports <= len(visitors)  # the closed weeks' reports name their visitors

    headers = bearer(world.token(space, members[1]))
    url = f"/api/v1/spaces/{space.slug}/chapter"
    lights = team_client.get(f"{url}/lights", headers=headers).json()["lights"]
    assert lights[0]["color"] != "grey"  # joined before the history began
    net = team_client.get(f"{url}/one-to-ones/network", headers=headers).json()
    assert [m["name"] for m in net["isolated"]] == ["Member 06"]  # the newest met nobody
    assert len(net["pairs"]) > 5
    me = team_client.get(f"{url}/me", headers=headers).json()
    assert me["slips"]["given"] > 0
    assert me["power_team"]["shared"] is True
    assert me["power_team"]["team"]  # a demo member has a power team to show
    for page in ("me", "one-to-ones"):
        answer = team_client.get(f"/s/{space.slug}/chapter/{page}", headers=headers)
        assert answer.status_code == 200
