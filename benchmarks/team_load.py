"""Load the team server on loopback with firm-wide questions, and fail when it does not hold.

Not a test: a bounded run (`make team-load`) against `whoknows team serve --workers N` in its
own processes, on the team demo's database (`make team-demo`). USERS simulated members, each
with their own API token (asyncio tasks over httpx), ask questions for DURATION seconds: half
who-knows (70% a random organization someone knows, 30% one of the hundred biggest), half
path (to a random shared contact's key, or to org:NAME).

Users are modelled as people: between an answer and their next question each one thinks for
a time drawn from an exponential distribution with mean --think seconds (2 s by default; a
person asking the firm does not ask twenty questions a second). With 100 users that offers
about 100 / (2 s + the answer's time) questions a second. Then, so that nobody reads the
people's figures as the server's capacity, the same users ask again for --saturation seconds
with no think time at all (a closed loop: each asks again the moment an answer arrives), and
that run's requests per second are the saturation throughput; its latencies are queueing, not
service times, and no bound applies to them.

Before either run the first path question builds (or loads, with --cache) the firm's
snapshot, and a few more make every worker load it, so neither run times a build. Then a
sample of the answers is checked against the database: who-knows counts against a direct
count, and every hop of a path is a tie a member shared.

The run fails (exit 1) when a p95 of the people run is over its bound (--p95-who-knows-ms,
--p95-path-ms), more than --max-error-rate of the requests of either run failed, or a checked
answer is wrong. benchmarks/team_bench.py measures the same and more (a push, the refresh).

team_bench.py reuses this module's pieces.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, text

from whoknows.teamserver import accounts, db, demo_world

QUESTIONS_PER_MINUTE = "1000000"  # the load is the point here, not the per-member limit
THINK_S = 2.0  # a person's mean pause between an answer and their next question


@dataclass
class Firm:
    """What the load needs of the demo firm: its space, askers' tokens, things to ask about."""

    space_id: int
    slug: str
    tokens: list[str]
    askers: list[int]
    orgs: list[str]
    big_orgs: list[str]
    keys: list[str]


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    why: dict[str, int] = field(default_factory=dict)  # "404", "ReadTimeout", …: how many
    samples: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)

    def add(self, kind: str, ms: float) -> None:
        self.latencies.setdefault(kind, []).append(ms)

    def fail(self, kind: str, why: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        self.why[why] = self.why.get(why, 0) + 1


@dataclass
class Measured:
    think_s: float  # mean think time; 0: the closed loop (saturation)
    users: int
    duration_s: float
    requests: int
    errors: int
    error_kinds: dict[str, int]
    per_second: float
    p50_ms: dict[str, float]
    p95_ms: dict[str, float]
    p99_ms: dict[str, float]
    load_before: float
    load_after: float
    server_cpu_s: float | None = None
    """CPU time the server's processes (the workers) used during the run; PostgreSQL's not."""
    server_cpu_ms_per_request: float | None = None
    client_cpu_s: float | None = None  # this process's: the simulated users themselves


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def server_cpu(pid: int | None) -> float | None:
    """CPU seconds (user + system) used so far by process PID and its descendants (Linux's
    /proc; None elsewhere or without a PID)."""
    if pid is None or not os.path.isdir("/proc"):
        return None
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as found:
                fields = found.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        used[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    tree, grown = {pid}, True
    while grown:
        more = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return round(sum(used.get(p, 0.0) for p in tree), 2)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def prepare(owner: Engine, users: int, seed: int = 17) -> Firm:
    """Tokens for USERS distinct members of the demo firm, and what to ask about."""
    rng = random.Random(seed)
    with owner.begin() as conn:
        conn.execute(text("SET LOCAL statement_timeout = 0"))
        row = conn.execute(
            text("SELECT id, slug FROM space WHERE slug = :s"), {"s": demo_world.FIRM_SLUG}
        ).one_or_none()
        if row is None:
            raise SystemExit("no team demo in this database: run make team-demo first")
        space_id, slug = row
        askers = list(
            conn.execute(
                text(
                    "SELECT account_id FROM membership WHERE space_id = :s AND role <> 'owner' "
                    "AND left_at IS NULL ORDER BY account_id LIMIT :n"
                ),
                {"s": space_id, "n": users},
            ).scalars()
        )
        orgs = list(
            conn.execute(
                text(
                    "SELECT org FROM (SELECT DISTINCT ON (org_key) org FROM org_reach "
                    "WHERE space_id = :s) o ORDER BY random() LIMIT 2000"
                ),
                {"s": space_id},
            ).scalars()
        )
        big = list(
            conn.execute(
                text(
                    "SELECT min(org) FROM org_reach WHERE space_id = :s GROUP BY org_key "
                    "ORDER BY sum(n_contacts) DESC LIMIT 100"
                ),
                {"s": space_id},
            ).scalars()
        )
        keys = list(
            conn.execute(
                text(
                    "SELECT key FROM shared_contact TABLESAMPLE SYSTEM (1) "
                    "WHERE space_id = :s LIMIT 2000"
                ),
                {"s": space_id},
            ).scalars()
        )
        tokens = []
        for account in askers:
            db.set_tenant(conn, space_id=space_id, account_id=account)
            tokens.append(accounts.create_token(conn, space_id, account, "load", ("read",))[1])
    rng.shuffle(orgs)
    if len(askers) < users:
        raise SystemExit(f"the demo firm has {len(askers)} members, fewer than {users} users")
    return Firm(space_id, slug, tokens, askers, orgs, big, keys)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(url: str, port: int, workers: int, cache: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "WHOKNOWS_TEAM_CACHE": str(cache),
        "WHOKNOWS_TEAM_QUESTIONS_PER_MINUTE": QUESTIONS_PER_MINUTE,
    }
    command = [sys.executable, "-m", "whoknows", "team", "serve", "--db", url]
    command += ["--port", str(port), "--workers", str(workers), "--pool", "8"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)


def wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the team server stopped (exit {server.returncode})")
        try:
            if httpx.get(f"{base}/login").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("the team server did not answer within 120 s")


def question(firm: Firm, rng: random.Random) -> tuple[str, str, dict[str, str]]:
    """(kind, path, params) of one random question."""
    base = f"/api/v1/spaces/{firm.slug}"
    if rng.random() < 0.5:
        pool = firm.big_orgs if rng.random() < 0.3 else firm.orgs
        return "who-knows", f"{base}/who-knows", {"org": rng.choice(pool)}
    if rng.random() < 0.5:
        return "path-key", f"{base}/path", {"to": rng.choice(firm.keys)}
    return "path-org", f"{base}/path", {"to": f"org:{rng.choice(firm.orgs)}"}


async def run_load(
    base: str,
    firm: Firm,
    users: int,
    duration: float,
    think: float = THINK_S,
    seed: int = 17,
    keep: int = 60,
    server: int | None = None,
) -> tuple[Measured, Tally]:
    """USERS members asking for DURATION seconds, each thinking THINK seconds on average
    (exponential) between an answer and the next question (0: not at all); KEEP answers of
    each kind kept to check; SERVER (its process id) has its CPU time measured."""
    tally = Tally()
    cpu_before = server_cpu(server)
    client_before = time.process_time()
    stop = time.perf_counter() + duration
    before = load_average()
    # An idle connection is dropped by the client after 2 s, before uvicorn's 5 s: with both
    # at 5 s (httpx's default), a question sent as the server closes the connection fails
    # (ReadError), which browsers retry and httpx does not.
    limits = httpx.Limits(
        max_connections=users, max_keepalive_connections=users, keepalive_expiry=2.0
    )
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:

        async def user(number: int) -> None:
            rng = random.Random(seed * 1000 + number)
            headers = {"Authorization": f"Bearer {firm.tokens[number]}"}
            # People do not all arrive at the same moment; nor here, where the first asyncio
            # worker to wake would otherwise accept a burst of a hundred connections at once.
            await asyncio.sleep(rng.uniform(0, think or 1.0))
            while time.perf_counter() < stop:
                if think:
                    await asyncio.sleep(rng.expovariate(1 / think))
                    if time.perf_counter() >= stop:
                        break
                kind, path, params = question(firm, rng)
                started = time.perf_counter()
                try:
                    answer = await client.get(path, params=params, headers=headers)
                except httpx.HTTPError as exc:
                    tally.fail(kind, type(exc).__name__)
                    continue
                took = (time.perf_counter() - started) * 1000
                if answer.status_code != 200:
                    tally.fail(kind, str(answer.status_code))
                    continue
                tally.add(kind, took)
                if sum(1 for k, _, _ in tally.samples if k == kind) < keep:
                    tally.samples.append((kind, firm.askers[number], answer.json()))

        started = time.perf_counter()
        await asyncio.gather(*(user(n) for n in range(users)))
        elapsed = time.perf_counter() - started
    cpu_after = server_cpu(server)
    client_used = round(time.process_time() - client_before, 2)
    used = None if cpu_before is None or cpu_after is None else round(cpu_after - cpu_before, 2)
    everything = [ms for values in tally.latencies.values() for ms in values]
    kinds = {
        **tally.latencies,
        "path": tally.latencies.get("path-key", []) + tally.latencies.get("path-org", []),
    }
    return (
        Measured(
            think_s=think,
            users=users,
            duration_s=round(elapsed, 1),
            requests=len(everything) + sum(tally.errors.values()),
            errors=sum(tally.errors.values()),
            error_kinds=dict(tally.why),
            per_second=round(len(everything) / elapsed, 1),
            p50_ms={k: round(statistics.median(v), 1) for k, v in kinds.items() if v},
            p95_ms={k: round(percentile(v, 0.95), 1) for k, v in kinds.items() if v},
            p99_ms={k: round(percentile(v, 0.99), 1) for k, v in kinds.items() if v},
            load_before=before,
            load_after=load_average(),
            server_cpu_s=used,
            client_cpu_s=client_used,
            server_cpu_ms_per_request=(
                round(1000 * used / len(everything), 1) if used is not None and everything else None
            ),
        ),
        tally,
    )


def check(owner: Engine, firm: Firm, tally: Tally) -> list[str]:
    """What is wrong with the kept answers, checked against the database directly."""
    wrong: list[str] = []
    counted = (
        "SELECT count(*) FROM shared_contact c JOIN membership m USING (space_id, account_id) "
        "WHERE c.space_id = :s AND c.org_key = :k AND m.left_at IS NULL AND m.visible "
        "AND m.sharing_level <> 'nothing'"
    )
    with owner.begin() as conn:
        conn.execute(text("SET LOCAL statement_timeout = 0"))
        for kind, _asker, answer in tally.samples:
            if kind == "who-knows":
                direct = conn.execute(
                    text(counted), {"s": firm.space_id, "k": answer["org_key"]}
                ).scalar_one()
                if direct != answer["total_contacts"]:
                    wrong.append(
                        f"who-knows {answer['org']}: {answer['total_contacts']} != {direct}"
                    )
                continue
            for path in answer["paths"]:
                steps = path["steps"]
                for a, b in itertools.pairwise(steps):
                    member, contact = (a, b) if "id" in a else (b, a)
                    if "key" not in contact:  # a member beside a member: they know each other
                        continue
                    tie = conn.execute(
                        text(
                            "SELECT 1 FROM shared_contact WHERE space_id = :s "
                            "AND account_id = :a AND key = :k"
                        ),
                        {"s": firm.space_id, "a": member["id"], "k": contact["key"]},
                    ).first()
                    if tie is None:
                        wrong.append(f"{kind}: no tie {member['id']}–{contact['key'][:8]}")
    return wrong


def first_paths(base: str, firm: Firm, workers: int) -> dict[str, float]:
    """The first path question (the snapshot's build, or its load from the cache folder),
    then a few more on new connections so that every worker holds it."""
    url = f"{base}/api/v1/spaces/{firm.slug}/path"
    started = time.perf_counter()
    answer = httpx.get(
        url,
        params={"to": firm.keys[0]},
        headers={"Authorization": f"Bearer {firm.tokens[0]}"},
        timeout=600,
    )
    answer.raise_for_status()
    build = time.perf_counter() - started
    loads = []
    for n in range(4 * workers):
        started = time.perf_counter()
        httpx.get(
            url,
            params={"to": firm.keys[n % len(firm.keys)]},
            headers={"Authorization": f"Bearer {firm.tokens[n % len(firm.tokens)]}"},
            timeout=600,
        ).raise_for_status()
        loads.append(time.perf_counter() - started)
    return {
        "build_s": round(build, 2),
        "slowest_first_answer_per_connection_s": round(max(loads), 2),
        "load_average": load_average(),
    }


def arguments(description: str, duration: float) -> argparse.ArgumentParser:
    """The options team_load and team_bench share."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", required=True, help="the team demo's database URL")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--duration", type=float, default=duration, help="the people's run, s")
    parser.add_argument("--think", type=float, default=THINK_S, help="mean think time, s")
    parser.add_argument(
        "--saturation", type=float, default=20.0, help="the closed loop's run, s (0: none)"
    )
    parser.add_argument(
        "--cache", type=Path, default=None, help="the server's snapshot folder, kept between runs"
    )
    return parser


def summary(name: str, measured: Measured) -> str:
    return (
        f"{name}: {measured.users} users, think {measured.think_s} s: {measured.requests} "
        f"requests, {measured.per_second}/s, {measured.errors} errors {measured.error_kinds}; "
        f"p50 {measured.p50_ms} ms; "
        f"p95 {measured.p95_ms} ms; load average {measured.load_before} → {measured.load_after}; "
        f"server CPU {measured.server_cpu_ms_per_request} ms a request ({measured.server_cpu_s} s; "
        f"the users' own {measured.client_cpu_s} s)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__.splitlines()[0], 60.0)
    parser.add_argument("--p95-who-knows-ms", type=float, default=250.0)
    parser.add_argument("--p95-path-ms", type=float, default=500.0)
    parser.add_argument("--max-error-rate", type=float, default=0.001)
    parser.add_argument("--out", type=Path, default=Path("bench-results/team-load.json"))
    args = parser.parse_args(argv)
    owner = db.connect(args.db, as_app=False)
    firm = prepare(owner, args.users)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    saturation = None
    with tempfile.TemporaryDirectory(prefix="team-load-") as cache:
        server = serve(args.db, port, args.workers, args.cache or Path(cache))
        try:
            wait_until_up(base, server)
            first_paths(base, firm, args.workers)
            measured, tally = asyncio.run(
                run_load(base, firm, args.users, args.duration, args.think, server=server.pid)
            )
            if args.saturation:
                saturation, _ = asyncio.run(
                    run_load(
                        base, firm, args.users, args.saturation, 0.0, seed=18, server=server.pid
                    )
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
    wrong = check(owner, firm, tally)
    owner.dispose()
    failures = list(wrong[:5])
    p95 = measured.p95_ms
    if p95.get("who-knows", 0) > args.p95_who_knows_ms:
        failures.append(f"who-knows p95 {p95['who-knows']} ms > {args.p95_who_knows_ms} ms")
    if p95.get("path", 0) > args.p95_path_ms:
        failures.append(f"path p95 {p95['path']} ms > {args.p95_path_ms} ms")
    for run in (measured, saturation):
        if run is not None and run.errors > args.max_error_rate * max(1, run.requests):
            failures.append(f"{run.errors} of {run.requests} requests failed (think {run.think_s})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    result = {
        "people": asdict(measured),
        "saturation": asdict(saturation) if saturation else None,
        "failures": failures,
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(summary("people", measured))
    if saturation is not None:
        print(summary("closed loop (saturation)", saturation))
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
