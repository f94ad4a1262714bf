"""Graph benchmarks (not tests): the queries against peers answering the same question, every
answer checked, and the whole `whoknows` processes a user waits for.

    python benchmarks/graph_bench.py [--sizes small,medium,large] [--out FILE] [--runs N]

For each size, on the demo network in bench-results/dbs/SIZE.db (built once, then reused):

1. The snapshot: built from SQLite, and loaded from its files.
2. Queries in this process, on the loaded snapshot: top-5 warm paths (distinct advocates, at
   most 4 hops) to a person, to an organization and to all ideal clients, and the advocate
   ranking; then the same questions answered by scipy and NetworkX on the same CSR
   (benchmarks/peers.py says how), NetworkX only where it finishes (`--nx-runs`).
3. Answers checked: on random targets (people and organizations) and the ideal clients, the
   strengths of whoknows', scipy's and NetworkX's paths against an exhaustive hop-limited
   reference, and each path walked tie by tie; on small networks the reference itself against
   an enumeration of every simple path. The advocate scores of the three agree.
4. Whole processes (median of `--cli-runs`, after a warm-up run of each): `python -c pass`,
   `python -c "import typer, pydantic, rich.console, sqlalchemy.orm, numpy"` (the libraries a
   graph command imported through the ORM) and `python -c "import typer, rich.console, numpy,
   sqlite3"` (what one answered from the snapshot with plain SQL stands on) as same-run
   baselines, then `whoknows --help`,
   `path "#id"`, `advocates`, `due`, `person list`; wall and CPU time and peak memory of each.
5. A write and then the graph: on a copy of the database, the first `path` with no snapshot on
   disk (a full build), then `log` followed by `path`, the first graph command after a write.

Prints tables and writes everything as JSON to FILE.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import math
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import peers

from whoknows.config import load_settings
from whoknows.core import paths
from whoknows.core.advocates import Signals, profile_reach, rank_advocates
from whoknows.core.icp import match_mask
from whoknows.demo import build as demo
from whoknows.services import icp, snapshot
from whoknows.services.store import Store

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
TODAY = dt.date(2026, 11, 22)
HOPS, TOP = paths.DEFAULT_MAX_HOPS, paths.DEFAULT_TOP
WHOKNOWS = str(Path(sys.executable).with_name("whoknows"))
LIBRARIES = ("typer", "pydantic", "rich.console", "sqlalchemy.orm", "numpy")
# What a graph command answered from the snapshot stands on since it reads with plain SQL.
PLAIN_LIBRARIES = ("typer", "rich.console", "numpy", "sqlite3")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    result = None
    times = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "median_ms": round(statistics.median(ordered), 3),
        "p95_ms": round(p95, 3),
        "runs": len(ordered),
    }


def open_demo(size: str) -> Store:
    folder = RESULTS / "dbs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{size}.db"
    store = Store(load_settings(str(path)))
    if icp.get_profile(store).is_empty():
        store.close()
        for stale in folder.glob(f"{size}.db*"):
            stale.unlink()
        store = Store(load_settings(str(path)))
        started = time.perf_counter()
        built = demo.build_demo(store, size, seed=7, today=TODAY)
        print(
            f"  built {size}: {built.people} people, {built.ties} ties "
            f"in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    return store


# --- 1-3: the snapshot, the queries, the peers, the answers ------------------------------


def targets_of(store: Store, snap: snapshot.Snapshot, count: int) -> tuple[Any, Any]:
    """My ideal clients (a mask, me left out) and COUNT of them at random (the same each run)."""
    assert snap.me is not None
    mask = match_mask(icp.get_profile(store), snap.attributes)
    mask[snap.me] = False
    icp_nodes = np.flatnonzero(mask)
    rng = np.random.default_rng(1)
    return mask, rng.choice(icp_nodes, size=min(count, len(icp_nodes)), replace=False)


def bench_queries(store: Store, size: str, runs: int, nx_runs: int, checks: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    build_times, snap = timed(lambda: snapshot.build_snapshot(store, day=TODAY), max(3, runs // 2))
    results["snapshot_build"] = summary(build_times)
    snapshot.load_snapshot(store, today=TODAY)  # written to the data folder's cache

    def load() -> object:
        store.cache.clear()
        return snapshot.load_snapshot(store, today=TODAY)

    results["snapshot_load"] = summary(timed(load, runs)[0])
    g = snap.graph
    results["graph"] = {
        "nodes": g.num_nodes,
        "ties": g.num_ties,
        "mb": round(sum(a.nbytes for a in g.to_arrays().values()) / 2**20, 1),
    }
    if g.num_ties > 2_000_000:  # large: NetworkX takes a minute a question, a check seconds
        nx_runs, checks = 1, min(checks, 20)
    me = snap.me
    assert me is not None
    mask, people = targets_of(store, snap, max(runs * 4, checks))
    icp_nodes = np.flatnonzero(mask)
    org_of = snap.organization[people]
    orgs = [np.flatnonzero(snap.organization == o) for o in org_of[org_of >= 0]]
    questions: dict[str, list[Any]] = {
        "person_path_top5": [np.array([p]) for p in people],
        "org_path_top5": orgs,
        "icp_path_top5": [icp_nodes],
    }
    results["targets"] = {"path_person_id": int(g.node_ids[people[0]])}
    cold, client_reach = timed(lambda: profile_reach(g, mask), runs)
    results["profile_reach_cold"] = summary(cold)
    signals = Signals(
        icp=mask, sphere=np.zeros(g.num_nodes), trust=snap.trust, client_reach=client_reach
    )

    def cycle(items: list[Any]) -> Callable[[], Any]:
        it = iter(items * (runs * 4 // max(1, len(items)) + 1))
        return lambda: next(it)

    # whoknows, in this process
    for name, targets in questions.items():
        nxt = cycle(targets)
        times, _ = timed(lambda n=nxt: paths.top_paths(g, me, n(), max_hops=HOPS, k=TOP), runs * 4)
        results[name] = summary(times)
        print(f"  {name}: {results[name]}", flush=True)
    times, ranked = timed(lambda: rank_advocates(g, me, signals, top=10), runs * 4)
    results["advocate_ranking"] = summary(times)
    print(f"  advocate_ranking: {results['advocate_ranking']}", flush=True)

    # scipy on the same arrays
    a = peers.csr_matrix(g)
    for name, targets in questions.items():
        nxt = cycle(targets)
        times, _ = timed(lambda n=nxt: peers.scipy_top(a, me, n(), HOPS, TOP), runs)
        results[name]["scipy"] = summary(times)
    times, by_scipy = timed(lambda: peers.scipy_advocates(a, me, mask, snap.trust, 10), runs)
    results["advocate_ranking"]["scipy"] = summary(times)
    print("  scipy: " + _ratios(results, "scipy"), flush=True)

    # NetworkX on the same ties
    started = time.perf_counter()
    graph = peers.nx_graph(g)
    results["networkx_build_s"] = round(time.perf_counter() - started, 1)
    for name, targets in questions.items():
        nxt = cycle([t.tolist() for t in targets])
        times, _ = timed(lambda n=nxt: peers.nx_top(graph, me, n(), HOPS, TOP), nx_runs)
        results[name]["networkx"] = summary(times)
        print(f"  networkx {name}: {results[name]['networkx']}", flush=True)
    icp_set = set(icp_nodes.tolist())
    times, by_nx = timed(lambda: peers.nx_advocates(graph, me, icp_set, snap.trust, 10), nx_runs)
    results["advocate_ranking"]["networkx"] = summary(times)
    print("  networkx: " + _ratios(results, "networkx"), flush=True)

    # every answer checked against the reference
    results["checked"] = check_answers(
        g, me, questions, checks, a, graph, enumerate_too=g.num_nodes <= 5_000
    )
    mine = [(r.node, r.score) for r in ranked]
    problems = {
        who: peers.check_advocates(got, mine) for who, got in (("scipy", by_scipy), ("nx", by_nx))
    }
    results["checked"]["advocates"] = {who: p or "ok" for who, p in problems.items()}
    print(f"  checked: {results['checked']}", flush=True)
    graph.clear()  # free the NetworkX graph before the next size
    results["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return results


def check_answers(
    g: Any,
    me: int,
    questions: dict[str, list[Any]],
    checks: int,
    a: Any,
    graph: Any,
    *,
    enumerate_too: bool,
) -> dict[str, Any]:
    """Each answerer's paths against the reference on CHECKS targets per kind (NetworkX on a
    fifth of them: it is the slow one)."""
    count: dict[str, int] = {"targets": 0, "whoknows": 0, "scipy": 0, "networkx": 0}
    failures: list[str] = []
    for kind, targets in questions.items():
        for number, target in enumerate(targets[:checks]):
            _, score = peers.reference_scores(g, me, target, HOPS)
            expected = sorted(score[score > 0].tolist(), reverse=True)[:TOP]
            count["targets"] += 1
            if enumerate_too:
                listed = peers.enumerate_top(g, me, target, HOPS, TOP)
                if not np.allclose(listed, expected, rtol=1e-9):
                    failures.append(
                        f"reference {kind} #{number}: {expected} != every path {listed}"
                    )
            found = paths.top_paths(g, me, target, max_hops=HOPS, k=TOP)
            answers = {
                "whoknows": peers.Answer([p.nodes for p in found], [p.strength for p in found]),
                "scipy": peers.scipy_top(a, me, target, HOPS, TOP),
            }
            if number < max(1, checks // 5):
                answers["networkx"] = peers.nx_top(graph, me, target.tolist(), HOPS, TOP)
            for who, answer in answers.items():
                problem = peers.check(g, me, target, HOPS, TOP, answer, expected)
                if problem:
                    failures.append(f"{who} {kind} #{number}: {problem}")
                else:
                    count[who] += 1
    return {**count, "failures": failures}


def _ratios(results: dict[str, Any], peer: str) -> str:
    names = ("person_path_top5", "org_path_top5", "icp_path_top5", "advocate_ranking")
    said = []
    for name in names:
        ours = results[name]["median_ms"]
        if name == "advocate_ranking":  # the peers count the reach pass whoknows keeps cached
            ours += results["profile_reach_cold"]["median_ms"]
        ratio = results[name][peer]["median_ms"] / max(ours, 1e-6)
        results[name][f"{peer}_ratio"] = round(ratio, 1)
        said.append(f"{name} {results[name][peer]['median_ms']} ms ({ratio:.1f}×)")
    return ", ".join(said)


# --- 4-5: whole processes -----------------------------------------------------------------


# Spawned by a small Python of its own: a child forked from this process would report this
# process's peak memory (Linux keeps the high-water mark across fork and exec).
_SPAWN = """
import json, os, sys, time
started = time.perf_counter()
out = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=out)
_, status, usage = os.wait4(pid, 0)
print(json.dumps({
    "wall_s": time.perf_counter() - started,
    "cpu_s": usage.ru_utime + usage.ru_stime,
    "rss_mb": usage.ru_maxrss / 1024,
    "code": os.waitstatus_to_exitcode(status),
}))
"""


def run_once(args: list[str], env: dict[str, str]) -> dict[str, float]:
    """One process: wall and CPU seconds (children included) and peak RSS in MB."""
    done = subprocess.run(
        [sys.executable, "-c", _SPAWN, *args], env=env, capture_output=True, text=True, check=False
    )
    found = json.loads(done.stdout) if done.stdout.strip() else {"code": done.returncode}
    if found.pop("code"):
        raise RuntimeError(f"{args}: {done.stderr[-400:]}")
    return {key: float(value) for key, value in found.items()}


def medians(samples: list[dict[str, float]]) -> dict[str, float]:
    return {
        key: round(statistics.median(s[key] for s in samples), 3)
        for key in ("wall_s", "cpu_s", "rss_mb")
    } | {"runs": len(samples)}


def cli_env() -> dict[str, str]:
    """The user's environment with data and config folders of the benchmark's own. Python
    writes and reuses bytecode as it does for a user (a session that set
    PYTHONDONTWRITEBYTECODE would compile whoknows' sources in every process: +0.2 s)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["WHOKNOWS_DATA_DIR"] = str(RESULTS / "cli-data")
    env["WHOKNOWS_CONFIG_DIR"] = str(RESULTS / "cli-config")
    env.pop("WHOKNOWS_DATABASE_URL", None)
    return env


def bench_cli(db: Path, person_id: int, runs: int) -> dict[str, Any]:
    env = cli_env()
    on = [WHOKNOWS, "--db", str(db)]
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        # the floor a database command stands on: its libraries, imported and nothing done
        "libraries only": [sys.executable, "-c", f"import {', '.join(LIBRARIES)}"],
        "plain libraries only": [sys.executable, "-c", f"import {', '.join(PLAIN_LIBRARIES)}"],
        "--help": [WHOKNOWS, "--help"],
        "path": [*on, "path", f"#{person_id}"],
        "advocates": [*on, "advocates"],
        "due": [*on, "due"],
        "person list": [*on, "person", "list"],
    }
    for args in commands.values():
        run_once(args, env)  # warm-up: the snapshot on disk, the files in the page cache
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
    for _ in range(runs):  # round robin: noise falls on every command alike
        for name, args in commands.items():
            samples[name].append(run_once(args, env))
    found = {name: medians(s) for name, s in samples.items()}
    for name, m in found.items():
        print(f"  cli {name}: {m}", flush=True)
    return found


def load_average() -> list[float]:
    """The machine's 1, 5 and 15 minute load averages: what the timings shared it with."""
    return [round(x, 2) for x in os.getloadavg()]


def bench_after_write(db: Path, person_id: int, runs: int) -> dict[str, Any]:
    """On a copy of DB: the first path with no snapshot on disk, then RUNS × (log, path)."""
    env = cli_env()
    copy = RESULTS / "dbs" / f"{db.stem}-writes.db"
    for stale in copy.parent.glob(f"{copy.name}*"):
        stale.unlink()
    with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    on = [WHOKNOWS, "--db", str(copy)]
    path = [*on, "path", f"#{person_id}"]
    first = {key: round(value, 3) for key, value in run_once(path, env).items()}
    found: dict[str, Any] = {"first path, no snapshot on disk": first | {"runs": 1}}
    logs, after = [], []
    for number in range(runs):
        logs.append(run_once([*on, "log", "message", f"#{person_id}", "--note", str(number)], env))
        after.append(run_once(path, env))
    found["log"] = medians(logs)
    found["first path after a log"] = medians(after)
    for name, m in found.items():
        print(f"  {name}: {m}", flush=True)
    for stale in copy.parent.glob(f"{copy.name}*"):
        stale.unlink()
    return found


# --- the whole run --------------------------------------------------------------------------


def bench(size: str, args: argparse.Namespace) -> dict[str, Any]:
    print(f"== {size}", flush=True)
    store = open_demo(size)
    db = Path(store.settings.database_url.removeprefix("sqlite:///"))
    results: dict[str, Any] = {"size": size}
    if not args.no_queries:
        results |= bench_queries(store, size, args.runs, args.nx_runs, args.checks)
        person_id = results["targets"]["path_person_id"]
    else:
        snap = snapshot.load_snapshot(store, today=TODAY)
        _, people = targets_of(store, snap, args.runs * 4)  # the queries' first target
        person_id = int(snap.graph.node_ids[people[0]])
    store.close()
    results["load_before"] = load_average()
    results["cli"] = bench_cli(db, person_id, args.cli_runs)
    results["after_write"] = bench_after_write(db, person_id, max(3, args.cli_runs // 2))
    results["load_after"] = load_average()
    print(f"  load average {results['load_before']} → {results['load_after']}", flush=True)
    return results


def table(all_results: list[dict[str, Any]]) -> str:
    lines = [
        "| size | query | whoknows median ms | p95 ms | scipy ms | × | NetworkX ms | × |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in all_results:
        if "snapshot_build" not in r:
            continue
        for name in ("snapshot_build", "snapshot_load", "profile_reach_cold"):
            q = r[name]
            lines.append(f"| {r['size']} | {name} | {q['median_ms']} | {q['p95_ms']} | | | | |")
        for name in ("person_path_top5", "org_path_top5", "icp_path_top5", "advocate_ranking"):
            q = r[name]
            lines.append(
                f"| {r['size']} | {name} | {q['median_ms']} | {q['p95_ms']} | "
                f"{q['scipy']['median_ms']} | {q['scipy_ratio']}× | "
                f"{q['networkx']['median_ms']} | {q['networkx_ratio']}× |"
            )
    lines += [
        "",
        "| size | process | wall median s | CPU median s | peak MB |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for r in all_results:
        for name, m in {**r["cli"], **r["after_write"]}.items():
            lines.append(
                f"| {r['size']} | {name} | {m['wall_s']} | {m['cpu_s']} | {round(m['rss_mb'])} |"
            )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="small,medium", help="comma-separated demo sizes")
    parser.add_argument("--out", type=Path, default=RESULTS / "graph.json")
    parser.add_argument("--runs", type=int, default=5, help="runs per query (×4 for whoknows)")
    parser.add_argument("--nx-runs", type=int, default=3, help="NetworkX runs per question")
    parser.add_argument("--checks", type=int, default=50, help="targets checked per kind")
    parser.add_argument("--cli-runs", type=int, default=7, help="runs per whole process")
    parser.add_argument("--no-queries", action="store_true", help="whole processes only")
    args = parser.parse_args()
    all_results = []
    for size in args.sizes.split(","):
        all_results.append(bench(size, args))
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(all_results, indent=2), encoding="utf-8")
    print(table(all_results))
    for r in all_results:
        if "graph" in r:
            print(
                f"{r['size']}: graph {r['graph']}, NetworkX build {r['networkx_build_s']} s, "
                f"checked {r['checked']}, peak RSS {r['peak_rss_mb']} MB"
            )
    failed = [r["size"] for r in all_results if r.get("checked", {}).get("failures")]
    for r in all_results:
        if r.get("checked", {}).get("advocates", {}) and any(
            v != "ok" for v in r["checked"]["advocates"].values()
        ):
            failed.append(f"{r['size']} advocates")
    if failed:
        print(f"WRONG ANSWERS: {failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
