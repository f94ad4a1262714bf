"""Fixtures of the web tests: the small demo in a SQLite file, the app over it, a client."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from webtools import TODAY, TestClient, signed_in, web_client

from whoknows.config import Settings, database_url_from, load_settings
from whoknows.demo.build import build_demo
from whoknows.services.store import Store
from whoknows.web.app import create_app


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
