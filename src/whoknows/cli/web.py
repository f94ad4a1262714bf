"""`whoknows serve`: the web UI and REST API on this machine."""

from __future__ import annotations

import signal
import threading
import webbrowser
from contextlib import suppress
from typing import Annotated

import typer

from whoknows.cli.common import DbOption

# Under load, a request waits this long for an answer rebuilt after a write before it is served
# the previous one (a browser's own change is always shown at once): docs/web.md.
STALE_WAIT = 0.25
M_ARENA_MAX = -8  # glibc's mallopt parameter
# Seconds an idle connection is kept open: longer than clients keep theirs (httpx 5 s), so the
# client always closes first. At uvicorn's 5 s both closed at once now and then, and a request
# sent on the closing connection failed (a reset) under load.
KEEP_ALIVE = 65
REBUILD_EVERY = 2.0  # seconds: how far rankings, paths and the due list may trail the writes


def serve(
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to listen on (another than 127.0.0.1 needs WHOKNOWS_ACCESS_TOKEN).",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
    ] = 8000,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the dashboard in the browser.")
    ] = False,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="Another host name the server answers to (e.g. behind a proxy); repeatable. "
            "Also WHOKNOWS_ALLOWED_HOSTS (comma separated).",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Serve the web UI and the REST API (/api/v1, docs at /docs) until Ctrl-C.

    Prints the URL to open, with a secret made for this run (or WHOKNOWS_ACCESS_TOKEN); the
    browser trades it for a session cookie, and scripts send it as "Authorization: Bearer".
    While the server runs, the URL and the secret are in server.json in the data folder (0600).
    """
    import uvicorn

    from whoknows.config import load_settings
    from whoknows.web.access import TOKEN_PARAM, published
    from whoknows.web.app import create_app

    _few_memory_arenas()
    settings = load_settings(db)
    app = create_app(
        settings,
        host=host,
        allowed_hosts=allow_host or (),
        stale_wait=STALE_WAIT,
        rebuild_every=REBUILD_EVERY,
    )
    secret = app.state.access.secret
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    link = f"{url}?{TOKEN_PARAM}={secret}"
    # uvicorn raises SIGTERM again once it has stopped: let that unwind through `published`,
    # which removes the secret's file, instead of killing the process on the spot.
    signal.signal(signal.SIGTERM, _stop)
    with published(settings.data_dir, url, secret) as where:
        # Plain echo, never wrapped: the link must survive a copy and paste whole.
        typer.echo(f"whoknows is at {link}")
        typer.echo(f"API docs: {url}docs; the token is also in {where}; Ctrl-C stops it")
        if open_browser:
            threading.Timer(1.0, webbrowser.open, args=(link,)).start()
        uvicorn.run(app, host=host, port=port, log_level="warning", timeout_keep_alive=KEEP_ALIVE)


def _few_memory_arenas() -> None:
    """glibc gives each thread that allocates at once a memory arena of its own, which keeps
    what was freed in it: two arenas keep the server's memory from growing by ~100 MB under
    load (as MALLOC_ARENA_MAX=2 would; set before any thread starts). Elsewhere, nothing."""
    import ctypes

    with suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, 2)


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)


def register(app: typer.Typer) -> None:
    """Add `serve` to the whoknows command."""
    app.command("serve")(serve)
