"""Every list is complete: searches and board columns page, with their totals; a referral
moves forward by default and says its value when won."""

from __future__ import annotations

import re
import sqlite3

from webtools import TestClient, post

from whoknows.config import load_settings
from whoknows.services import paging, referrals
from whoknows.services.pages import BOARD_PAGE
from whoknows.services.store import Store


def column(page: str, name: str) -> str:
    """The HTML of one board column."""
    found = re.search(rf'<div class="column" id="{name}">(.*?)\n  </div>', page, re.S)
    assert found, f"no column {name}"
    return found.group(1)


def test_a_search_with_many_matches_says_how_many_and_pages(reader: TestClient) -> None:
    first = reader.get("/people", params={"q": "a"}).text
    said = re.search(r"1–50 of ([\d,]+) matches", first)
    assert said, "the first page says how many match"
    total = int(said.group(1).replace(",", ""))
    assert total > 100
    assert first.count('href="/people/') - first.count('href="/people/{') >= 50
    assert 'rel="next"' in first
    second = reader.get("/people", params={"q": "a", "offset": 50}).text
    assert f"51–100 of {total:,} matches" in second
    assert 'rel="prev"' in second


def test_a_search_narrowed_by_a_filter_counts_only_those(reader: TestClient) -> None:
    every = reader.get("/people", params={"q": "a"}).text
    advocates = reader.get("/people", params={"q": "a", "stage": "advocate"}).text
    shown = re.search(r"of ([\d,]+) matches", advocates)
    assert shown
    assert shown.group(0) not in every
    assert "advocate" in advocates


def test_a_board_column_shows_its_count_and_pages_the_rest(reader: TestClient) -> None:
    board = reader.get("/referrals").text
    sizes = {
        status: int(n.replace(",", ""))
        for status, n in re.findall(r'<h3>(\w+) · <span class="count">([\d,]+)</span>', board)
    }
    assert set(sizes) == {"received", "contacted", "meeting", "proposal", "won", "lost"}
    big = max(sizes, key=lambda status: sizes[status])
    assert sizes[big] > BOARD_PAGE, "the demo has a column longer than a page"
    col = column(board, f"col-{big}")
    assert col.count('class="tile"') == BOARD_PAGE
    assert f"1–{BOARD_PAGE} of {sizes[big]}" in col
    next_page = re.search(r'rel="next" href="([^"]+)"', col)
    assert next_page
    link = next_page.group(1).replace("&amp;", "&")
    assert f"status={big}" in link
    rest = column(reader.get(link).text, f"col-{big}")
    assert f"{BOARD_PAGE + 1}–" in rest
    ids = set(re.findall(r'id="referral-(\d+)"', col))
    assert ids.isdisjoint(re.findall(r'id="referral-(\d+)"', rest)), "the next tiles, not the same"


def test_the_introductions_board_counts_every_state(reader: TestClient) -> None:
    board = reader.get("/introductions").text
    counts = re.findall(r'<h3>(\w+) · <span class="count">([\d,]+)</span>', board)
    assert [state for state, _ in counts] == ["proposed", "asked", "accepted", "made", "declined"]


def test_a_referral_moves_forward_by_default(reader: TestClient) -> None:
    board = reader.get("/referrals").text
    for status, after in (("received", "contacted"), ("contacted", "meeting")):
        tile = column(board, f"col-{status}")
        options = re.findall(r"<option[^>]*>(\w+)</option>", tile.split('class="tile"')[1])
        assert status not in options, "never backwards or in place"
        assert re.search(rf'<option value="{after}" selected>', tile), status


def test_won_without_a_value_asks_for_it_and_with_one_records_it(client: TestClient) -> None:
    db = str(client.app.state.settings.database_url)  # type: ignore[attr-defined]
    with Store(load_settings(db)) as store:
        page = referrals.referrals_page(store, paging.Window(500, 0), status="proposal")
        unpriced = next((r for r in page if r.value is None), None)
        if unpriced is None:
            unpriced = referrals.add(store, "#2", "#3", on=page.items[0].date)
            referrals.move(store, unpriced.id, "proposal", on=unpriced.date)
    refused = post(client, f"/referrals/{unpriced.id}/move", {"status": "won", "value": ""})
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert "worth" in refused.text  # type: ignore[attr-defined]
    done = post(client, f"/referrals/{unpriced.id}/move", {"status": "won", "value": "4200"})
    assert done.status_code == 303  # type: ignore[attr-defined]
    with Store(load_settings(db)) as store:
        won = referrals.get(store, unpriced.id)
    assert won.status == "won"
    assert won.value is not None
    assert int(won.value) == 4200


def test_ask_for_an_introduction_on_a_path_starts_the_double_opt_in(
    client: TestClient, demo_db: str
) -> None:
    """A path me → X → Y: "Ask X to introduce you to Y" goes through the guard (warnings
    first, then ask anyway), lands on the board asked of X, and its draft goes to X."""
    with sqlite3.connect(demo_db) as db:
        (me,) = db.execute("SELECT id FROM people WHERE is_me").fetchone()
        mine = {
            b if a == me else a
            for a, b in db.execute(
                "SELECT person_a_id, person_b_id FROM ties WHERE ? IN (person_a_id, person_b_id)",
                (me,),
            )
        }
        far = next(
            b if a in mine else a
            for a, b in db.execute("SELECT person_a_id, person_b_id FROM ties")
            if (a in mine) != (b in mine) and me not in (a, b)
        )
    page = client.get("/paths", params={"target": f"#{far}"}).text
    ask = re.search(
        r'<form method="post" action="/introductions/request".*?name="via" value="(#\d+)">'
        r'<input type="hidden" name="to" value="(#\d+)">',
        page,
        re.S,
    )
    assert ask, "each path of two hops or more offers to ask for its introduction"
    via, to = ask.groups()
    asked = post(client, "/introductions/request", {"via": via, "to": to})
    if asked.status_code == 409:  # type: ignore[attr-defined]
        assert "hesitates" in asked.text  # type: ignore[attr-defined]
        asked = post(client, "/introductions/request", {"via": via, "to": to, "force": "1"})
    assert asked.status_code == 303  # type: ignore[attr-defined]
    board = client.get("/introductions").text
    tile = column(board, "intro-proposed")
    assert "asked of" in tile
    intro = re.search(r'id="intro-tile-(\d+)"', tile)
    assert intro
    asked_of = client.get(f"/people/{via.lstrip('#')}").text
    assert "asked of" in asked_of.split('id="person-intros"', 1)[-1], "on the introducer's page too"
    drafts = post(client, f"/introductions/{intro.group(1)}/ask")
    assert drafts.status_code == 200  # type: ignore[attr-defined]
    assert "Would you introduce me to" in drafts.text  # type: ignore[attr-defined]


def test_the_advocates_ranking_pages_with_its_total(reader: TestClient) -> None:
    first = reader.get("/advocates").text
    said = re.search(r"1–25 of ([\d,]+) advocates", first)
    assert said, "the ranking says how many there are"
    assert int(said.group(1).replace(",", "")) > 25
    second = reader.get("/advocates", params={"offset": 25}).text
    assert "26–50 of" in second
    assert "<tr><td>26</td>" in second, "ranks go on from the first page"


def test_a_person_page_says_how_much_of_a_long_history_it_shows(client: TestClient) -> None:
    page = client.get("/people/2").text
    person = re.search(r'id="person-name"><bdi>([^<]+)</bdi>', page)
    assert person
    for day in range(1, 46):
        post(client, "/people/2/log", {"kind": "call", "date": f"2025-01-{day % 28 + 1:02d}"})
    for _ in range(22):
        post(client, "/people/2/exchange", {"direction": "gave", "kind": "information"})
    page = client.get("/people/2").text
    shown = re.search(r'id="timeline-shown">the latest 40 of ([\d,]+)<', page)
    assert shown
    assert int(shown.group(1)) >= 45
    assert re.search(r'id="exchanges-shown">the latest 20 of \d+<', page)


def test_an_organization_filter_that_names_none_says_so_on_the_list(reader: TestClient) -> None:
    for params in ({"org": "Nowhere Ltd"}, {"q": "a", "org": "Nowhere Ltd"}):
        page = reader.get("/people", params=params)
        assert page.status_code == 200
        assert 'id="people-problem"' in page.text
        assert "Nowhere Ltd" in page.text
        assert 'value="Nowhere Ltd"' in page.text, "the filter as typed"
