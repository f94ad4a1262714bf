"""The web's introduction forms run the reputation guard once, in the write: its reasons come
back on the refusal (`Refused(reasons=…)`), not from a check of its own before it (issue 16)."""

from __future__ import annotations

from typing import Any

import pytest
from webtools import TestClient, post

from whoknows.config import load_settings
from whoknows.services import introductions, people
from whoknows.services.store import Store


@pytest.fixture(autouse=True)
def no_second_check(monkeypatch: pytest.MonkeyPatch) -> None:
    def again(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the guard ran a second time, before the write")

    monkeypatch.setattr(introductions, "check", again)
    monkeypatch.setattr(introductions, "check_request", again)


def _strangers(demo_db: str) -> list[str]:
    with Store(load_settings(demo_db)) as store:
        return [f"#{p.id}" for p in people.list_people(store, stage="met", limit=2)]


def test_a_refused_introduction_shows_the_reasons_on_the_refusal(
    client: TestClient, demo_db: str
) -> None:
    a, b = _strangers(demo_db)
    warned = post(client, "/introductions", {"a": a, "b": b, "why": "both bake"})
    assert warned.status_code == 409
    assert "guard-warnings" in warned.text
    assert "propose anyway" in warned.text
    assert post(client, "/introductions", {"a": a, "b": b, "force": "1"}).status_code == 303


def test_a_refused_request_shows_the_reasons_on_the_refusal(
    client: TestClient, demo_db: str
) -> None:
    via, to = _strangers(demo_db)
    warned = post(client, "/introductions/request", {"via": via, "to": to})
    assert warned.status_code == 409
    assert "ask anyway" in warned.text.lower()
    forced = post(client, "/introductions/request", {"via": via, "to": to, "force": "1"})
    assert forced.status_code == 303
