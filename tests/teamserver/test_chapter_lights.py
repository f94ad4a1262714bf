"""Traffic lights that follow the chapter's thresholds, each part explained in words."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, text
from team_world import World, bearer

from whoknows.teamserver import chapters

pytestmark = pytest.mark.postgres


def test_lights_follow_the_thresholds_leaders_set(  # type: ignore[no-untyped-def]
    team_client, world: World, owner_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    vp = world.account(name="Vic VP")
    space = world.space(vp, kind="group")
    ana = world.member(space, account=world.account(name="Ana Member"))
    ben = world.member(space, account=world.account(name="Ben Member"))
    cy = world.member(space, account=world.account(name="Cy Member"))
    with owner_engine.begin() as conn:  # joined long ago; Cy only just before the last weeks
        conn.execute(
            text(
                "UPDATE membership SET joined_at = CASE WHEN account_id = :cy "
                "THEN timestamptz '2026-12-20 10:00Z' ELSE timestamptz '2026-01-01 10:00Z' END "
                "WHERE space_id = :s"
            ),
            {"cy": cy.id, "s": space.id},
        )
    tokens = {a.id: bearer(world.token(space, a)) for a in (vp, ana, ben, cy)}
    url = f"/api/v1/spaces/{space.slug}/chapter"
    monday = dt.date(2026, 11, 30)
    for week in range(5):  # five closed weeks: Ana gives a slip each, Ben is absent twice
        day = monday + dt.timedelta(weeks=week, days=1)
        monkeypatch.setattr(chapters, "today", lambda day=day: day)
        body = {"client_id": f"w{week}", "to": ben.id, "about": "Dana <d@acme.test>", "hot": 3}
        assert (
            team_client.post(f"{url}/slips", json=body, headers=tokens[ana.id]).status_code == 201
        )
        status = "absent" if week < 2 else "present"
        attend = {"member": ben.id, "status": status}
        assert (
            team_client.post(f"{url}/attendance", json=attend, headers=tokens[vp.id]).status_code
            == 200
        )
        if week == 4:
            thanks = {"client_id": "t", "to": ana.id, "amount": "100"}
            assert (
                team_client.post(f"{url}/thanks", json=thanks, headers=tokens[ben.id]).status_code
                == 201
            )
        assert (
            team_client.post(f"{url}/weeks/close", json={}, headers=tokens[vp.id]).status_code
            == 200
        )

    board = team_client.get(f"{url}/lights", headers=tokens[vp.id]).json()
    assert board["window"] == {"from": "2026-07-06", "to": "2026-12-28", "weeks": 26}
    found = {row["member"]["name"]: row for row in board["lights"]}
    assert sorted(found) == ["Ana Member", "Ben Member", "Cy Member", "Vic VP"]
    ana_light = found["Ana Member"]
    # Defaults: referrals amber from 6, green from 12 → 5 is red; 1 thanks is amber.
    assert ana_light["color"] == "red"
    parts = {p["part"]: p for p in ana_light["parts"]}
    assert (
        parts["referrals"]["words"] == "Referrals given: 5 in 6 months; amber from 6, green from 12"
    )
    assert (parts["referrals"]["color"], parts["thanks"]["color"]) == ("red", "amber")
    assert ana_light["reason"] == "weakest part: " + parts["referrals"]["words"]
    ben_parts = {p["part"]: p for p in found["Ben Member"]["parts"]}
    assert (
        ben_parts["absences"]["words"]
        == "Absences: 2 in 6 months; green up to 1, amber up to 2, red above"
    )
    assert ben_parts["absences"]["color"] == "amber"
    assert found["Cy Member"]["color"] == "grey"
    assert found["Cy Member"]["reason"].startswith(
        "3 closed week(s) since joining"
    )  # Dec 14, 21, 28

    # The leaders change the thresholds; the lights follow them.
    rule = {"amber": 3, "green": 5}
    assert (
        team_client.post(
            f"{url}/lights/rules/referrals", json=rule, headers=tokens[vp.id]
        ).status_code
        == 200
    )
    assert (
        team_client.post(
            f"{url}/lights/rules/thanks", json={"amber": 0, "green": 1}, headers=tokens[vp.id]
        ).status_code
        == 200
    )
    assert (
        team_client.post(
            f"{url}/lights/rules/referrals", json=rule, headers=tokens[ana.id]
        ).status_code
        == 404
    )
    bad = team_client.post(
        f"{url}/lights/rules/referrals", json={"amber": 9, "green": 2}, headers=tokens[vp.id]
    )
    assert bad.status_code == 400
    assert "amber (9) must not be above green (2)" in bad.json()["error"]
    assert (
        team_client.post(
            f"{url}/lights/rules/visitors", json=rule, headers=tokens[vp.id]
        ).status_code
        == 400
    )
    none_needed = {"amber": 0, "green": 0}
    assert (
        team_client.post(
            f"{url}/lights/rules/one_to_ones", json=none_needed, headers=tokens[vp.id]
        ).status_code
        == 200
    )
    mine = team_client.get(f"{url}/lights", headers=tokens[ana.id]).json()
    [only] = mine["lights"]  # a member sees their own light only
    assert only["member"]["id"] == ana.id
    assert (only["color"], only["reason"]) == ("green", "every part is green")
    words = {p["part"]: p["words"] for p in only["parts"]}
    assert words["referrals"] == "Referrals given: 5 in 6 months; amber from 3, green from 5"


def test_the_leaderboard_shows_only_members_who_opted_in(  # type: ignore[no-untyped-def]
    team_client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chapters, "today", lambda: dt.date(2026, 12, 2))
    vp = world.account(name="Vic VP")
    space = world.space(vp, kind="group")
    ana = world.member(space, account=world.account(name="Ana Member"))
    ben = world.member(space, account=world.account(name="Ben Member"))
    tokens = {a.id: bearer(world.token(space, a)) for a in (vp, ana, ben)}
    url = f"/api/v1/spaces/{space.slug}/chapter"
    for n, (giver, to) in enumerate(((ana, ben), (ana, ben), (ben, ana))):
        body = {"client_id": f"s{n}", "to": to.id, "about": "Dana <d@acme.test>", "hot": 3}
        assert (
            team_client.post(f"{url}/slips", json=body, headers=tokens[giver.id]).status_code == 201
        )
    team_client.post(f"{url}/weeks/close", json={}, headers=tokens[vp.id])
    empty = team_client.get(f"{url}/leaderboard", headers=tokens[ana.id]).json()
    assert (empty["board"], empty["me"]) == ([], False)  # nobody is on it by default
    joined = team_client.post(f"{url}/leaderboard", json={"join": True}, headers=tokens[ben.id])
    assert [(r["rank"], r["member"]["name"], r["referrals"]) for r in joined.json()["board"]] == [
        (1, "Ben Member", 1)
    ]
    team_client.post(f"{url}/leaderboard", json={"join": True}, headers=tokens[ana.id])
    board = team_client.get(f"{url}/leaderboard", headers=tokens[vp.id]).json()
    assert [(r["member"]["name"], r["referrals"]) for r in board["board"]] == [
        ("Ana Member", 2),
        ("Ben Member", 1),
    ]
    assert board["me"] is False  # a leader too is on it only by choice
    left = team_client.post(f"{url}/leaderboard", json={"join": False}, headers=tokens[ana.id])
    assert [r["member"]["name"] for r in left.json()["board"]] == ["Ben Member"]
    assert left.json()["me"] is False
