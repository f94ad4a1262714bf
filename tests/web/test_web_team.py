"""Settings ▸ Team sharing: the level with a live preview, private people, blocked firms."""

from __future__ import annotations

from webtools import TODAY, TestClient, post

from whoknows.config import load_settings
from whoknows.core.sharing import Level
from whoknows.services.store import Store
from whoknows.services.team import projection


def _first_shared(demo_db: str) -> tuple[int, str, str | None]:
    with Store(load_settings(demo_db)) as store:
        item = projection.project(store, level=Level.NAME, today=TODAY).items[0]
    return item.person_id, str(item.shared.name), item.shared.org


def test_the_page_shows_the_level_the_preview_and_how_to_join(client: TestClient) -> None:
    page = client.get("/settings/team")
    assert page.status_code == 200
    assert "Not joined" in page.text
    assert "whoknows team join" in page.text
    assert "What colleagues will see" in page.text
    assert 'id="team-counts"' in page.text
    assert "/settings/team" in client.get("/settings").text
    assert "keep private" in page.text  # a button beside each contact colleagues would see


def test_the_live_preview_names_people_only_at_level_name(client: TestClient, demo_db: str) -> None:
    _pid, name, _org = _first_shared(demo_db)
    named = client.get("/settings/team/preview?level=name")
    assert name in named.text
    unnamed = client.get("/settings/team/preview?level=who")
    assert name not in unnamed.text
    nothing = client.get("/settings/team/preview?level=nothing")
    assert "see nothing of your network" in nothing.text
    assert client.get("/settings/team/preview?level=all").status_code == 400


def test_private_and_blocked_leave_the_preview(client: TestClient, demo_db: str) -> None:
    pid, name, org = _first_shared(demo_db)
    assert post(client, "/settings/team/level", {"level": "name"}).status_code == 303
    assert post(client, "/settings/team/private", {"person": str(pid)}).status_code == 303
    page = client.get("/settings/team")
    assert name in page.text  # listed as private …
    assert name not in client.get("/settings/team/preview").text  # … and not shown to colleagues
    if org:
        assert post(client, "/settings/team/block", {"organization": org}).status_code == 303
        assert org in client.get("/settings/team").text
        assert (
            post(client, "/settings/team/block", {"organization": org, "off": "1"}).status_code
            == 303
        )
    assert (
        post(client, "/settings/team/private", {"person": str(pid), "off": "1"}).status_code == 303
    )
    assert name in client.get("/settings/team/preview").text


def test_the_forms_need_the_csrf_token(client: TestClient) -> None:
    answer = client.post("/settings/team/level", data={"level": "name"}, follow_redirects=False)
    assert answer.status_code in (400, 403)
