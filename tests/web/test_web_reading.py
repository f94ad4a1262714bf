"""Pages that read right: names in any script isolated from the text around them, a skip link."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from webtools import TestClient, post

READ = ["/", "/people", "/people?q=a", "/advocates", "/paths?kind=icp", "person"]


@pytest.mark.parametrize("url", READ)
def test_every_name_linked_on_a_page_is_isolated(reader: TestClient, url: str) -> None:
    if url == "person":
        first = re.search(r'href="(/people/\d+)"', reader.get("/advocates").text)
        assert first
        url = first.group(1)
    page = reader.get(url).text
    links = re.findall(r'<a [^>]*href="/people/\d+"[^>]*>(.*?)</a>', page)
    assert links, "the page links to people"
    bare = [text for text in links if not text.startswith("<bdi>")]
    assert not bare, f"names not in <bdi>: {bare[:5]}"


def test_a_right_to_left_name_does_not_scramble_a_referral_tile(client: TestClient) -> None:
    for name in ("أحمد خليل", "Dana Client"):
        post(client, "/people", {"name": name})
    added = post(client, "/referrals", {"from": "أحمد خليل", "about": "Dana Client"})
    assert added.status_code == 303  # type: ignore[attr-defined]
    board = client.get("/referrals").text
    assert "from <bdi>أحمد خليل</bdi> · " in board
    assert '<div class="title"><bdi>Dana Client</bdi></div>' in board


def test_a_skip_link_leads_past_the_nav_to_the_content(reader: TestClient) -> None:
    page = reader.get("/people").text
    body = page.split("<body>", 1)[1].lstrip()
    assert body.startswith('<a class="skip" href="#content">Skip to content</a>')
    assert '<main class="page" id="content"' in page


def test_an_ambiguous_target_offers_its_people_to_click(
    reader: TestClient, demo_file: Path
) -> None:
    with sqlite3.connect(demo_file) as db:
        (shared,) = db.execute(
            "SELECT MIN(name) FROM people GROUP BY name_key HAVING COUNT(*) > 1 LIMIT 1"
        ).fetchone()
    page = reader.get("/paths", params={"target": shared}).text
    assert "whoknows person find" not in page, "no command-line hint on a page"
    choices = re.findall(r'<li><a href="(/paths\?kind=person&amp;target=%23\d+[^"]*)">', page)
    assert len(choices) >= 2
    assert " at " in page.split('id="path-choices"')[1], "each with its role and organization"
    chosen = reader.get(choices[0].replace("&amp;", "&")).text
    assert 'id="path-problem"' not in chosen
    assert 'id="paths"' in chosen


def test_each_path_names_its_target_role_and_organization(reader: TestClient) -> None:
    page = reader.get("/paths", params={"kind": "icp"}).text
    paths = page.count('<div class="path">')
    assert paths >= 3
    assert page.count('class="small target-is"') == paths


def test_a_hint_that_needs_a_place_to_act_says_where_on_the_pages(reader: TestClient) -> None:
    page = reader.get("/paths", params={"target": "Zyxwv Nobody"}).text
    assert "nobody matches" in page
    assert "look for part of the name in People" in page, "the page's words (errors.Hint)"
    assert "whoknows person find" not in page
