"""A chapter's week on the team server: slips once per client id, frozen at the close, a late
slip in the next week, the receiver's moves, thanks that stay anonymous to the member thanked,
and the report written once at the close."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import ProgrammingError
from team_world import World, bearer

from whoknows.teamserver import chapters, spaces

pytestmark = pytest.mark.postgres
MONDAY = dt.date(2026, 11, 30)


@dataclass
class Chapter:
    space: spaces.Space
    tokens: dict[str, str]  # president, vp, ana, ben, cy
    ids: dict[str, int]

    def url(self, *rest: str) -> str:
        return "/".join([f"/api/v1/spaces/{self.space.slug}/chapter", *rest])


@pytest.fixture
def chapter(world: World, monkeypatch: pytest.MonkeyPatch) -> Chapter:
    monkeypatch.setattr(chapters, "today", lambda: MONDAY + dt.timedelta(days=2))
    president = world.account(name="Pat President")
    space = world.space(president, kind="group")
    people = {
        "president": president,
        "vp": world.member(space, "leader", world.account(name="Vic VP")),
    }
    for name in ("ana", "ben", "cy"):
        people[name] = world.member(space, "member", world.account(name=f"{name.title()} Member"))
    tokens = {name: world.token(space, account) for name, account in people.items()}
    return Chapter(space, tokens, {name: a.id for name, a in people.items()})


def _slip(team_client, chapter: Chapter, who: str, to: str, client_id: str, extra=None):  # type: ignore[no-untyped-def]
    body = {
        "client_id": client_id,
        "to": chapter.ids[to],
        "about": "Dana Doe <dana@acme.test> @Acme / CFO",
        "hot": 4,
    }
    return team_client.post(
        chapter.url("slips"), json=body | (extra or {}), headers=bearer(chapter.tokens[who])
    )


def test_the_same_client_id_twice_makes_one_slip(team_client, chapter: Chapter) -> None:  # type: ignore[no-untyped-def]
    first = _slip(team_client, chapter, "ana", "ben", "tap-1", {"note": "wants a quote"})
    again = _slip(team_client, chapter, "ana", "ben", "tap-1", {"note": "wants a quote"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"]
    made = first.json()
    assert made["about"] == {
        "text": "Dana Doe <dana@acme.test> @Acme / CFO",
        "name": "Dana Doe",
        "email": "dana@acme.test",
        "org": "Acme",
        "role": "CFO",
    }
    assert (made["status"], made["week"]) == (
        "given",
        {"starts_on": "2026-11-30", "status": "open"},
    )
    # The same id for another slip is refused; a fresh id is a second slip.
    other = _slip(team_client, chapter, "ana", "ben", "tap-1", {"note": "something else"})
    assert other.status_code == 409
    assert _slip(team_client, chapter, "ana", "ben", "tap-2").json()["id"] != made["id"]
    listed = team_client.get(chapter.url("slips"), headers=bearer(chapter.tokens["ben"])).json()
    assert sorted(s["client_id"] for s in listed["slips"]) == ["tap-1", "tap-2"]
    assert {s["role"] for s in listed["slips"]} == {"receiver"}


def test_an_idempotency_key_replays_the_first_answer(team_client, chapter: Chapter) -> None:  # type: ignore[no-untyped-def]
    headers = bearer(chapter.tokens["ana"]) | {"Idempotency-Key": str(uuid.uuid4())}
    body = {"client_id": "k-1", "to": chapter.ids["ben"], "about": "Eve <eve@x.test>", "hot": 2}
    first = team_client.post(chapter.url("slips"), json=body, headers=headers)
    second = team_client.post(chapter.url("slips"), json=body, headers=headers)
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert first.json() == second.json()


def test_bad_slips_are_refused_in_one_line(team_client, chapter: Chapter) -> None:  # type: ignore[no-untyped-def]
    for extra, status in (
        ({"about": "   "}, 400),
        ({"about": "@Acme"}, 400),
        ({"hot": 6}, 422),
        ({"to": chapter.ids["ana"]}, 400),  # to oneself
        ({"to": 999_999_999}, 404),
        ({"client_id": ""}, 400),
    ):
        answer = _slip(team_client, chapter, "ana", "ben", uuid.uuid4().hex, extra)
        assert answer.status_code == status, (extra, answer.text)
        assert answer.json()["error"]


def test_edits_are_refused_after_the_close_and_a_late_slip_counts_next_week(  # type: ignore[no-untyped-def]
    team_client, chapter: Chapter, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _slip(team_client, chapter, "ana", "ben", "s-1").json()
    edit = chapter.url("slips", str(made["id"]), "edit")
    ana, ben = bearer(chapter.tokens["ana"]), bearer(chapter.tokens["ben"])
    assert team_client.post(edit, json={"hot": 5}, headers=ana).json()["hot"] == 5
    # Only the author edits: the receiver's edit is not found.
    assert team_client.post(edit, json={"hot": 1}, headers=ben).status_code == 404
    # A member may not close the week; the vice-president (leader) may.
    close = chapter.url("weeks", "close")
    assert team_client.post(close, json={}, headers=ana).status_code == 404
    closed = team_client.post(close, json={}, headers=bearer(chapter.tokens["vp"]))
    assert closed.status_code == 200, closed.text
    assert closed.json()["week"] == "2026-11-30"
    refused = team_client.post(edit, json={"hot": 1}, headers=ana)
    assert refused.status_code == 409
    assert "closed" in refused.json()["error"]
    withdrawn = team_client.post(chapter.url("slips", str(made["id"]), "withdraw"), headers=ana)
    assert withdrawn.status_code == 409
    assert team_client.post(close, json={}, headers=bearer(chapter.tokens["vp"])).status_code == 409
    # The receiver still moves it along, after the close.
    move = chapter.url("slips", str(made["id"]), "status")
    assert (
        team_client.post(move, json={"status": "accepted"}, headers=ben).json()["status"]
        == "accepted"
    )
    assert team_client.post(move, json={"status": "won"}, headers=ben).json()["status"] == "won"
    assert team_client.post(move, json={"status": "contacted"}, headers=ben).status_code == 409
    assert team_client.post(move, json={"status": "won"}, headers=ana).status_code == 404
    # Entered the same day after the close: it counts in the next week, which is open.
    late = _slip(team_client, chapter, "ana", "ben", "s-2").json()
    assert late["week"] == {"starts_on": "2026-12-07", "status": "open"}
    weeks = team_client.get(chapter.url("weeks"), headers=ana).json()["weeks"]
    assert [(w["starts_on"], w["status"], w["slips"]) for w in weeks] == [
        ("2026-12-07", "open", 1),
        ("2026-11-30", "closed", 1),
    ]
    # A week that has not begun cannot be closed.
    early = team_client.post(
        close, json={"week": "2026-12-07"}, headers=bearer(chapter.tokens["vp"])
    )
    assert early.status_code == 400
    monkeypatch.setattr(chapters, "today", lambda: dt.date(2026, 12, 8))
    assert (
        team_client.post(close, json={}, headers=bearer(chapter.tokens["vp"])).json()["week"]
        == "2026-12-07"
    )


def test_a_withdrawn_slip_counts_for_nothing(team_client, chapter: Chapter) -> None:  # type: ignore[no-untyped-def]
    made = _slip(team_client, chapter, "ana", "ben", "w-1").json()
    ana = bearer(chapter.tokens["ana"])
    url = chapter.url("slips", str(made["id"]), "withdraw")
    assert team_client.post(url, headers=ana).json()["status"] == "withdrawn"
    assert team_client.post(url, headers=ana).json()["status"] == "withdrawn"  # again: the same
    report = team_client.post(
        chapter.url("weeks", "close"), json={}, headers=bearer(chapter.tokens["vp"])
    ).json()
    assert report["totals"]["slips"] == 0


def test_chapter_routes_are_not_found_in_a_firm(team_client, world: World) -> None:  # type: ignore[no-untyped-def]
    firm = world.space(kind="firm")
    token = world.token(firm, world.member(firm, "leader"))
    for method, path in (("GET", "slips"), ("GET", "weeks"), ("POST", "weeks/close")):
        url = f"/api/v1/spaces/{firm.slug}/chapter/{path}"
        answer = team_client.request(
            method, url, json={} if method == "POST" else None, headers=bearer(token)
        )
        assert answer.status_code == 404, path


def _everything_seen_by(team_client, chapter: Chapter, who: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every answer the member can get from the chapter and the space, by URL."""
    headers = bearer(chapter.tokens[who])
    seen = {}
    space = f"/api/v1/spaces/{chapter.space.slug}"
    urls = [chapter.url(u) for u in ("slips", "thanks", "weeks", "me", "lights")]
    pages = tuple(
        f"/s/{chapter.space.slug}{p}" for p in ("/chapter", "", "/chapter/me", "/chapter/meeting")
    )
    for url in (*urls, f"{space}/members", space, f"{space}/intros", "/api/v1/me", *pages):
        answer = team_client.get(url, headers=headers)
        assert answer.status_code == 200, url
        seen[url] = answer.text
    for week in team_client.get(chapter.url("weeks"), headers=headers).json()["weeks"]:
        page = f"/s/{chapter.space.slug}/chapter/weeks/{week['id']}"
        for url in (
            chapter.url("weeks", str(week["id"]), suffix) for suffix in ("report", "report.csv")
        ):
            answer = team_client.get(url, headers=headers)
            assert answer.status_code == (200 if week["report"] else 404)
            seen[url] = answer.text
        answer = team_client.get(page, headers=headers | {"Accept": "text/html"})
        assert answer.status_code == (200 if week["report"] else 404)
        seen[page + "#report"] = answer.text
    assert team_client.get(f"{space}/audit", headers=headers).status_code == 404  # not an admin
    return seen


def _leaks(seen: dict[str, str], secrets: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(url, s) for url, found in seen.items() for s in secrets if s in found]


def test_the_thanked_member_sees_only_their_totals_after_the_close(  # type: ignore[no-untyped-def]
    team_client, chapter: Chapter
) -> None:
    # Ana referred Ben (a slip); Ben and Cy both thank Ana for closed business.
    made = _slip(team_client, chapter, "ana", "ben", "t-1").json()
    ben, cy = bearer(chapter.tokens["ben"]), bearer(chapter.tokens["cy"])
    by_slip = team_client.post(
        chapter.url("thanks"),
        json={"client_id": "b-1", "slip": made["id"], "amount": "EUR 1,200.50"},
        headers=ben,
    )
    assert by_slip.status_code == 201, by_slip.text
    assert by_slip.json()["to"]["id"] == chapter.ids["ana"]  # the slip's giver is credited
    again = team_client.post(
        chapter.url("thanks"),
        json={"client_id": "b-1", "slip": made["id"], "amount": "EUR 1,200.50"},
        headers=ben,
    )
    assert again.json()["id"] == by_slip.json()["id"]  # one thanks per client id
    direct = team_client.post(
        chapter.url("thanks"),
        json={"client_id": "c-1", "to": chapter.ids["ana"], "amount": "300.25 eur"},
        headers=cy,
    )
    assert direct.status_code == 201
    assert (
        team_client.post(
            chapter.url("thanks"),
            json={"client_id": "c-2", "to": chapter.ids["ana"], "amount": "1.005"},
            headers=cy,
        ).status_code
        == 400
    )  # exact money: cents at most
    # Never an amount of one thanks, nor a thanks' client id, in anything Ana can read.
    secrets = ("1200.5", "1,200.50", "300.25", "b-1", "c-1")
    ana = bearer(chapter.tokens["ana"])
    before = _everything_seen_by(team_client, chapter, "ana")
    assert _leaks(before, secrets) == []
    assert team_client.get(chapter.url("thanks"), headers=ana).json() == {
        "given": [],
        "received": [],  # nothing before the close
        "held": 0,
    }
    # Cy has nothing to do with Ana but the thanks: Cy shows only where every member does.
    everyone = (
        "/members",
        f"/spaces/{chapter.space.slug}",
        f"/s/{chapter.space.slug}",
        "/report",
        "/report.csv",
        "#report",
        "/chapter/me",  # the members not met 1-to-1
        "/chapter/meeting",  # the members to give a slip to
    )
    mine = {url: found for url, found in before.items() if not url.endswith(everyone)}
    assert _leaks(mine, ("Cy Member", f'"id":{chapter.ids["cy"]},')) == []
    team_client.post(chapter.url("weeks", "close"), json={}, headers=bearer(chapter.tokens["vp"]))
    after = _everything_seen_by(team_client, chapter, "ana")
    assert _leaks(after, secrets) == []
    assert team_client.get(chapter.url("thanks"), headers=ana).json()["received"] == [
        {"week": "2026-11-30", "currency": "EUR", "amount": "1500.75"}
    ]
    assert "you were thanked EUR 1500.75 in all" in after[f"/s/{chapter.space.slug}/chapter"]
    mine = {url: found for url, found in after.items() if not url.endswith(everyone)}
    assert _leaks(mine, ("Cy Member", f'"id":{chapter.ids["cy"]},')) == []
    week_id = team_client.get(chapter.url("weeks"), headers=ana).json()["weeks"][0]["id"]
    report = team_client.get(chapter.url("weeks", str(week_id), "report"), headers=ana).json()
    for row in report["members"]:  # per member: what they received, never what they gave
        assert set(row) == {
            "member",
            "attendance",
            "slips_given",
            "slips_received",
            "one_to_ones",
            "thanks_received",
            "visitors",  # how many visitors they invited
        }
    assert {r["member"]["name"]: r["thanks_received"] for r in report["members"]}["Ana Member"] == {
        "EUR": "1500.75"
    }
    # The thankers see what they gave.
    given = team_client.get(chapter.url("thanks"), headers=cy).json()["given"]
    assert [(g["to"]["id"], g["amount"], g["currency"]) for g in given] == [
        (chapter.ids["ana"], "300.25", "EUR")
    ]


def test_one_thanks_alone_is_held_until_another_joins_its_total(  # type: ignore[no-untyped-def]
    team_client, chapter: Chapter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A total of one thanks would tell the member thanked its amount: it is held, on every
    surface, and folded into the next close at which their total sums two thanks."""

    def thank(who: str, client_id: str, amount: str) -> None:
        answer = team_client.post(
            chapter.url("thanks"),
            json={"client_id": client_id, "to": chapter.ids["ana"], "amount": amount},
            headers=bearer(chapter.tokens[who]),
        )
        assert answer.status_code == 201, answer.text

    vp, ana = bearer(chapter.tokens["vp"]), bearer(chapter.tokens["ana"])
    thank("ben", "b-1", "EUR 1,234.56")
    thank("cy", "c-1", "USD 77.70")  # another currency: a sum of its own, of one
    assert team_client.post(chapter.url("weeks", "close"), json={}, headers=vp).status_code == 200
    secrets = ("1234.56", "1,234.56", "77.70", "77.7", "65.44")
    first = _everything_seen_by(team_client, chapter, "ana")
    assert _leaks(first, secrets) == []
    assert _leaks(_everything_seen_by(team_client, chapter, "vp"), secrets) == []
    mine = team_client.get(chapter.url("thanks"), headers=ana).json()
    assert (mine["received"], mine["held"]) == ([], 2)
    week_one = team_client.get(chapter.url("weeks"), headers=ana).json()["weeks"][0]["id"]
    report = team_client.get(chapter.url("weeks", str(week_one), "report"), headers=ana).json()
    rows = {r["member"]["name"]: r for r in report["members"]}
    assert rows["Ana Member"]["thanks_received"] == {}
    assert report["totals"]["thanks"] == {}
    assert "2 thanks held" in first[f"/s/{chapter.space.slug}/chapter"]

    monkeypatch.setattr(chapters, "today", lambda: MONDAY + dt.timedelta(days=9))
    thank("cy", "c-2", "EUR 65.44")
    assert team_client.post(chapter.url("weeks", "close"), json={}, headers=vp).status_code == 200
    second = _everything_seen_by(team_client, chapter, "ana")
    assert _leaks(second, secrets) == []
    mine = team_client.get(chapter.url("thanks"), headers=ana).json()
    assert mine["received"] == [{"week": "2026-12-07", "currency": "EUR", "amount": "1300.00"}]
    assert mine["held"] == 1  # the USD thanks, still alone
    week_two = team_client.get(chapter.url("weeks"), headers=ana).json()["weeks"][0]["id"]
    report = team_client.get(chapter.url("weeks", str(week_two), "report"), headers=ana).json()
    assert {r["member"]["name"]: r for r in report["members"]}["Ana Member"]["thanks_received"] == {
        "EUR": "1300.00"
    }
    assert report["totals"]["thanks"] == {"EUR": "1300.00"}
    csv = team_client.get(chapter.url("weeks", str(week_two), "report.csv"), headers=ana).text
    assert '2026-12-07,Ana Member,not recorded,0,0,0,"EUR 1,300.00",0' in csv.splitlines()
    assert "you were thanked EUR 1300.00 in all" in second[f"/s/{chapter.space.slug}/chapter"]


def test_the_close_writes_the_report_once_and_it_cannot_be_changed(  # type: ignore[no-untyped-def]
    team_client, chapter: Chapter, app_engine: Engine
) -> None:
    vp = bearer(chapter.tokens["vp"])
    for name, status in (("ana", "present"), ("ben", "late"), ("cy", "absent")):
        answer = team_client.post(
            chapter.url("attendance"),
            json={"member": chapter.ids[name], "status": status},
            headers=vp,
        )
        assert answer.status_code == 200, answer.text
    _slip(team_client, chapter, "ana", "ben", "r-1")
    _slip(team_client, chapter, "cy", "ben", "r-2")
    for who, amount in (("ben", "USD 99.99"), ("cy", "USD 100.01")):  # a total of two thanks
        team_client.post(
            chapter.url("thanks"),
            json={"client_id": "x", "to": chapter.ids["ana"], "amount": amount},
            headers=bearer(chapter.tokens[who]),
        )
    body = team_client.post(chapter.url("weeks", "close"), json={}, headers=vp).json()
    rows = {r["member"]["name"]: r for r in body["members"]}
    assert (rows["Ana Member"]["attendance"], rows["Ana Member"]["slips_given"]) == ("present", 1)
    assert (rows["Ben Member"]["attendance"], rows["Ben Member"]["slips_received"]) == ("late", 2)
    assert rows["Ana Member"]["thanks_received"] == {"USD": "200.00"}
    assert rows["Vic VP"]["attendance"] == "not recorded"
    assert body["totals"] == {
        "present": 2,
        "slips": 2,
        "one_to_ones": 0,
        "thanks": {"USD": "200.00"},
        "visitors": 0,
    }
    week_id = team_client.get(chapter.url("weeks"), headers=vp).json()["weeks"][0]["id"]
    stored = team_client.get(
        chapter.url("weeks", str(week_id), "report"), headers=bearer(chapter.tokens["cy"])
    )
    assert stored.json() == body
    csv = team_client.get(chapter.url("weeks", str(week_id), "report.csv"), headers=vp)
    assert csv.headers["content-type"].startswith("text/csv")
    assert "2026-11-30,Ana Member,present,1,0,0,USD 200.00,0" in csv.text.splitlines()
    # Attendance after the close counts in the next week; the report stays as written.
    again = team_client.post(
        chapter.url("attendance"),
        json={"member": chapter.ids["cy"], "status": "present"},
        headers=vp,
    )
    assert again.json()["week"] == "2026-12-07"
    assert team_client.get(chapter.url("weeks", str(week_id), "report"), headers=vp).json() == body
    # The application role may not change or remove a report, whatever the code does.
    from whoknows.teamserver import db

    for sql in ("UPDATE chapter_report SET csv = ''", "DELETE FROM chapter_report"):
        with pytest.raises(ProgrammingError, match="permission denied"):
            with db.tenant(app_engine, space_id=chapter.space.id) as conn:
                conn.execute(text(sql))
