"""Fixtures of the web tests: the small demo in a SQLite file, the app over it, a client."""

from __future__ import annotations

import datetime as dt
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from whoknows.config import Settings, database_url_from, load_settings
from whoknows.demo.build import build_demo
from whoknows.services.store import Store
from whoknows.web.app import create_app

with warnings.catch_warnings():
    # Starlette asks for httpx2 (not installed); the TestClient works the same with httpx.
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

TODAY = dt.date(2025, 6, 2)
BASE = "http://127.0.0.1:8765"  # a Host the app answers to (the default "testserver" is not)


def signed_in(client: TestClient) -> TestClient:
    """Trade the app's per-run secret for its session cookie, as the printed link does (this
    first page also sets the CSRF cookie, as a browser gets it)."""
    secret = client.app.state.access.secret  # type: ignore[attr-defined]
    answer = client.get(f"/docs?access_token={secret}", follow_redirects=False)
    assert answer.status_code == 303, answer.text[:300]
    assert client.get("/docs").status_code == 200
    return client


def web_client(app: FastAPI) -> TestClient:
    return TestClient(app, base_url=BASE)


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo built once per session; each test works on its own copy."""
    folder = tmp_path_factory.mktemp("demo")
    path = folder / "demo.db"
    with Store(load_settings(str(path))) as store:
        build_demo(store, "small", 11, today=TODAY)
    return path


@pytest.fixture
def demo_db(demo_file: Path, tmp_path: Path) -> str:
    copy = tmp_path / "web-demo.db"
    shutil.copyfile(demo_file, copy)
    return str(copy)


@pytest.fixture
def client(demo_db: str) -> Iterator[TestClient]:
    app = create_app(load_settings(demo_db), today=TODAY)
    with web_client(app) as opened:
        yield signed_in(opened)


@pytest.fixture(scope="session")
def reader(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app over one copy of the demo for the tests that only read (faster)."""
    folder = tmp_path_factory.mktemp("reader")
    copy = folder / "demo.db"
    shutil.copyfile(demo_file, copy)
    settings = Settings(
        database_url=database_url_from(str(copy)),
        data_dir=folder / "data",
        config_dir=folder / "config",
    )
    with web_client(create_app(settings, today=TODAY)) as opened:
        yield signed_in(opened)


@pytest.fixture
def empty_client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(load_settings(str(tmp_path / "empty.db")), today=TODAY)
    with web_client(app) as opened:
        yield signed_in(opened)


def csrf(client: TestClient) -> str:
    token = client.cookies.get("wk_csrf")
    assert token, "the app sets a CSRF cookie on the first page"
    return token


def post(
    client: TestClient, url: str, data: dict[str, str] | None = None, **kwargs: object
) -> object:
    """A form post as the page sends it: with the CSRF token, without following the redirect."""
    return client.post(
        url, data={**(data or {}), "csrf_token": csrf(client)}, follow_redirects=False, **kwargs
    )
