"""`whoknows team init|invite` on the server host, and serve's refusal of SQLite."""

from __future__ import annotations

import re
import uuid

import pytest
from team_world import World, bearer

from whoknows.cli.main import main

pytestmark = pytest.mark.postgres


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_makes_an_admin_who_signs_in_with_the_printed_password_and_a_space(
    team_db_url: str, team_client, capsys: pytest.CaptureFixture[str]
) -> None:
    email = f"boss{uuid.uuid4().hex[:8]}@example.com"
    name = f"Firm {uuid.uuid4().hex[:6]}"
    code, out, _ = run(
        capsys, "team", "init", "--db", team_db_url, "--admin", email, "--space", name
    )
    assert code == 0, out
    password = re.search(r"one-time password: (\S+)", out)
    assert password is not None
    slug = re.search(r"space '([^']+)' \(firm\)", out)
    assert slug is not None
    signed = team_client.post(
        "/login", data={"email": email, "password": password.group(1)}, follow_redirects=False
    )
    assert signed.status_code == 303
    me = team_client.get("/api/v1/me").json()
    assert me["admin"] is True
    assert [(s["slug"], s["role"]) for s in me["spaces"]] == [(slug.group(1), "owner")]
    again, out, _ = run(capsys, "team", "init", "--db", team_db_url, "--admin", email)
    assert again == 0
    assert "one-time password" not in out  # an existing account keeps its password


def test_invite_prints_a_link_that_joins_the_space(
    team_db_url: str, team_client, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    firm = world.space()
    email = f"new{uuid.uuid4().hex[:8]}@example.com"
    code, out, err = run(
        capsys, "team", "invite", email, "--space", firm.slug, "--role", "leader",
        "--db", team_db_url, "--url", "https://team.example.com",
    )  # fmt: skip
    assert code == 0, err
    link = out.strip()
    assert link.startswith("https://team.example.com/invite/")
    token = link.rsplit("/", 1)[1]
    joined = team_client.post(
        f"/api/v1/invitations/{token}/accept", json={"password": "my own password"}
    )
    assert joined.json() == {"space": firm.slug, "role": "leader"}
    code, _, err = run(capsys, "team", "invite", email, "--space", "no-such", "--db", team_db_url)
    assert code == 2
    assert err.strip() == "whoknows: error: no space 'no-such' — check its short name (slug)"


@pytest.mark.parametrize("command", ["init", "serve", "invite"])
def test_the_server_commands_refuse_sqlite_in_one_line(
    command: str, capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    extra = {"init": ["--admin", "a@example.com"], "invite": ["a@example.com", "--space", "s"]}
    code, _, err = run(
        capsys, "team", command, *extra.get(command, []), "--db", str(tmp_path / "t.db")
    )
    assert code == 2
    assert err.count("\n") == 1
    assert "the team server needs PostgreSQL" in err


@pytest.mark.slow
def test_serve_runs_several_workers_that_answer_as_the_application_role(
    team_db_url: str, world: World, tmp_path
) -> None:
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    import httpx

    firm = world.space()
    owner = world.account()
    world.member(firm, "member", owner)
    token = world.token(firm, owner)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "whoknows", "team", "serve", "--db", team_db_url,
         "--port", str(port), "--workers", "2", "--pool", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "WHOKNOWS_TEAM_CACHE": str(tmp_path)},
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{url}/api/v1/me", timeout=2).status_code == 401:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
        with httpx.Client(base_url=url, headers=bearer(token), timeout=10) as client:
            answers = [client.get(f"/api/v1/spaces/{firm.slug}") for _ in range(6)]
        assert {a.status_code for a in answers} == {200}
        assert answers[0].json()["role"] == "member"
    finally:
        server.send_signal(signal.SIGINT)
        try:
            out, _ = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            out, _ = server.communicate()
    assert f"whoknows team server at http://127.0.0.1:{port}/ (2 workers)" in out
