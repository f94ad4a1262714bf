"""The person page and the dashboard, this code against an older one, in the same run.

Not a test. Usage: python benchmarks/pages_bench.py --old-src DIR [--db DIR] [--requests 20]
                   [--out bench-results/pages.json]
DIR of --old-src is the `src` of the code to compare with, e.g.
`git archive COMMIT src | tar -x -C /tmp/old` then `--old-src /tmp/old/src`. --db: a folder
holding the medium demo as bench.db (built there when missing, as web_bench.py builds it).
Two servers (this code and the old one, each a process of its own with its own caches) serve
the same database on loopback; each page is asked of both in turn: N times warm (the caches
kept), then N times right after a write (an interaction logged: every kept answer is of an
older state). Each figure is the median of the server's own time (its Server-Timing header).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

TODAY = dt.date(2025, 6, 2)
SERVE = """
import sys, uvicorn
from pathlib import Path
from whoknows.config import Settings, database_url_from
from whoknows.web.app import create_app
folder, port = Path(sys.argv[1]), int(sys.argv[2])
settings = Settings(database_url_from(str(folder / "bench.db")), folder / "d", folder / "c")
app = create_app(settings, today=__import__("datetime").date(2025, 6, 2))
print(app.state.access.secret, flush=True)
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
"""


def _settings(folder: Path) -> object:
    from whoknows.config import Settings, database_url_from

    return Settings(database_url_from(str(folder / "bench.db")), folder / "d", folder / "c")


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(folder: Path, src: Path | None) -> tuple[subprocess.Popen[str], httpx.Client]:
    """A server of the code in SRC (None: this code) over FOLDER's database, and a client."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    port = _port()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(folder), str(port)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        cwd="/",
    )
    assert server.stdout is not None
    secret = server.stdout.readline().strip()
    client = httpx.Client(
        base_url=f"http://127.0.0.1:{port}",
        timeout=120,
        headers={"Authorization": f"Bearer {secret}"},
    )
    for _ in range(400):
        try:
            client.get("/docs")
            return server, client
        except httpx.TransportError:
            time.sleep(0.05)
    raise SystemExit("a server did not start")


def _server_ms(client: httpx.Client, url: str) -> float:
    answer = client.get(url)
    answer.raise_for_status()
    return float(answer.headers["server-timing"].partition("dur=")[2])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--old-src", type=Path, required=True)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--out", type=Path, default=Path("bench-results/pages.json"))
    args = parser.parse_args()
    from whoknows.demo.build import build_demo
    from whoknows.services import network, people
    from whoknows.services.store import Store

    folder = args.db or Path(os.environ.get("TMPDIR", "/tmp")) / "whoknows-pages-bench"
    folder.mkdir(parents=True, exist_ok=True)
    with Store(_settings(folder)) as store:  # type: ignore[arg-type]
        if not people.count_people(store):
            build_demo(store, "medium", 1, today=TODAY)
        advocate = people.list_people(store, stage="advocate", limit=1)[0].id
        someone = people.list_people(store, limit=1)[0].id
    pages = ["/", f"/people/{advocate}"]
    servers = {"before": _serve(folder, args.old_src), "after": _serve(folder, None)}
    found: dict[str, dict[str, dict[str, float]]] = {}
    try:
        for _, client in servers.values():
            for page in pages:
                _server_ms(client, page)  # the first answers: the snapshot loaded, caches built
        warm: dict[tuple[str, str], list[float]] = {}
        cold: dict[tuple[str, str], list[float]] = {}
        with Store(_settings(folder)) as store:  # type: ignore[arg-type]
            for i in range(args.requests):
                order = list(servers.items()) if i % 2 else list(servers.items())[::-1]
                for page in pages:
                    for name, (_, client) in order:
                        warm.setdefault((name, page), []).append(_server_ms(client, page))
                network.log(store, "message", [str(someone)], on=TODAY, note=f"bench {i}")
                for page in pages:
                    for name, (_, client) in order:
                        cold.setdefault((name, page), []).append(_server_ms(client, page))
        for (name, page), times in warm.items():
            found.setdefault(page, {}).setdefault(name, {})["warm_ms"] = round(
                statistics.median(times), 1
            )
        for (name, page), times in cold.items():
            found[page][name]["after_a_write_ms"] = round(statistics.median(times), 1)
    finally:
        for server, client in servers.values():
            client.close()
            server.terminate()
            server.wait()
    load = os.getloadavg()
    print(f"server time, median of {args.requests} (ms); load average {load[0]:.1f}")
    for page, by in found.items():
        for name, figures in by.items():
            print(f"{page:20} {name:7} " + "  ".join(f"{k} {v:7.1f}" for k, v in figures.items()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    result = {"requests": args.requests, "load_average": load[0], "pages": found}
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
