"""`whoknows serve`: the web UI and REST API on this machine."""

from __future__ import annotations

import threading
import webbrowser
from typing import Annotated

import typer

from whoknows.cli.common import DbOption, say


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
    db: DbOption = None,
) -> None:
    """Serve the web UI and the REST API (/api/v1, docs at /docs) until Ctrl-C."""
    import uvicorn

    from whoknows.config import load_settings
    from whoknows.web.app import create_app

    app = create_app(load_settings(db), host=host)
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    say(f"whoknows is at {url} (API docs: {url}docs); Ctrl-C stops it")
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add `serve` to the whoknows command."""
    app.command("serve")(serve)
