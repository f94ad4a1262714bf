"""Load the web app on loopback and fail when it does not hold (`make load`).

Not a test: a bounded run against `whoknows serve` in its own process, over a copy of the
demo network. USERS simulated users (asyncio tasks sharing one httpx client) request pages
and API reads one after another for DURATION seconds; every WRITE_EVERY-th request overall
is a write (an interaction logged through the API), which makes every cached answer stale.
The run fails (exit 1) unless, over the measured window:

- the 95th percentile of response times is at most --p95-ms,
- no request failed (a status of 400 or more, a timeout, a refused connection),
- the server's resident memory grew by at most --rss-growth-mb from the warmed-up start.

Target (issue 15): the medium demo, 20 users, 1 write per 50 requests, 60 s → p95 ≤ 500 ms,
0 errors, RSS growth ≤ 100 MB. The figures go to --out (JSON) and docs/benchmarks.md.

The machine is shared, so one run says little: --runs N repeats the run (each on a fresh server
and copy) and the verdict is on the medians; --baseline runs the same users without writes on a
fresh server before each run, so the cost of the writes reads as a ratio measured alike.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

READS = (
    "/",
    "/people",
    "/people?q=manufacturing",
    "/advocates",
    "/events",
    "/referrals",
    "/introductions",
    "/paths?kind=icp",
    "/api/v1/due",
    "/api/v1/advocates?top=10",
    "/api/v1/paths?target=icp&top=3",
    "/api/v1/people?limit=20",
    "PERSON",  # a person's page, a different one each time
)
KINDS = ("coffee", "call", "email", "message", "one-to-one")


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    by_path: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    writes: int = 0
    count: int = 0


@dataclass(frozen=True)
class Result:
    size: str
    users: int
    write_every: int
    seconds: float
    requests: int
    writes: int
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    error_examples: list[str]
    rss_start_mb: float
    rss_end_mb: float
    rss_peak_mb: float
    rss_growth_mb: float
    cpu_ms_per_request: float  # the server's CPU time (all threads) over the requests it answered
    slowest: dict[str, dict[str, float]]  # p50 / p95 ms of the five slowest requests kinds
    passed: bool
    failures: list[str]
    date: str


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _demo(size: str, folder: Path) -> Path:
    """A copy of the demo network of SIZE (built once into bench-results/dbs and reused)."""
    built = Path("bench-results/dbs") / f"load-{size}.db"
    if not built.exists():
        built.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "whoknows",
                "demo",
                "--size",
                size,
                "--json",
                "--db",
                str(built),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"demo {size} built in {time.perf_counter() - started:.0f} s into {built}")
    copy = folder / "load.db"
    shutil.copyfile(built, copy)
    return copy


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


async def _user(
    client: httpx.AsyncClient,
    people: list[int],
    tally: Tally,
    write_every: int,
    until: float,
    rng: random.Random,
) -> None:
    while time.perf_counter() < until:
        tally.count += 1
        write = write_every > 0 and tally.count % write_every == 0
        begin = time.perf_counter()
        path = url = "WRITE"
        try:
            if write:
                tally.writes += 1
                response = await client.post(
                    "/api/v1/interactions",
                    json={
                        "kind": rng.choice(KINDS),
                        "people": [f"#{rng.choice(people)}"],
                        "note": "load test",
                    },
                )
            else:
                path = rng.choice(READS)
                url = f"/people/{rng.choice(people)}" if path == "PERSON" else path
                response = await client.get(url)
            if response.status_code >= 400:
                what = "POST /api/v1/interactions" if write else f"GET {url}"
                tally.errors.append(f"{what}: {response.status_code} {response.text[:120]}")
        except httpx.HTTPError as exc:
            what = "POST /api/v1/interactions" if write else f"GET {url}"
            since = time.perf_counter() - begin
            tally.errors.append(f"{what}: {type(exc).__name__} after {since:.2f} s: {exc}")
        took = (time.perf_counter() - begin) * 1000
        tally.latencies_ms.append(took)
        tally.by_path.setdefault(path, []).append(took)


async def _sample_rss(pid: int, until: float, peak: list[float]) -> None:
    while time.perf_counter() < until:
        peak.append(_rss_mb(pid))
        await asyncio.sleep(0.5)


async def _load(args: argparse.Namespace, base: str, token: str, pid: int) -> Result:
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=args.users, max_keepalive_connections=args.users)
    async with httpx.AsyncClient(
        base_url=base, headers=headers, timeout=args.timeout, limits=limits
    ) as client:
        listed = await client.get("/api/v1/people", params={"limit": 500})
        listed.raise_for_status()
        people = [p["id"] for p in listed.json() if not p.get("is_me")]
        for path in READS:  # warm up: the snapshot, the due list, the advocates, the charts
            if path != "PERSON":
                (await client.get(path)).raise_for_status()
        rss_start = _rss_mb(pid)
        cpu_start = _cpu_seconds(pid)
        tally = Tally()
        peak: list[float] = [rss_start]
        started = time.perf_counter()
        until = started + args.duration
        rng = random.Random(args.seed)
        await asyncio.gather(
            _sample_rss(pid, until, peak),
            *(
                _user(client, people, tally, args.write_every, until, random.Random(rng.random()))
                for _ in range(args.users)
            ),
        )
        seconds = time.perf_counter() - started
    cpu = _cpu_seconds(pid) - cpu_start
    rss_end = _rss_mb(pid)
    growth = max(peak) - rss_start
    p95 = _percentile(tally.latencies_ms, 0.95)
    failures = []
    if p95 > args.p95_ms:
        failures.append(f"p95 {p95:.0f} ms > {args.p95_ms} ms")
    if tally.errors:
        failures.append(f"{len(tally.errors)} errors")
    if growth > args.rss_growth_mb:
        failures.append(f"RSS grew {growth:.0f} MB > {args.rss_growth_mb} MB")
    return Result(
        size=args.size,
        users=args.users,
        write_every=args.write_every,
        seconds=round(seconds, 1),
        requests=len(tally.latencies_ms),
        writes=tally.writes,
        requests_per_second=round(len(tally.latencies_ms) / seconds, 1),
        p50_ms=round(statistics.median(tally.latencies_ms), 1),
        p95_ms=round(p95, 1),
        p99_ms=round(_percentile(tally.latencies_ms, 0.99), 1),
        max_ms=round(max(tally.latencies_ms), 1),
        errors=len(tally.errors),
        error_examples=tally.errors[:5],
        rss_start_mb=round(rss_start, 1),
        rss_end_mb=round(rss_end, 1),
        rss_peak_mb=round(max(peak), 1),
        rss_growth_mb=round(growth, 1),
        cpu_ms_per_request=round(1000 * cpu / max(1, len(tally.latencies_ms)), 2),
        slowest=_slowest(tally.by_path),
        passed=not failures,
        failures=failures,
        date=dt.date.today().isoformat(),
    )


def _slowest(by_path: dict[str, list[float]], count: int = 5) -> dict[str, dict[str, float]]:
    ranked = sorted(by_path.items(), key=lambda item: -_percentile(item[1], 0.95))[:count]
    return {
        path: {
            "n": len(times),
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(_percentile(times, 0.95), 1),
        }
        for path, times in ranked
    }


def _serve(db: Path, folder: Path, port: int, token: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "WHOKNOWS_ACCESS_TOKEN": token,
        "WHOKNOWS_DATA_DIR": str(folder / "data"),
        "WHOKNOWS_CONFIG_DIR": str(folder / "config"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "whoknows", "serve", "--port", str(port), "--db", str(db)],
        env=env,
        stdout=subprocess.DEVNULL,
    )


def _wait_until_up(base: str, token: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit {server.returncode})")
        try:
            answer = httpx.get(
                f"{base}/api/v1/people?limit=1", headers={"Authorization": f"Bearer {token}"}
            )
            if answer.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not answer within 120 s")


def _run(args: argparse.Namespace, write_every: int) -> Result:
    """One run on a fresh server over a fresh copy of the demo."""
    with tempfile.TemporaryDirectory(prefix="whoknows-load-") as tmp:
        folder = Path(tmp)
        db = _demo(args.size, folder)
        port, token = _free_port(), secrets.token_urlsafe(24)
        base = f"http://127.0.0.1:{port}"
        server = _serve(db, folder, port, token)
        try:
            _wait_until_up(base, token, server)
            load = argparse.Namespace(**{**vars(args), "write_every": write_every})
            return asyncio.run(_load(load, base, token, server.pid))
        finally:
            server.terminate()
            server.wait(timeout=30)


def _medians(runs: list[Result]) -> dict[str, float]:
    keys = ("requests_per_second", "p50_ms", "p95_ms", "p99_ms", "errors", "rss_growth_mb")
    keys += ("cpu_ms_per_request",)
    return {key: round(statistics.median(getattr(r, key) for r in runs), 1) for key in keys}


def _line(label: str, result: Result) -> str:
    return (
        f"{label}: {result.requests_per_second} req/s, p50 {result.p50_ms:.0f} ms, "
        f"p95 {result.p95_ms:.0f} ms, p99 {result.p99_ms:.0f} ms, {result.errors} errors, "
        f"RSS +{result.rss_growth_mb:.0f} MB, server CPU {result.cpu_ms_per_request} ms/request"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="medium", choices=("small", "medium", "large"))
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument(
        "--write-every", type=int, default=50, help="one write per N requests (0: none)"
    )
    parser.add_argument("--p95-ms", type=float, default=500.0)
    parser.add_argument("--rss-growth-mb", type=float, default=100.0)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--runs", type=int, default=1, help="runs; the verdict is on the medians")
    parser.add_argument(
        "--baseline", action="store_true", help="a read-only run on a fresh server before each"
    )
    parser.add_argument("--out", type=Path, default=Path("bench-results/load.json"))
    args = parser.parse_args()
    runs: list[Result] = []
    baselines: list[Result] = []
    for number in range(1, args.runs + 1):
        if args.baseline:
            baselines.append(_run(args, 0))
            print(_line(f"run {number}, read-only", baselines[-1]), flush=True)
        runs.append(_run(args, args.write_every))
        print(_line(f"run {number}, 1 write per {args.write_every}", runs[-1]), flush=True)
    medians = _medians(runs)
    failures = []
    if medians["p95_ms"] > args.p95_ms:
        failures.append(f"p95 {medians['p95_ms']:.0f} ms > {args.p95_ms} ms")
    if any(r.errors for r in runs):
        failures.append(f"{sum(r.errors for r in runs)} errors")
    if medians["rss_growth_mb"] > args.rss_growth_mb:
        failures.append(f"RSS grew {medians['rss_growth_mb']:.0f} MB > {args.rss_growth_mb} MB")
    report = {
        "medians": medians,
        "read_only_medians": _medians(baselines) if baselines else None,
        "passed": not failures,
        "failures": failures,
        "runs": [asdict(r) for r in runs],
        "read_only_runs": [asdict(r) for r in baselines],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("medians", "read_only_medians")}, indent=2))
    print("slowest (last run):", json.dumps(runs[-1].slowest))
    print("PASSED" if not failures else "FAILED: " + "; ".join(failures))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
