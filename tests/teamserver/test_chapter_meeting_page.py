"""The meeting page's forms, without a browser: a double tap makes one slip, a refusal is one
line with nothing written, leaders alone mark attendance and close, and the close needs its
tick and closes one week however often it is sent."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from team_world import World, bearer

from whoknows.teamserver import chapters, spaces
from whoknows.teamserver.auth import SESSION_COOKIE

pytestmark = pytest.mark.postgres
MONDAY = dt.date(2026, 11, 30)


@dataclass
class Meeting:
    space: spaces.Space
    ids: dict[str, int]
    sessions: dict[str, tuple[str, str]]
    tokens: dict[str, str]

    def url(self, *rest: str) -> str:
        return "/".join([f"/s/{self.space.slug}/chapter/meeting", *rest])

    def post(self, client, who: str, where: str, form: dict[str, object]):  # type: ignore[no-untyped-def]
        cookie, csrf = self.sessions[who]
        return client.post(
            self.url(where),
            data={"csrf_token": csrf, **form},
            headers={"Cookie": f"{SESSION_COOKIE}={cookie}"},
            follow_redirects=False,
        )

    def get(self, client, who: str, path: str = ""):  # type: ignore[no-untyped-def]
        cookie, _ = self.sessions[who]
        return client.get(path or self.url(), headers={"Cookie": f"{SESSION_COOKIE}={cookie}"})


@pytest.fixture
def meeting(world: World, monkeypatch: pytest.MonkeyPatch) -> Meeting:
    monkeypatch.setattr(chapters, "today", lambda: MONDAY + dt.timedelta(days=3))
    pat = world.account(name="Pat President")
    space = world.space(pat, kind="group")
    people = {"pat": pat, "vic": world.member(space, "leader", world.account(name="Vic Host"))}
    for name in ("ana", "ben"):
        people[name] = world.member(space, "member", world.account(name=f"{name.title()} Member"))
    return Meeting(
        space,
        {n: a.id for n, a in people.items()},
        {n: world.session(a) for n, a in people.items()},
        {n: world.token(space, a) for n, a in people.items()},
    )


def _slips(team_client, meeting: Meeting, who: str) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    answer = team_client.get(
        f"/api/v1/spaces/{meeting.space.slug}/chapter/slips",
        headers=bearer(meeting.tokens[who]),
    )
    return answer.json()["slips"]  # type: ignore[no-any-return]


def test_a_double_tap_on_give_makes_one_slip_and_redirects_back(team_client, meeting) -> None:  # type: ignore[no-untyped-def]
    page = meeting.get(team_client, "ana")
    client_id = re.search(r'name="client_id" value="([0-9a-f]{32})"', page.text)
    assert client_id is not None
    form = {
        "client_id": client_id.group(1),
        "to": meeting.ids["ben"],
        "about": "Dana Doe <dana@acme.test> @Acme / CFO",
        "hot": 4,
        "note": "wants a quote",
    }
    first = meeting.post(team_client, "ana", "slips", form)
    second = meeting.post(team_client, "ana", "slips", form)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == meeting.url() + "?done=slip"
    given = _slips(team_client, meeting, "ana")
    assert len(given) == 1
    assert given[0]["about"]["email"] == "dana@acme.test"  # type: ignore[index]
    assert given[0]["week"] == {"starts_on": "2026-11-30", "status": "open"}
    again = meeting.get(team_client, "ana", first.headers["location"])
    assert "Slip given." in again.text
    assert "To Ben Member: Dana Doe &lt;dana@acme.test&gt; @Acme / CFO (hot 4)" in again.text
    assert client_id.group(1) not in again.text  # a fresh id for the next slip


def test_a_refused_slip_is_one_line_keeps_what_was_typed_and_writes_nothing(
    team_client, meeting
) -> None:  # type: ignore[no-untyped-def]
    answer = meeting.post(
        team_client,
        "ana",
        "slips",
        {"client_id": "c1", "to": meeting.ids["ana"], "about": "Dana Doe", "hot": 2},
    )
    assert answer.status_code == 400
    assert re.search(r'class="alert error"[^>]*>a slip goes to another member', answer.text)
    assert 'value="Dana Doe"' in answer.text
    assert _slips(team_client, meeting, "ana") == []
    weeks = team_client.get(
        f"/api/v1/spaces/{meeting.space.slug}/chapter/weeks",
        headers=bearer(meeting.tokens["ana"]),
    ).json()["weeks"]
    assert weeks == []  # not even the week's row: the savepoint undid it


def test_members_neither_mark_attendance_nor_close_and_see_no_such_form(
    team_client, meeting
) -> None:  # type: ignore[no-untyped-def]
    page = meeting.get(team_client, "ben").text
    assert "/meeting/attendance" not in page
    assert "/meeting/close" not in page
    mark = meeting.post(
        team_client, "ben", "attendance", {"member": meeting.ids["ana"], "status": "present"}
    )
    close = meeting.post(team_client, "ben", "close", {"week": "2026-11-30", "confirm": "yes"})
    assert mark.status_code == close.status_code == 404
    leader = meeting.get(team_client, "vic").text
    assert leader.count("/meeting/attendance") == 4  # one form per member, a tap each


def test_attendance_is_one_tap_and_the_close_needs_its_tick_and_closes_one_week(
    team_client, meeting
) -> None:  # type: ignore[no-untyped-def]
    for name in ("ana", "ben"):
        done = meeting.post(
            team_client, "vic", "attendance", {"member": meeting.ids[name], "status": "present"}
        )
        assert done.status_code == 303
    assert "2 of 4 present" in meeting.get(team_client, "vic").text
    unticked = meeting.post(team_client, "vic", "close", {"week": "2026-11-30"})
    assert unticked.status_code == 400
    assert "tick the box to confirm the close" in unticked.text
    ticked = {"week": "2026-11-30", "confirm": "yes"}
    first = meeting.post(team_client, "vic", "close", ticked)
    second = meeting.post(team_client, "pat", "close", ticked)  # a double tap, or another leader
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert re.fullmatch(rf"/s/{meeting.space.slug}/chapter/weeks/\d+", first.headers["location"])
    weeks = team_client.get(
        f"/api/v1/spaces/{meeting.space.slug}/chapter/weeks",
        headers=bearer(meeting.tokens["ana"]),
    ).json()["weeks"]
    assert [(w["starts_on"], w["status"]) for w in weeks] == [("2026-11-30", "closed")]
    report = meeting.get(team_client, "ana", first.headers["location"]).text
    assert "2 present" in report
    assert "The week of 2026-12-07 · 0 of 4 present" in meeting.get(team_client, "ana").text


def test_a_leader_records_a_visitor_once_however_often_the_form_is_sent(
    team_client, meeting
) -> None:  # type: ignore[no-untyped-def]
    form = {
        "client_id": "tap-v",
        "capture": "Sam Lee <sam@lee.test> @Lee Law",
        "invited_by": meeting.ids["ana"],
    }
    first = meeting.post(team_client, "vic", "visitors", form)
    second = meeting.post(team_client, "vic", "visitors", form)
    assert first.status_code == second.status_code == 303
    listed = team_client.get(
        f"/api/v1/spaces/{meeting.space.slug}/chapter/visitors",
        headers=bearer(meeting.tokens["vic"]),
    ).json()["visitors"]
    assert [(v["name"], v["invited_by"]["name"]) for v in listed] == [("Sam Lee", "Ana Member")]
    page = meeting.get(team_client, "vic", first.headers["location"]).text
    assert "Visitor recorded." in page
    assert "Sam Lee @Lee Law" in page
    walk_in = meeting.post(
        team_client, "vic", "visitors", {"client_id": "tap-w", "capture": "", "invited_by": ""}
    )
    assert walk_in.status_code == 400
    assert re.search(r'class="alert error"[^>]*>say who visited', walk_in.text)
    refused = meeting.post(team_client, "ana", "visitors", form | {"client_id": "x"})
    assert refused.status_code == 404  # members do not record visitors
    assert "/meeting/visitors" not in meeting.get(team_client, "ana").text
