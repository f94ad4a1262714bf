"""`team serve`'s workers answer at once on kept-alive connections (TCP_NODELAY set)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any

import httpx
import pytest
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from whoknows.teamserver import serving

accepted: list[Any] = []


class Recorded(serving.NoDelayH11):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        sock = transport.get_extra_info("socket")
        accepted.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))


class Plain(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        sock = transport.get_extra_info("socket")
        accepted.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))


async def _hello(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"hello"})


def _delay_on_answering_socket(protocol: type[H11Protocol]) -> int:
    """Serve one request on a listening socket made as uvicorn's workers receive theirs
    (protocol number 0, not IPPROTO_TCP) and read TCP_NODELAY on the accepted socket."""
    accepted.clear()
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.bind(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    config = uvicorn.Config(_hello, log_level="warning", http=protocol, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        assert httpx.get(f"http://127.0.0.1:{port}/").text == "hello"
        assert accepted
        return int(accepted[0])
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listening.close()


def test_a_worker_sets_no_delay_on_the_connections_it_accepts() -> None:
    assert _delay_on_answering_socket(Recorded) == 1


def test_without_it_a_passed_socket_would_keep_nagle_on() -> None:
    """The reason for NoDelayH11: asyncio leaves such a socket as it is."""
    assert _delay_on_answering_socket(Plain) == 0


def test_team_serve_runs_uvicorn_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from whoknows.cli import team_server

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    team_server.serve("postgresql+psycopg://u@127.0.0.1:5432/x", workers=4)
    assert seen["http"] == serving.HTTP
    assert seen["workers"] == 4
    assert uvicorn.Config(_hello, http=seen["http"]).http == serving.HTTP
