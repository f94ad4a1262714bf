"""Every page of the web UI renders on the demo, and every form does what it says."""

from __future__ import annotations

import re
from typing import Any

import icalendar
import pytest
from webtools import TODAY, TestClient, post

from whoknows.config import load_settings
from whoknows.services import introductions, people, referrals
from whoknows.services.store import Store

PAGES = [
    "/",
    "/people",
    "/people?q=manufactur",
    "/people?stage=advocate",
    "/people?tag=nonexistent-tag",
    "/events",
    "/paths",
    "/paths?kind=icp",
    "/advocates",
    "/introductions",
    "/referrals",
    "/reports",
    "/reports?since=2025-01-01",
    "/brief",
    "/brief/preview",
    "/settings",
    "/docs",
]


def opened(db: str) -> Store:
    return Store(load_settings(db))


def an_advocate(db: str) -> Any:
    with opened(db) as store:
        return people.list_people(store, stage="advocate", limit=1)[0]


@pytest.mark.parametrize("url", PAGES)
def test_every_main_page_renders_on_the_demo(reader: TestClient, url: str) -> None:
    answer = reader.get(url)
    assert answer.status_code == 200, answer.text[:500]
    assert "text/html" in answer.headers["content-type"]


def test_the_dashboard_shows_the_due_list_the_balance_advocates_pipeline_and_events(
    reader: TestClient,
) -> None:
    page = reader.get("/").text
    for section in ('id="due"', 'id="balance"', 'id="advocates"', 'id="pipeline"', 'id="events"'):
        assert section in page
    assert "Your plan this week" in page
    assert "Referral pipeline" in page


def test_the_dashboard_shows_the_same_plan_as_due(reader: TestClient) -> None:
    from whoknows.services import plan

    store = reader.app.state.store  # type: ignore[attr-defined]
    week = plan.page(store, today=reader.app.state.today)  # type: ignore[attr-defined]
    page = reader.get("/").text
    due = page[page.index('id="due"') : page.index('id="balance"')]
    shown = re.findall(r'href="/people/(\d+)"', due)
    assert [int(x) for x in shown] == [i.id for i in week.items]
    assert len(shown) <= week.capacity
    assert f"{week.more} more due" in due
    assert week.items[0].tier.label.capitalize() in due


def test_an_empty_database_gets_a_welcome_instead_of_an_error(empty_client: TestClient) -> None:
    page = empty_client.get("/")
    assert page.status_code == 200
    assert "Start by saying who you are" in page.text


def test_a_person_page_shows_ties_timeline_give_get_and_advocate_parts(
    client: TestClient, demo_db: str
) -> None:
    person = an_advocate(demo_db)
    page = client.get(f"/people/{person.id}")
    assert page.status_code == 200
    for section in ('id="ties"', 'id="timeline"', 'id="give-get"', 'id="person-intros"'):
        assert section in page.text
    assert "advocate-parts" in page.text
    assert client.get(f"/people/{person.id}/edit").status_code == 200


def test_an_unknown_person_is_a_404_page(reader: TestClient) -> None:
    answer = reader.get("/people/999999")
    assert answer.status_code == 404
    assert "no person with id 999999" in answer.text


def test_searching_people_with_htmx_answers_only_the_rows(reader: TestClient) -> None:
    answer = reader.get("/people?q=Alex", headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert "<html" not in answer.text
    assert "Alex" in answer.text


def test_adding_then_editing_a_person(client: TestClient, demo_db: str) -> None:
    added = post(
        client,
        "/people",
        {
            "name": "Wendy Ngata",
            "email": "wendy@ngata.test",
            "organization": "Ngata Foods",
            "tags": "food, board",
        },
    )
    assert added.status_code == 303
    where = added.headers["location"]
    person_id = int(where.rsplit("/", 1)[1])
    edited = post(
        client,
        f"{where}/edit",
        {
            "name": "Wendy Ngata-Hall",
            "emails": "wendy@ngata.test",
            "tags": "food",
            "role": "CFO",
            "trust": "4",
        },
    )
    assert edited.status_code == 303
    with opened(demo_db) as store:
        wendy = people.get_person(store, str(person_id))
    assert (wendy.name, wendy.role, wendy.tags, wendy.trust) == (
        "Wendy Ngata-Hall",
        "CFO",
        ("food",),
        4,
    )


def test_stage_cadence_log_exchange_followup_and_snooze_forms(
    client: TestClient, demo_db: str
) -> None:
    person = an_advocate(demo_db)
    base = f"/people/{person.id}"
    assert post(client, f"{base}/stage", {"stage": "trusted"}).status_code == 303
    assert post(client, f"{base}/cadence", {"days": "21"}).status_code == 303
    assert (
        post(
            client, f"{base}/log", {"kind": "coffee", "note": "flat white", "date": "2025-06-01"}
        ).status_code
        == 303
    )
    assert (
        post(
            client,
            f"{base}/exchange",
            {"direction": "gave", "kind": "information", "note": "a report"},
        ).status_code
        == 303
    )
    assert (
        post(client, f"{base}/exchange", {"direction": "got", "kind": "testimonial"}).status_code
        == 303
    )
    assert (
        post(client, f"{base}/done", {"note": "thanked", "next": "//evil.test/"}).headers[
            "location"
        ]
        == base
    )
    assert post(client, f"{base}/snooze", {"days": "14"}).status_code == 303
    page = client.get(base).text
    assert "flat white" in page
    assert "a report" in page
    with opened(demo_db) as store:
        assert people.get_person(store, str(person.id)).stage == "trusted"


def test_a_bad_form_value_is_a_400_page_that_says_what_to_do(
    client: TestClient, demo_db: str
) -> None:
    person = an_advocate(demo_db)
    answer = post(client, f"/people/{person.id}/stage", {"stage": "bestie"})
    assert answer.status_code == 400
    assert "stage" in answer.text
    assert 'class="alert error"' in answer.text


def test_an_event_captures_people_on_the_spot_and_lists_their_followups(client: TestClient) -> None:
    made = post(
        client, "/events", {"name": "Leeds breakfast", "date": "2025-06-02", "place": "Leeds"}
    )
    assert made.status_code == 303
    event_url = made.headers["location"]
    captured = post(
        client,
        f"{event_url}/capture",
        {
            "name": "Priya Raman",
            "email": "priya@raman.test",
            "organization": "Raman Bakes",
            "role": "Owner",
            "gets": "1",
        },
        headers={"HX-Request": "true"},
    )
    assert captured.status_code == 200
    assert "Priya Raman" in captured.text
    assert "gets Give to Get" in captured.text
    assert post(client, f"{event_url}/capture", {"name": "Tom Lee"}).status_code == 303
    page = client.get(event_url).text
    assert "Tom Lee" in page
    assert "Draft:" in page


def test_the_path_finder_ranks_paths_and_serves_the_drawing(reader: TestClient) -> None:
    page = reader.get("/paths", params={"kind": "icp"})
    assert page.status_code == 200
    assert 'class="path"' in page.text
    assert 'id="network"' in page.text
    graph = reader.get("/paths/graph.json", params={"target": "icp"}).json()
    roles = {n["data"]["role"] for n in graph["nodes"]}
    assert {"me", "target"} <= roles
    assert any(e["data"]["path"] for e in graph["edges"])
    assert any(not e["data"]["path"] for e in graph["edges"]), "the surrounding network is drawn"


def test_the_path_finder_explains_an_unknown_target(reader: TestClient) -> None:
    page = reader.get("/paths", params={"kind": "person", "target": "Nobody Atall Zzz"})
    assert page.status_code == 200
    assert "nobody matches" in page.text
    assert reader.get("/paths/graph.json", params={"target": "Nobody Atall Zzz"}).status_code == 404


def test_an_introduction_shows_the_guards_warnings_before_proposing(
    client: TestClient, demo_db: str
) -> None:
    with opened(demo_db) as store:
        strangers = people.list_people(store, stage="met", limit=2)
    form = {"a": f"#{strangers[0].id}", "b": f"#{strangers[1].id}", "why": "both bake"}
    warned = post(client, "/introductions", form)
    assert warned.status_code == 409
    assert "guard-warnings" in warned.text
    assert "propose anyway" in warned.text
    forced = post(client, "/introductions", {**form, "force": "1"})
    assert forced.status_code == 303
    with opened(demo_db) as store:
        made = [i for i in introductions.list_introductions(store) if i.why == "both bake"]
    assert made
    assert made[0].forced


def test_an_introduction_goes_through_double_opt_in(client: TestClient, demo_db: str) -> None:
    with opened(demo_db) as store:
        proposed = introductions.list_introductions(store, state="proposed")[0]
    asked = post(client, f"/introductions/{proposed.id}/ask")
    assert asked.status_code == 200
    assert "Drafts to send" in asked.text
    assert post(client, f"/introductions/{proposed.id}/accept", {"side": "a"}).status_code == 303
    assert post(client, f"/introductions/{proposed.id}/accept", {"side": "b"}).status_code == 303
    assert post(client, f"/introductions/{proposed.id}/make").status_code == 200
    assert (
        post(client, f"/introductions/{proposed.id}/outcome", {"result": "good"}).status_code == 303
    )
    assert post(client, f"/introductions/{proposed.id}/fly").status_code == 400
    with opened(demo_db) as store:
        done = introductions.list_introductions(store, state="made")
    assert any(i.id == proposed.id and i.outcome == "good" for i in done)


def test_referrals_are_added_and_moved_on_the_board(client: TestClient, demo_db: str) -> None:
    advocate = an_advocate(demo_db)
    added = post(
        client,
        "/referrals",
        {"from": f"#{advocate.id}", "about": "Gail Ford <gail@ford.test>", "value": "5000 GBP"},
    )
    assert added.status_code == 303
    with opened(demo_db) as store:
        new = referrals.list_referrals(store, "received")[0]
    moved = post(
        client, f"/referrals/{new.id}/move", {"status": "meeting"}, headers={"HX-Request": "true"}
    )
    assert moved.status_code == 200
    assert "referral-board" in moved.text
    assert "<html" not in moved.text
    assert (
        post(
            client, f"/referrals/{new.id}/move", {"status": "won", "value": "6000 GBP"}
        ).status_code
        == 303
    )
    with opened(demo_db) as store:
        won = referrals.get(store, new.id)
    assert won.status == "won"
    assert str(won.value) == "6000.00"


def test_the_brief_is_edited_previewed_and_marked_as_sent(client: TestClient, demo_db: str) -> None:
    saved = post(
        client, "/brief", {"offer": "Lean for food makers", "wanted_intros": "- MDs in Leeds"}
    )
    assert saved.status_code == 303
    assert "Lean for food makers" in client.get("/brief/preview").text
    advocate = an_advocate(demo_db)
    assert post(client, "/brief/sent", {"person": f"#{advocate.id}"}).status_code == 303
    assert advocate.name in client.get("/brief").text


def test_settings_save_me_and_the_ideal_client_profile(empty_client: TestClient) -> None:
    assert (
        post(
            empty_client, "/settings/me", {"name": "Sam Rowe", "email": "sam@rowe.test"}
        ).status_code
        == 303
    )
    assert (
        post(
            empty_client, "/settings/icp", {"industries": "Retail, Food", "org_size": "10:200"}
        ).status_code
        == 303
    )
    page = empty_client.get("/settings").text
    assert "Sam Rowe" in page
    assert "Retail, Food" in page
    assert "10:200" in page


def test_the_calendar_feed_needs_the_token_and_validates(client: TestClient) -> None:
    page = client.get("/settings").text
    start = page.index("/calendar.ics?token=")
    url = page[start : page.index("<", start)]
    feed = client.get(url.replace("&amp;", "&"))
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(feed.content)
    assert calendar.walk("VTODO"), "the demo has people due"
    assert client.get("/calendar.ics").status_code == 403
    assert client.get("/calendar.ics?token=wrong").status_code == 403


def test_rotating_the_calendar_token_retires_the_old_url(client: TestClient) -> None:
    def feed_url() -> str:
        page = client.get("/settings").text
        start = page.index("/calendar.ics?token=")
        return page[start : page.index("<", start)]

    old = feed_url()
    assert post(client, "/settings/calendar-token").status_code == 303
    new = feed_url()
    assert new != old
    assert client.get(old).status_code == 403
    assert client.get(new).status_code == 200


def test_the_day_is_the_one_the_app_was_given(reader: TestClient) -> None:
    assert str(TODAY) in reader.get("/").text


def test_the_people_page_shows_a_page_at_a_time_with_the_total(reader: TestClient) -> None:
    first = reader.get("/people")
    assert first.status_code == 200
    found = re.search(r"1–50 of ([\d,]+) people", first.text)
    assert found is not None
    total = int(found.group(1).replace(",", ""))
    assert first.text.count('<a href="/people/') == 50
    assert 'rel="next"' in first.text
    assert 'rel="prev"' not in first.text
    second = reader.get("/people", params={"offset": 50})
    assert f"51–100 of {total:,} people" in second.text
    assert 'rel="prev"' in second.text
    last = reader.get("/people", params={"offset": total - 1})
    assert f"{total:,}–{total:,} of {total:,} people" in last.text
    assert 'rel="next"' not in last.text


def test_the_plan_links_to_a_prep_sheet_for_each_follow_up(reader: TestClient) -> None:
    page = reader.get("/").text
    due = page[page.index('id="due"') : page.index('id="balance"')]
    first = re.search(r'href="/people/(\d+)/prep"', due)
    assert first is not None
    sheet = reader.get(f"/people/{first.group(1)}/prep")
    assert sheet.status_code == 200
    for section in ('id="prep-facts"', 'id="prep-give"', 'id="prep-ask"', 'id="prep-loops"'):
        assert section in sheet.text
    markdown = reader.get(f"/people/{first.group(1)}/prep.md")
    assert markdown.status_code == 200
    assert markdown.text.startswith("# Prep: ")
    assert reader.get("/people/999999/prep").status_code == 404


def test_every_answer_says_how_long_the_server_took(reader: TestClient) -> None:
    for url in ("/", "/api/v1/due", "/no-such-page"):
        timing = reader.get(url).headers.get("server-timing", "")
        assert re.fullmatch(r"app;dur=\d+\.\d", timing), (url, timing)
