"""Load the web UI on loopback: p50/p95 server time per page (medium demo) and the path finder.

Not a test. Usage: python benchmarks/web_bench.py [--size medium] [--requests 20]
Builds the demo into a temporary SQLite file, serves it with uvicorn on 127.0.0.1 and a free
port in a thread, warms each page once, then times N sequential requests per page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from whoknows.config import Settings, database_url_from
from whoknows.services.demo import build_demo
from whoknows.services.store import Store
from whoknows.web.app import create_app

PAGES = [
    "/",
    "/people",
    "/people?q=manufacturing",
    "/events",
    "/advocates",
    "/introductions",
    "/referrals",
    "/reports",
    "/brief",
    "/settings",
    "/paths?kind=icp",
    "/paths/graph.json?target=icp",
    "/api/v1/paths?target=icp",
    "/api/v1/due",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="medium")
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    today = dt.date(2025, 6, 2)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        settings = Settings(database_url_from(str(folder / "bench.db")), folder / "d", folder / "c")
        started = time.perf_counter()
        with Store(settings) as store:
            build_demo(store, args.size, 1, today=today)
        print(f"demo {args.size} built in {time.perf_counter() - started:.1f} s")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        app = create_app(settings, today=today)
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        bearer = {"Authorization": f"Bearer {app.state.access.secret}"}
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}", timeout=120, headers=bearer
        ) as client:
            print(f"{'page':40} {'p50 ms':>8} {'p95 ms':>8}")
            for page in PAGES:
                client.get(page)  # warm: the graph snapshot and caches
                times = []
                for _ in range(args.requests):
                    begin = time.perf_counter()
                    client.get(page).raise_for_status()
                    times.append((time.perf_counter() - begin) * 1000)
                times.sort()
                p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
                print(f"{page:40} {statistics.median(times):8.0f} {p95:8.0f}")
        server.should_exit = True


if __name__ == "__main__":
    main()
