"""Load the web UI on loopback: p50/p95 time per page (medium demo), decisions and capture.

Not a test. Usage: python benchmarks/web_bench.py [--size medium] [--requests 20]
                   [--out bench-results/web.json]
Builds the demo into a temporary SQLite file, fills the review queue (`review.scan`, as an
import of everyone would), serves it with uvicorn on 127.0.0.1 and a free port in a thread,
warms each page once, then times N sequential requests per page; then N review decisions
(merge and "not the same", alternately) and N people captured at an event, each one POST as
the browser sends it. Targets (issue 12): a page ≤ 200 ms p95, a decision and a capture
≤ 300 ms. The client runs in the same process: its time is in the figures, so they are
upper bounds of the server's. Each figure comes as wall time (what a user waits, which other
work on the machine inflates), the server's own time (its Server-Timing header: from the
request's arrival in the app to its answer) and CPU time of the process (what it costs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, overload

import httpx
import uvicorn

from whoknows.config import Settings, database_url_from
from whoknows.demo.build import build_demo
from whoknows.services import events, people, review
from whoknows.services.store import Store
from whoknows.web.app import create_app

PAGES = [
    "/",
    "/people",
    "/people?offset=20000",
    "/people?q=manufacturing",
    "/people?q=a",
    "/people/{advocate}",
    "/events",
    "/events/{event}",
    "/advocates",
    "/introductions",
    "/referrals",
    "/referrals?status=won&offset=20",
    "/reports",
    "/brief",
    "/settings",
    "/import",
    "/import?offset=100",
    "/paths?kind=icp",
    "/paths?target=%23{advocate}",
    "/paths/graph.json?target=icp",
    "/docs",
    "/api/v1/paths?target=icp",
    "/api/v1/people",
    "/api/v1/due",
]
TARGET_PAGE_MS = 200
TARGET_ACTION_MS = 300


Timing = tuple[float, float, float]  # wall ms, CPU ms, server ms (its Server-Timing header)


def _stats(samples: list[Timing]) -> dict[str, float]:
    """p50 and p95 of the wall time, and the p50 and p95 of the CPU time, in ms."""
    result = {}
    for what, values in (
        ("", [t[0] for t in samples]),
        ("cpu_", [t[1] for t in samples]),
        ("server_", [t[2] for t in samples]),
    ):
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        result[f"{what}p50_ms"] = round(statistics.median(ordered), 1)
        result[f"{what}p95_ms"] = round(p95, 1)
    return result


def _get(client: httpx.Client, url: str) -> Callable[[], httpx.Response]:
    return lambda: client.get(url)


def _post(client: httpx.Client, url: str, form: dict[str, str]) -> Callable[[], httpx.Response]:
    """A form post as htmx sends it from the page."""
    return lambda: client.post(url, data=form, headers={"HX-Request": "true"})


@overload
def _timed(call: Callable[[], httpx.Response]) -> Timing: ...
@overload
def _timed(call: Callable[[], httpx.Response], refuse: bool) -> Timing | None: ...
def _timed(call: Callable[[], httpx.Response], refuse: bool = True) -> Timing | None:
    """The wall time and the process's CPU time (server and client threads) of one request;
    None for an answer of 400 or more when not REFUSE."""
    begin, cpu = time.perf_counter(), time.process_time()
    answer = call()
    server = float(answer.headers.get("server-timing", "app;dur=nan").partition("dur=")[2])
    timing = ((time.perf_counter() - begin) * 1000, (time.process_time() - cpu) * 1000, server)
    if answer.status_code >= 400:
        if not refuse:
            return None
        raise SystemExit(f"{answer.request.url}: HTTP {answer.status_code} {answer.text[:200]}")
    return timing


def _show(what: str, stats: dict[str, float]) -> dict[str, float]:
    keys = ("server_p50_ms", "server_p95_ms", "p50_ms", "p95_ms", "cpu_p50_ms", "cpu_p95_ms")
    figures = (stats[k] for k in keys)
    print(f"{what:40} " + " ".join(f"{x:8.0f}" for x in figures))
    return stats


def _newcomer(i: int) -> tuple[str, str]:
    """Someone new to capture: a made-up name and organization nobody in the demo has."""
    syllables = ("ka", "lo", "mi", "ru", "te", "vo", "xa", "zi")
    word = "".join(syllables[(i >> shift) & 7] for shift in (0, 3, 6)).capitalize()
    return f"Ilse {word}quist", f"{word} Werke {i}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="medium")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--out", type=Path, default=Path("bench-results/web.json"))
    args = parser.parse_args()
    today = dt.date(2025, 6, 2)
    results: dict[str, Any] = {"size": args.size, "requests": args.requests, "pages": {}}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        settings = Settings(database_url_from(str(folder / "bench.db")), folder / "d", folder / "c")
        started = time.perf_counter()
        with Store(settings) as store:
            build_demo(store, args.size, 1, today=today)
            print(f"demo {args.size} built in {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            pairs = review.scan(store, today)
            print(f"review queue: {pairs} pairs in {time.perf_counter() - started:.1f} s")
            advocate = people.list_people(store, stage="advocate", limit=1)[0].id
            event = events.list_events(store)[0].id
        results["review_pairs"] = pairs
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
            heads = ("srv p50", "srv p95", "wall p50", "wall p95", "CPU p50", "CPU p95")
            print(f"{'ms':40} " + " ".join(f"{h:>8}" for h in heads))
            for pattern in PAGES:
                page = pattern.format(advocate=advocate, event=event)
                client.get(page).raise_for_status()  # warm: the graph snapshot and caches
                times = [_timed(_get(client, page)) for _ in range(args.requests)]
                results["pages"][pattern] = _show(pattern, _stats(times))
            token = client.cookies.get("wk_csrf") or ""
            # one decision at a time, as a reviewer clicks; a pair an earlier merge took is skipped
            decisions: list[Timing] = []
            with Store(settings) as store:
                queue = review.page(store, limit=args.requests * 3).pairs
            for i, pair in enumerate(queue):
                if len(decisions) == args.requests:
                    break
                decision = "merge" if i % 2 else "new"
                form = {"pair": str(pair.id), "decision": decision, "csrf_token": token}
                timing = _timed(_post(client, "/import/review", form), refuse=False)
                if timing is not None:
                    decisions.append(timing)
            captures: list[Timing] = []
            for i in range(args.requests):
                name, organization = _newcomer(i)
                form = {"name": name, "organization": organization, "csrf_token": token}
                captures.append(_timed(_post(client, f"/events/{event}/capture", form)))
        server.should_exit = True
    results["decision"] = _show("a review decision (POST)", _stats(decisions))
    results["decision"]["n"] = len(decisions)
    results["capture"] = _show("capture one person (POST)", _stats(captures))
    for figure in ("server_p95_ms", "p95_ms", "cpu_p95_ms"):
        over = {p: r[figure] for p, r in results["pages"].items() if r[figure] > TARGET_PAGE_MS}
        print(f"pages over {TARGET_PAGE_MS} ms ({figure}): {over or 'none'}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
