"""Only this machine's pages, and only its user, talk to the server: the Host check (DNS
rebinding), the Origin check (other sites), and the per-run secret (other local users)."""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from webtools import BASE, TODAY, TestClient, csrf, web_client

from whoknows.config import load_settings
from whoknows.services import people
from whoknows.services.store import Store
from whoknows.web.access import Access, host_of
from whoknows.web.app import create_app

EVIL = {"Host": "evil.example:8765"}


def a_person_id(db: str) -> int:
    with Store(load_settings(db)) as store:
        return people.list_people(store, limit=5)[-1].id


def test_a_request_naming_another_host_is_refused_whatever_it_carries(
    client: TestClient, demo_db: str
) -> None:
    """DNS rebinding: evil.example resolving to 127.0.0.1 reads nothing and changes nothing."""
    victim = a_person_id(demo_db)
    listing = client.get("/api/v1/people", headers=EVIL)
    assert listing.status_code == 400
    assert "evil.example" in listing.text
    assert "@" not in listing.text, "no contact leaks"
    assert client.delete(f"/api/v1/people/{victim}", headers=EVIL).status_code == 400
    added = client.post("/api/v1/people", json={"name": "Rebound"}, headers=EVIL)
    assert added.status_code == 400
    settings = client.get("/settings", headers=EVIL)
    assert settings.status_code == 400
    assert "calendar.ics" not in settings.text
    assert client.get(f"/api/v1/people/{victim}").status_code == 200, "still there"
    with Store(load_settings(demo_db)) as store:
        assert not people.find_people(store, "Rebound", limit=5)


@pytest.mark.parametrize(
    "host", ["127.0.0.1:8765", "localhost:8000", "[::1]:8000", "LOCALHOST", "127.0.0.1"]
)
def test_the_loopback_names_are_answered(client: TestClient, host: str) -> None:
    bearer = f"Bearer {client.app.state.access.secret}"  # type: ignore[attr-defined]
    answer = client.get("/api/v1/due", headers={"Host": host, "Authorization": bearer})
    assert answer.status_code == 200


def test_a_configured_name_is_answered_and_ipv6_hosts_are_read_right() -> None:
    access = Access.make("0.0.0.0", "t" * 32, ["whoknows.lan"])
    assert access.host_allowed("whoknows.lan:8000")
    assert not access.host_allowed("0.0.0.0:8000")
    assert not access.host_allowed("evil.example")
    assert not access.host_allowed(None)
    assert host_of("[::1]:8000") == "::1"
    assert host_of("[::1") is None


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "http://127.0.0.1:9999", "null", "https://127.0.0.1:8765"]
)
def test_writes_from_another_origin_are_refused(
    client: TestClient, demo_db: str, origin: str
) -> None:
    victim = a_person_id(demo_db)
    from_there = {"Origin": origin}
    form = client.post(
        "/people",
        data={"name": "Cross Site", "csrf_token": csrf(client)},
        headers=from_there,
        follow_redirects=False,
    )
    assert form.status_code == 403
    gone = client.delete(f"/api/v1/people/{victim}", headers=from_there)
    assert gone.status_code == 403
    assert client.post("/api/v1/people", json={"name": "X"}, headers=from_there).status_code == 403
    by_referer = client.delete(f"/api/v1/people/{victim}", headers={"Referer": f"{origin}/x"})
    assert by_referer.status_code == 403
    assert client.get(f"/api/v1/people/{victim}").status_code == 200


def test_writes_from_the_apps_own_pages_and_from_scripts_go_through(client: TestClient) -> None:
    own = client.post("/api/v1/people", json={"name": "Same Origin"}, headers={"Origin": BASE})
    assert own.status_code == 201
    script = client.post("/api/v1/people", json={"name": "No Origin"})
    assert script.status_code == 201, "scripts send no Origin; the secret proves them"


def test_without_the_cookie_or_the_token_every_page_and_call_is_401(demo_db: str) -> None:
    app = create_app(load_settings(demo_db), today=TODAY)
    secret = app.state.access.secret
    with web_client(app) as stranger:
        page = stranger.get("/")
        assert page.status_code == 401
        assert 'id="signin"' in page.text, "a browser is told how to get in"
        assert stranger.get("/people").status_code == 401
        api = stranger.get("/api/v1/people")
        assert api.status_code == 401
        assert api.json()["error"] == "this whoknows server needs its access token"
        assert stranger.delete("/api/v1/people/1").status_code == 401
        assert (
            stranger.get("/api/v1/people", headers={"Authorization": "Bearer no"}).status_code
            == 401
        )
        assert stranger.get("/?access_token=guess").status_code == 401
        assert stranger.get("/static/app.css").status_code == 200, "public files stay public"
        bearer = {"Authorization": f"Bearer {secret}"}
        assert stranger.get("/api/v1/people", headers=bearer).status_code == 200


def test_the_link_trades_the_secret_for_an_httponly_cookie_and_drops_it_from_the_url(
    demo_db: str,
) -> None:
    app = create_app(load_settings(demo_db), today=TODAY)
    secret = app.state.access.secret
    with web_client(app) as browser:
        answer = browser.get(f"/people?q=ann&access_token={secret}", follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/people?q=ann"
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("wk_session_8765=")
        assert "HttpOnly" in cookie
        assert "SameSite=strict" in cookie
        assert secret not in cookie, "the cookie holds a value derived from the secret"
        assert browser.get("/people").status_code == 200
    other = create_app(load_settings(demo_db), today=TODAY)
    assert other.state.access.secret != secret, "a secret per run"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_prints_the_link_and_keeps_the_secret_0600_while_it_runs(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port = _free_port()
    env = {**os.environ, "WHOKNOWS_DATA_DIR": str(data), "COLUMNS": "80"}
    env.pop("WHOKNOWS_ACCESS_TOKEN", None)
    command = [sys.executable, "-m", "whoknows", "serve", "--port", str(port)]
    command += ["--db", str(tmp_path / "served.db")]
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as server:
        _check_while_serving(server, data)
    assert not (data / "server.json").exists(), "the secret leaves with the server"


def _check_while_serving(server: subprocess.Popen[str], data: Path) -> None:
    try:
        first = server.stdout.readline() if server.stdout else ""
        found = re.search(r"(http://127\.0\.0\.1:\d+/)\?access_token=(\S+)$", first.strip())
        assert found, first
        url, secret = found.groups()
        published = data / "server.json"
        assert published.is_file()
        assert stat.S_IMODE(published.stat().st_mode) == 0o600
        assert json.loads(published.read_text()) | {"pid": 0} == {
            "url": url,
            "token": secret,
            "pid": 0,
        }
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.get(
                    f"{url}api/v1/due", headers={"Authorization": f"Bearer {secret}"}
                )
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert answer.status_code in (200, 400), answer.text  # 400: "who you are is not set"
        assert httpx.get(f"{url}api/v1/due").status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_keeps_an_idle_connection_open_longer_than_clients_keep_theirs(
    tmp_path: Path,
) -> None:
    """Under load a request now and then failed with a reset: uvicorn closed connections idle
    for 5 s, as long as httpx keeps them, and a request sent as it closed was lost."""
    port = _free_port()
    env = {**os.environ, "WHOKNOWS_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "80"}
    env["WHOKNOWS_ACCESS_TOKEN"] = "k" * 32
    command = [sys.executable, "-m", "whoknows", "serve", "--port", str(port)]
    command += ["--db", str(tmp_path / "served.db")]
    request = (
        f"GET /api/v1/due HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {'k' * 32}\r\n\r\n"
    ).encode()
    with subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    ) as server:
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    connection = socket.create_connection(("127.0.0.1", port), timeout=10)
                    break
                except OSError:
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.2)
            with connection:
                connection.sendall(request)
                assert _one_response(connection).startswith(b"HTTP/1.1 ")
                time.sleep(6)  # idle longer than httpx keeps a connection
                connection.sendall(request)
                assert _one_response(connection).startswith(b"HTTP/1.1 "), "closed while idle"
        finally:
            server.terminate()
            server.wait(timeout=30)


def _one_response(connection: socket.socket) -> bytes:
    """One whole HTTP response (its body read to its Content-Length); b"" when closed."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ),
        0,
    )
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body
