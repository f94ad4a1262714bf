"""A member's dashboard, the 1-to-1 network and the report's charts, over the API and pages:
given and received, thanks as totals only, the members not met, who met whom and who met
nobody, and charts that carry a title, a description and their numbers."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from team_world import World, bearer

from whoknows.teamserver import chapter_charts, chapters

pytestmark = pytest.mark.postgres
MONDAY = dt.date(2026, 11, 30)


def test_dashboard_network_and_charts(  # type: ignore[no-untyped-def]
    team_client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    vp = world.account(name="Vic VP")
    space = world.space(vp, kind="group")
    ana = world.member(space, account=world.account(name="Ana Member"))
    ben = world.member(space, account=world.account(name="Ben Member"))
    cy = world.member(space, account=world.account(name="Cy Member"))
    tokens = {a.id: bearer(world.token(space, a)) for a in (vp, ana, ben, cy)}
    url = f"/api/v1/spaces/{space.slug}/chapter"

    def post(who: int, path: str, body: dict[str, object], status: int = 200) -> dict:  # type: ignore[type-arg]
        answer = team_client.post(f"{url}/{path}", json=body, headers=tokens[who])
        assert answer.status_code == status, answer.text
        found: dict = answer.json()  # type: ignore[type-arg]
        return found

    for week in range(2):
        day = MONDAY + dt.timedelta(weeks=week, days=2)
        monkeypatch.setattr(chapters, "today", lambda day=day: day)
        about = "Dana <d@acme.test>"
        post(
            ana.id, "slips", {"client_id": f"a{week}", "to": ben.id, "about": about, "hot": 3}, 201
        )
        if week == 0:
            post(ben.id, "slips", {"client_id": "b", "to": ana.id, "about": about, "hot": 2}, 201)
            post(ben.id, "thanks", {"client_id": "t1", "to": ana.id, "amount": "EUR 100"}, 201)
            post(vp.id, "thanks", {"client_id": "t2", "to": ana.id, "amount": "EUR 50.50"}, 201)
            met = post(
                ana.id,
                "one-to-ones",
                {"client_id": "m", "to": ben.id, "met_on": day.isoformat()},
                201,
            )
            post(ben.id, f"one-to-ones/{met['id']}/confirm", {})
            post(
                ana.id,  # never confirmed: it does not count
                "one-to-ones",
                {"client_id": "m2", "to": cy.id, "met_on": day.isoformat()},
                201,
            )
        for member in (vp, ana, ben, cy):
            post(vp.id, "attendance", {"member": member.id, "status": "present"})
        post(vp.id, "weeks/close", {})

    mine = team_client.get(f"{url}/me", headers=tokens[ana.id]).json()
    assert mine["window"] == {"from": "2026-06-15", "to": "2026-12-13", "weeks": 26}
    assert (mine["slips"]["given"], mine["slips"]["received"]) == (2, 1)
    assert mine["slips"]["months"][-2:] == [
        {"month": "2026-11", "given": 1, "received": 1},
        {"month": "2026-12", "given": 1, "received": 0},
    ]
    assert len(mine["slips"]["months"]) == 7
    assert mine["thanks_received"] == {"EUR": "150.50"}  # the weeks' totals, never one thanks
    gaps = {g["member"]["name"]: g["last_met"] for g in mine["one_to_one_gaps"]}
    assert gaps == {"Cy Member": None, "Vic VP": None}  # met Ben; Cy never confirmed
    bens = team_client.get(f"{url}/me", headers=tokens[ben.id]).json()
    assert bens["thanks_received"] == {}
    assert [g["member"]["name"] for g in bens["one_to_one_gaps"]] == ["Cy Member", "Vic VP"]

    net = team_client.get(f"{url}/one-to-ones/network", headers=tokens[cy.id]).json()
    assert [(p["one"]["name"], p["two"]["name"], p["times"]) for p in net["pairs"]] == [
        ("Ana Member", "Ben Member", 1)
    ]
    assert [m["name"] for m in net["isolated"]] == ["Cy Member", "Vic VP"]
    assert [(m["n"], m["name"], m["met"]) for m in net["members"]] == [
        (1, "Ana Member", 1),
        (2, "Ben Member", 1),
        (3, "Cy Member", 0),
        (4, "Vic VP", 0),
    ]
    assert len(net["drawing"]["lines"]) == 1
    assert [m["with"] for m in net["members"]] == [["Ben Member"], ["Ana Member"], [], []]

    html = {"Accept": "text/html"}
    page = team_client.get(f"/s/{space.slug}/chapter/me", headers=tokens[ana.id] | html)
    assert page.status_code == 200
    assert "EUR 150.50" in page.text
    assert "Cy Member" in page.text
    assert '<svg role="img" aria-labelledby=' in page.text
    assert "<title id=" in page.text
    assert "Slips I gave and received per month" in page.text
    assert '<td>2026-12</td><td class="num">1</td><td class="num">0</td>' in page.text
    drawing = team_client.get(f"/s/{space.slug}/chapter/one-to-ones", headers=tokens[ana.id] | html)
    assert drawing.status_code == 200
    assert drawing.text.count("<circle") == 4
    assert drawing.text.count("<line") == 1
    assert re.search(r'id="isolated">.*Cy Member.*Vic VP', drawing.text, re.S)
    assert '<td>Ana Member</td><td class="num">1</td><td>Ben Member</td>' in drawing.text

    weeks = team_client.get(f"{url}/weeks", headers=tokens[ana.id]).json()["weeks"]
    last = max((w for w in weeks if w["report"]), key=lambda w: w["starts_on"])
    report = team_client.get(
        f"/s/{space.slug}/chapter/weeks/{last['id']}", headers=tokens[ben.id] | html
    )
    assert report.status_code == 200
    assert report.text.count('<svg role="img"') == 5
    for title in (
        "Referral slips per week",
        "1-to-1s per week",
        "Members present per week",
        "Visitors per week",
    ):
        assert title in report.text
    assert "Thanks EUR" in report.text  # the chapter's total per week, as the report has it
    rows = re.findall(r"<tr><td>(2026-\d\d-\d\d)</td>(.*?)</tr>", report.text)
    cells = [(w, re.findall(r">([^<]*)</td>", rest)) for w, rest in rows]
    assert cells == [
        ("2026-11-30", ["4", "2", "1", "0", "150.50"]),
        ("2026-12-07", ["4", "1", "0", "0", "0"]),
    ]


def test_the_pages_are_a_chapters_only(team_client, world: World) -> None:  # type: ignore[no-untyped-def]
    owner = world.account(name="Fay Firm")
    firm = world.space(owner, kind="firm")
    headers = bearer(world.token(firm, owner))
    for path in (
        f"/api/v1/spaces/{firm.slug}/chapter/me",
        f"/api/v1/spaces/{firm.slug}/chapter/one-to-ones/network",
        f"/s/{firm.slug}/chapter/me",
        f"/s/{firm.slug}/chapter/one-to-ones",
    ):
        assert team_client.get(path, headers=headers).status_code == 404, path


def test_drawn_charts_are_kept_for_every_worker(  # type: ignore[no-untyped-def]
    team_client, world: World, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv("WHOKNOWS_TEAM_CACHE", str(tmp_path / "kept"))
    monkeypatch.setattr(chapters, "today", lambda: MONDAY + dt.timedelta(days=2))
    vp = world.account(name="Vic VP")
    space = world.space(vp, kind="group")
    headers = bearer(world.token(space, vp))
    url = f"/api/v1/spaces/{space.slug}/chapter"
    week = team_client.post(f"{url}/weeks/close", json={}, headers=headers)
    assert week.status_code == 200
    [closed] = team_client.get(f"{url}/weeks", headers=headers).json()["weeks"][-1:]
    page = f"/s/{space.slug}/chapter/weeks/{closed['id']}"
    first = team_client.get(page, headers=headers)
    assert first.status_code == 200
    assert len(list((tmp_path / "kept" / "charts").glob("*.json"))) == 1

    def never(*args: object) -> object:
        raise AssertionError("drawn again")

    chapter_charts._kept.cache_clear()  # another worker: nothing in its memory
    monkeypatch.setattr(chapter_charts, "_draw", never)
    again = team_client.get(page, headers=headers)
    assert again.status_code == 200
    assert again.text.count('<svg role="img"') == 5
