"""Review-queue benchmark (not a test): pages and decisions at 20,000 people (the medium demo).

    .venv/bin/python benchmarks/review_bench.py [--size medium] [--out bench-results/review.json]

The demo's people are written without the identity engine, so `dedupe --scan` runs it over
everyone first (timed); then the queue's pages (service, CLI process and web request) and
decisions (merge, and "not the same") are timed. Target (issue 11): a page and a decision
each ≤ 300 ms at 20k people.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1),
        "n": len(ordered),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="medium")
    parser.add_argument("--out", type=Path, default=Path("bench-results/review.json"))
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from whoknows.config import load_settings
    from whoknows.demo.build import build_demo
    from whoknows.services import imports, review
    from whoknows.services.store import Store

    results: dict[str, Any] = {"when": dt.datetime.now().isoformat(timespec="seconds")}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'demo.db'}"
        store = Store(load_settings(url))
        build_demo(store, args.size, 7, today=dt.date(2026, 11, 30))
        start = time.perf_counter()
        found = review.scan(store, dt.date(2026, 11, 30))
        results["scan"] = {"pairs": found, "seconds": round(time.perf_counter() - start, 2)}
        total = review.page(store).total
        pages = []
        for offset in (0, 20, 100, max(0, total - 20)) * 5:
            start = time.perf_counter()
            review.page(store, limit=20, offset=offset)
            pages.append(time.perf_counter() - start)
        results["page_service"] = _ms(pages)
        merges: list[float] = []
        distinct: list[float] = []
        for i in range(20):  # the most likely pair each time (a merge takes others with it)
            pairs = review.page(store, limit=1).pairs
            if not pairs:
                break
            start = time.perf_counter()
            chosen = imports.Decision.MERGE if i % 2 else imports.Decision.NEW
            review.decide(store, pairs[0].id, chosen)
            (merges if i % 2 else distinct).append(time.perf_counter() - start)
        results["merge_service"] = _ms(merges)
        results["distinct_service"] = _ms(distinct)

        from whoknows.web.app import create_app

        app = create_app(load_settings(url))
        with TestClient(app, base_url="http://127.0.0.1:8765") as client:
            secret = client.app.state.access.secret  # type: ignore[attr-defined]
            client.get(f"/docs?access_token={secret}", follow_redirects=False)
            web = []
            for offset in (0, 40, 0, 40, 0, 40, 0, 40, 0, 40):
                start = time.perf_counter()
                page = client.get(f"/import?offset={offset}")
                web.append(time.perf_counter() - start)
                assert page.status_code == 200, page.status_code
            results["page_web"] = _ms(web)

        cli = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "whoknows", "dedupe", "--json", "--db", url],
                check=True,
                capture_output=True,
            )
            cli.append(time.perf_counter() - start)
        baseline = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            baseline.append(time.perf_counter() - start)
        results["page_cli_process"] = _ms(cli)
        results["python_c_pass"] = _ms(baseline)
        results["pairs_left"] = review.page(store).total
        store.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
