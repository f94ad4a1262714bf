"""A chapter's visitors: the visitor host records them once per client id with the capture
line, leaders move them along a dated trail, the week's report names them to every member
(never their email), and the host's `whoknows team pull` makes each a person met at the
chapter, due a follow-up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from team_world import World, bearer

from whoknows.config import load_settings
from whoknows.services import people, plan
from whoknows.services.people import PersonInput
from whoknows.services.store import Store
from whoknows.teamserver import chapters, spaces

pytestmark = pytest.mark.postgres
MONDAY = dt.date(2026, 11, 30)
SAM = "Sam Lee <sam@lee.test> @Lee Law / Partner"


@dataclass
class Chapter:
    space: spaces.Space
    tokens: dict[str, str]
    ids: dict[str, int]

    def url(self, *rest: str) -> str:
        return "/".join([f"/api/v1/spaces/{self.space.slug}/chapter", *rest])


@pytest.fixture
def chapter(world: World, monkeypatch: pytest.MonkeyPatch) -> Chapter:
    monkeypatch.setattr(chapters, "today", lambda: MONDAY + dt.timedelta(days=3))
    pat = world.account(name="Pat President")
    space = world.space(pat, kind="group")
    people_ = {"pat": pat, "hal": world.member(space, "leader", world.account(name="Hal Host"))}
    for name in ("ana", "ben"):
        people_[name] = world.member(space, "member", world.account(name=f"{name.title()} Member"))
    tokens = {name: world.token(space, account) for name, account in people_.items()}
    return Chapter(space, tokens, {n: a.id for n, a in people_.items()})


def _record(team_client, chapter: Chapter, who: str, body: dict[str, object]):  # type: ignore[no-untyped-def]
    return team_client.post(chapter.url("visitors"), json=body, headers=bearer(chapter.tokens[who]))


def test_a_visitor_is_recorded_once_per_client_id_by_a_leader_only(  # type: ignore[no-untyped-def]
    team_client, chapter: Chapter
) -> None:
    body = {"client_id": "v-1", "capture": SAM, "invited_by": chapter.ids["ana"]}
    first = _record(team_client, chapter, "hal", body)
    again = _record(team_client, chapter, "hal", body)  # a double tap
    assert first.status_code == again.status_code == 201, first.text
    assert first.json() == again.json()
    made = first.json()
    assert (made["name"], made["email"], made["org"], made["role"]) == (
        "Sam Lee",
        "sam@lee.test",
        "Lee Law",
        "Partner",
    )
    assert made["invited_by"] == {"id": chapter.ids["ana"], "name": "Ana Member"}
    assert made["host"]["name"] == "Hal Host"
    assert (made["status"], made["week"]) == ("visited", "2026-11-30")
    assert made["trail"] == [{"status": "visited", "on": "2026-12-03"}]
    other = _record(team_client, chapter, "hal", {"client_id": "v-1", "capture": "Kim Park"})
    assert other.status_code == 409
    assert "was used for another visitor" in other.json()["error"]
    listed = team_client.get(chapter.url("visitors"), headers=bearer(chapter.tokens["pat"]))
    assert [v["id"] for v in listed.json()["visitors"]] == [made["id"]]
    # Members neither record nor list them (404: no such thing for them); bad input is a line.
    assert (
        _record(team_client, chapter, "ben", {"client_id": "b", "capture": SAM}).status_code == 404
    )
    members = team_client.get(chapter.url("visitors"), headers=bearer(chapter.tokens["ben"]))
    assert members.status_code == 404
    empty = _record(team_client, chapter, "hal", {"client_id": "v-2", "capture": "  "})
    assert (empty.status_code, empty.json()["error"]) == (400, "say who visited")
    nobody = _record(
        team_client, chapter, "hal", {"client_id": "v-3", "capture": SAM, "invited_by": 999999}
    )
    assert nobody.status_code == 404
    mine = team_client.get(chapter.url("visitors", "mine"), headers=bearer(chapter.tokens["ben"]))
    assert mine.json() == {"visitors": []}  # Ben hosts nobody


def test_the_trail_is_dated_moves_forward_and_ends_at_joined(  # type: ignore[no-untyped-def]
    team_client, chapter: Chapter
) -> None:
    made = _record(team_client, chapter, "hal", {"client_id": "v", "capture": SAM}).json()
    pat = bearer(chapter.tokens["pat"])

    def move(status: str, on: str | None = None, who: dict[str, str] = pat):  # type: ignore[no-untyped-def]
        return team_client.post(
            chapter.url("visitors", str(made["id"]), "move"),
            json={"status": status, "on": on},
            headers=who,
        )

    assert move("invited", "2026-12-03").status_code == 200
    assert move("applied", "2026-12-02").status_code == 400  # before the last move
    assert move("applied", "2026-12-05").status_code == 400  # in the future
    assert move("visited").status_code == 400  # not a move
    assert move("not_now").json()["status"] == "not_now"
    assert move("applied").status_code == 409  # invite them again first
    assert move("invited").status_code == 200
    assert move("applied").status_code == 200
    assert move("invited").status_code == 409  # backwards
    assert move("joined").status_code == 200
    assert move("not_now").status_code == 409  # joined is the end
    assert move("joined", who=bearer(chapter.tokens["ana"])).status_code == 404  # leaders only
    audit = team_client.get(f"/api/v1/spaces/{chapter.space.slug}/audit", headers=pat).text
    for action in ("visitor.record", "visitor.invited", "visitor.applied", "visitor.joined"):
        assert action in audit
    assert f"visitor:{made['id']}" in audit
    assert "sam@lee.test" not in audit  # the log names the visitor's row, not them
    trail = move("joined").json()["trail"]  # the same again: nothing changes
    assert [(m["status"], m["on"]) for m in trail] == [
        ("visited", "2026-12-03"),
        ("invited", "2026-12-03"),
        ("not_now", "2026-12-03"),
        ("invited", "2026-12-03"),
        ("applied", "2026-12-03"),
        ("joined", "2026-12-03"),
    ]


def test_the_report_names_the_weeks_visitors_and_who_invited_them(  # type: ignore[no-untyped-def]
    team_client, chapter: Chapter, monkeypatch: pytest.MonkeyPatch
) -> None:
    _record(
        team_client,
        chapter,
        "hal",
        {"client_id": "a", "capture": SAM, "invited_by": chapter.ids["ana"]},
    )
    _record(team_client, chapter, "hal", {"client_id": "b", "capture": "Kim Park <kim@park.test>"})
    pat = bearer(chapter.tokens["pat"])
    body = team_client.post(chapter.url("weeks", "close"), json={}, headers=pat).json()
    assert body["visitors"] == [
        {
            "name": "Sam Lee",
            "org": "Lee Law",
            "invited_by": {"id": chapter.ids["ana"], "name": "Ana Member"},
        },
        {"name": "Kim Park", "org": None, "invited_by": None},
    ]
    assert body["totals"]["visitors"] == 2
    assert {r["member"]["name"]: r["visitors"] for r in body["members"]} == {
        "Ana Member": 1,
        "Ben Member": 0,
        "Hal Host": 0,
        "Pat President": 0,
    }
    ben = bearer(chapter.tokens["ben"])
    week_id = team_client.get(chapter.url("weeks"), headers=ben).json()["weeks"][0]["id"]
    csv = team_client.get(chapter.url("weeks", str(week_id), "report.csv"), headers=ben).text
    lines = csv.splitlines()
    assert lines[0].endswith(",tyfcb,visitors")
    assert "2026-11-30,Ana Member,not recorded,0,0,0,,1" in lines
    assert "2026-11-30,Sam Lee @Lee Law,visitor,,,,,invited by Ana Member" in lines
    assert "2026-11-30,Kim Park,visitor,,,,," in lines
    page = team_client.get(f"/s/{chapter.space.slug}/chapter/weeks/{week_id}", headers=ben).text
    assert "2 visitor(s)" in page
    assert "Sam Lee @Lee Law" in page
    for seen in (csv, page, str(body)):
        assert "sam@lee.test" not in seen  # a visitor's email is the host's, not the report's
        assert "kim@park.test" not in seen
    # The next week's report sets it against this one: 2 visitors a week.
    monkeypatch.setattr(chapters, "today", lambda: MONDAY + dt.timedelta(days=8))
    later = team_client.post(chapter.url("weeks", "close"), json={}, headers=pat).json()
    assert later["six_months"]["visitors_per_week"] == 2.0
    assert later["totals"]["visitors"] == 0


def test_the_hosts_pull_makes_each_visitor_a_person_met_at_the_chapter_and_due(  # type: ignore[no-untyped-def]
    team_client, tmp_path: Path, world: World, chapter: Chapter
) -> None:
    from whoknows.services.team import link, visitors
    from whoknows.services.team import pull as pulling

    transport: httpx.BaseTransport = team_client._transport
    host = Store(load_settings(f"sqlite:///{tmp_path / 'hal.db'}"))
    people.set_me(host, PersonInput(name="Hal Host"))
    known = people.add_person(host, PersonInput(name="Kim Park", emails=["kim@park.test"]))
    link.join(host, "http://testserver", chapter.tokens["hal"], transport=transport)
    visitors.add(host, SAM, "Ana", client_id="s", transport=transport)
    visitors.add(host, "Kim Park <kim@park.test> @Park & Co", transport=transport)
    other = _record(team_client, chapter, "pat", {"client_id": "p", "capture": "Lou Other"})
    assert other.status_code == 201  # the president's visitor: theirs to follow up

    pulled = pulling.pull(host, transport=transport)
    assert [v["name"] for v in pulled.visitors] == ["Sam Lee", "Kim Park"]
    assert pulled.visitors[1]["person"] == known.id  # found by the capture line, not added
    assert pulling.pull(host, transport=transport).visitors == []  # once
    due = {item.name: item for item in plan.due(host, today=MONDAY + dt.timedelta(days=3))}
    assert "Sam Lee" in due
    assert "Kim Park" in due
    assert "Lou Other" not in due
    listed = visitors.listing(host, transport=transport)["visitors"]
    assert {v["name"] for v in listed} == {"Sam Lee", "Kim Park", "Lou Other"}
    host.close()


def test_visitors_from_the_command_line(  # type: ignore[no-untyped-def]
    team_client,
    tmp_path: Path,
    chapter: Chapter,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from whoknows.cli.main import main
    from whoknows.services.team import client

    monkeypatch.setattr(client, "DEFAULT_TRANSPORT", team_client._transport)
    database = str(tmp_path / "hal.db")
    opened = Store(load_settings(f"sqlite:///{database}"))
    people.set_me(opened, PersonInput(name="Hal Host"))
    opened.close()
    join = ["team", "join", "http://testserver", "--token", chapter.tokens["hal"]]
    assert main([*join, "--db", database]) == 0
    capsys.readouterr()

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["team", "visitor", *args, "--db", database])
        out, err = capsys.readouterr()
        return code, " ".join(out.split()), err

    code, out, _ = run("add", SAM, "--invited-by", "Ana", "--id", "tap-1")
    assert code == 0
    assert out.startswith("Visitor ")
    assert f"{SAM}, invited by Ana Member (visited 2026-12-03)" in out
    assert run("add", SAM, "--invited-by", "Ana", "--id", "tap-1")[1] == out  # the same one
    visitor_id = out.split()[1].rstrip(":")
    code, out, _ = run("move", visitor_id, "invited", "--on", "2026-12-03")
    assert "(visited 2026-12-03 → invited 2026-12-03)" in out
    assert run("list")[1] == out
    code, out, err = run("move", visitor_id, "visited")
    assert code != 0
    assert "unknown visitor move 'visited'" in err
    assert "Traceback" not in err
    assert main(["team", "pull", "--db", database]) == 0
    assert "Captured visitor #" in capsys.readouterr().out
    assert main(["due", "--db", database]) == 0
    assert "Sam Lee" in capsys.readouterr().out
