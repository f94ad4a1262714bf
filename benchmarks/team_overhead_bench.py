"""What a question costs the team server outside the path search: server CPU per request.

Not a test (`make team-overhead`, after `make team-demo`). It starts `whoknows team serve
--workers 1` on the team demo's database, once per source tree given (--src, repeatable:
e.g. a checkout of the code before a change and the code after it), and asks questions one
at a time over HTTP (keep-alive, one client): who-knows about a fixed list of organizations,
path to a fixed list of contact keys. After the warm-up every path question's search is the
snapshot's kept answer (`Pooled.searched`), so what is measured is everything around the
search: auth, the rate-limit hit and audit row, the database round trips, serialization,
HTTP. Rounds alternate between the servers (the machine is shared); each round asks --n
questions of each kind and reads the server's CPU time from /proc before and after. The
medians over the rounds are printed and written to --out (JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from team_load import (
    QUESTIONS_PER_MINUTE,
    free_port,
    load_average,
    prepare,
    server_cpu,
    wait_until_up,
)

from whoknows.teamserver import db

KINDS = ("who-knows", "path-key")


def start(url: str, src: Path, cache: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(src),
        "WHOKNOWS_TEAM_CACHE": str(cache),
        "WHOKNOWS_TEAM_QUESTIONS_PER_MINUTE": QUESTIONS_PER_MINUTE,
    }
    command = [sys.executable, "-m", "whoknows", "team", "serve", "--db", url]
    command += ["--port", str(port), "--workers", "1", "--pool", "4"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    return server, f"http://127.0.0.1:{port}"


def batch(client: httpx.Client, slug: str, token: str, kind: str, values: list[str]) -> None:
    url = f"/api/v1/spaces/{slug}/" + ("who-knows" if kind == "who-knows" else "path")
    name = "org" if kind == "who-knows" else "to"
    headers = {"Authorization": f"Bearer {token}"}
    for value in values:
        client.get(url, params={name: value}, headers=headers).raise_for_status()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="the team demo's database URL")
    parser.add_argument(
        "--src", type=Path, action="append", required=True, help="a source tree (its src/)"
    )
    parser.add_argument("--n", type=int, default=100, help="questions of each kind a round")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--cache", type=Path, default=None, help="the snapshot folder, kept (default: a new one)"
    )
    parser.add_argument("--out", type=Path, default=Path("bench-results/team-overhead.json"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="team-overhead-") as folder:
        return measure(args, args.cache or Path(folder))


def measure(args: argparse.Namespace, cache: Path) -> int:
    owner = db.connect(args.db, as_app=False)
    firm = prepare(owner, 4)
    orgs, keys = firm.orgs[: args.n], firm.keys[: args.n]
    token = firm.tokens[0]
    servers = [start(args.db, src.resolve(), cache) for src in args.src]
    cpu: dict[tuple[int, str], list[float]] = {}
    wall: dict[tuple[int, str], list[float]] = {}
    try:
        clients = []
        for server, base in servers:
            wait_until_up(base, server)
            client = httpx.Client(base_url=base, timeout=600)
            clients.append(client)
            for kind, values in (("who-knows", orgs), ("path-key", keys)):
                batch(client, firm.slug, token, kind, values)  # warm: snapshot, kept answers
        for n in range(args.rounds):
            order = list(range(len(servers)))
            if n % 2:
                order.reverse()
            for i in order:
                pid = servers[i][0].pid
                for kind, values in (("who-knows", orgs), ("path-key", keys)):
                    used, started = server_cpu(pid), time.perf_counter()
                    batch(clients[i], firm.slug, token, kind, values)
                    took, after = time.perf_counter() - started, server_cpu(pid)
                    if used is None or after is None:
                        raise SystemExit("no /proc: this benchmark reads CPU time from it")
                    cpu.setdefault((i, kind), []).append((after - used) * 1000 / len(values))
                    wall.setdefault((i, kind), []).append(took * 1000 / len(values))
        for client in clients:
            client.close()
    finally:
        for server, _ in servers:
            server.terminate()
            server.wait(30)
    results = []
    for i, src in enumerate(args.src):
        for kind in KINDS:
            found = {
                "src": str(src),
                "kind": kind,
                "server_cpu_ms": round(statistics.median(cpu[i, kind]), 2),
                "wall_ms": round(statistics.median(wall[i, kind]), 2),
                "cpu_rounds": [round(v, 2) for v in cpu[i, kind]],
            }
            results.append(found)
            print(
                f"{src}: {kind}: server CPU {found['server_cpu_ms']} ms a question, "
                f"{found['wall_ms']} ms end to end (medians of {args.rounds} rounds of {args.n})"
            )
    print(f"load average {load_average()}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"results": results, "load_average": load_average()}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
