"""A busy or unreachable database is 503 with Retry-After, never 400 or 500 (findings 2, 5)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from webtools import TestClient, signed_in, web_client

from whoknows.config import load_settings
from whoknows.storage import engine as engine_module
from whoknows.web.app import create_app


def _answers_unavailable(response: object) -> None:
    status = getattr(response, "status_code", None)
    headers = getattr(response, "headers", {})
    assert status == 503, getattr(response, "text", "")
    assert int(headers["retry-after"]) > 0


@pytest.fixture
def app_over(db_url: str) -> Iterator[TestClient]:
    with web_client(create_app(load_settings(db_url))) as client:
        yield signed_in(client)


def test_a_database_that_goes_away_is_503_with_retry_after(app_over: TestClient) -> None:
    """Finding 5: an outage answered HTTP 400."""
    assert app_over.post("/api/v1/people", json={"name": "Ada"}).status_code == 201
    store = app_over.app.state.store  # type: ignore[attr-defined]
    working = store.engine
    # The server stops answering: nothing listens where the database was.
    store.engine = engine_module.make_engine("postgresql+psycopg://whoknows@127.0.0.1:9/gone")
    try:
        api = app_over.get("/api/v1/people")
        _answers_unavailable(api)
        assert "cannot be reached" in api.json()["error"]
        page = app_over.get("/people", headers={"accept": "text/html"})
        _answers_unavailable(page)
        _answers_unavailable(app_over.post("/api/v1/people", json={"name": "Ben"}))
    finally:
        store.engine.dispose()
        store.engine = working
    assert app_over.get("/api/v1/people").status_code == 200


def test_a_write_that_waits_too_long_for_the_lock_is_503_not_400(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 2: while another writer held SQLite's lock, the web answered HTTP 400."""
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 300)
    path = tmp_path / "busy.db"
    with web_client(create_app(load_settings(str(path)))) as client:
        signed_in(client)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            refused = client.post("/api/v1/people", json={"name": "Patient"})
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        _answers_unavailable(refused)
        assert "busy" in refused.json()["error"]
        assert client.post("/api/v1/people", json={"name": "Patient"}).status_code == 201
