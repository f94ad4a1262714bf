"""What the web tests share besides fixtures: the test client, the demo's day, the address the
app answers to, signing in, and a form post with its CSRF token.

A module of its own, not conftest: `from conftest import …` finds whichever conftest pytest
imported last.
"""

from __future__ import annotations

import datetime as dt
import warnings

from fastapi import FastAPI

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
