"""Graph benchmarks (not tests): snapshot build/load, paths and advocate ranking vs NetworkX.

    python benchmarks/graph_bench.py [--sizes small,medium,large] [--out FILE] [--runs N]

Builds each demo network once into bench-results/dbs/<size>.db (reused when present), then
times, after the snapshot is loaded: person path, org path, ICP path and advocate ranking
(whoknows core), and the same questions answered with NetworkX in the same run as the
baseline. Prints a table (median, p95, ratio to NetworkX, peak RSS) and writes JSON to FILE.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import math
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from whoknows.config import load_settings
from whoknows.core import paths
from whoknows.core.advocates import Signals, profile_reach, rank_advocates
from whoknows.core.icp import match_mask
from whoknows.services import demo, icp, snapshot
from whoknows.services.store import Store

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 22)


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
    folder = ROOT / "bench-results" / "dbs"
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


def nx_graph(snap: snapshot.Snapshot) -> nx.Graph:
    g = snap.graph
    rows = np.repeat(np.arange(g.num_nodes), np.diff(g.indptr))
    upper = rows < g.indices
    graph = nx.Graph()
    graph.add_nodes_from(range(g.num_nodes))
    cost = -np.log(g.strength[upper].astype(np.float64))
    graph.add_weighted_edges_from(
        zip(rows[upper].tolist(), g.indices[upper].tolist(), cost.tolist(), strict=True)
    )
    return graph


def nx_best_path(graph: nx.Graph, me: int, targets: list[int]) -> float:
    """What a NetworkX user writes: Dijkstra on -log strength (no hop limit, one path)."""
    lengths = nx.multi_source_dijkstra_path_length(graph, set(targets), weight="weight")
    return math.exp(-lengths[me]) if me in lengths else 0.0


def nx_advocates(graph: nx.Graph, me: int, icp_nodes: set[int]) -> list[tuple[float, int]]:
    """Reach into the ICP one and two hops beyond each of my contacts, in plain NetworkX."""
    scores = []
    for contact in graph.adj[me]:
        direct = indirect = 0.0
        for peer, data in graph.adj[contact].items():
            if peer == me:
                continue
            s = math.exp(-data["weight"])
            if peer in icp_nodes:
                direct += s
            for far, far_data in graph.adj[peer].items():
                if far in icp_nodes:
                    indirect += s * math.exp(-far_data["weight"])
        scores.append((direct + 0.3 * indirect, contact))
    scores.sort(reverse=True)
    return scores


def bench(size: str, runs: int, nx_limit: int) -> dict[str, Any]:
    print(f"== {size}", flush=True)
    store = open_demo(size)
    results: dict[str, Any] = {"size": size}
    build_times, snap = timed(lambda: snapshot.build_snapshot(store, day=TODAY), max(3, runs // 2))
    results["snapshot_build"] = summary(build_times)
    snapshot.load_snapshot(store, today=TODAY)  # written to the data folder's cache

    def load() -> object:
        store.cache.clear()
        return snapshot.load_snapshot(store, today=TODAY)

    load_times, _ = timed(load, runs)
    results["snapshot_load"] = summary(load_times)
    g = snap.graph
    results["graph"] = {
        "nodes": g.num_nodes,
        "ties": g.num_ties,
        "mb": round(sum(a.nbytes for a in g.to_arrays().values()) / 2**20, 1),
    }
    me = snap.me
    assert me is not None
    profile = icp.get_profile(store)
    mask = match_mask(profile, snap.attributes)
    mask[me] = False
    icp_nodes = np.flatnonzero(mask)
    rng = np.random.default_rng(1)
    # person targets: ideal clients and people two or three hops out
    person_targets = rng.choice(icp_nodes, size=min(runs * 4, len(icp_nodes)), replace=False)
    org_ids = snap.organization[person_targets]
    orgs = [np.flatnonzero(snap.organization == o) for o in org_ids[org_ids >= 0][:runs]]
    cold_times, client_reach = timed(lambda: profile_reach(g, mask), runs)
    results["profile_reach_cold"] = summary(cold_times)
    signals = Signals(
        icp=mask, sphere=np.zeros(g.num_nodes), trust=snap.trust, client_reach=client_reach
    )
    targets_iter = iter(np.tile(person_targets, 50))
    orgs_iter = iter(orgs * 50)

    queries: dict[str, Callable[[], Any]] = {
        "person_path_top5": lambda: paths.top_paths(g, me, int(next(targets_iter)), k=5),
        "org_path_top5": lambda: paths.top_paths(g, me, next(orgs_iter), k=5),
        "icp_path_top5": lambda: paths.top_paths(g, me, icp_nodes, k=5),
        "advocate_ranking": lambda: rank_advocates(g, me, signals, top=10),
    }
    for name, query in queries.items():
        times, _ = timed(query, runs * 4)
        results[name] = summary(times)
        print(f"  {name}: {results[name]}", flush=True)

    started = time.perf_counter()
    graph = nx_graph(snap)
    results["networkx_build_s"] = round(time.perf_counter() - started, 1)
    nx_runs = max(1, min(runs, nx_limit))
    targets_iter = iter(np.tile(person_targets, 50))
    orgs_iter = iter(orgs * 50)
    icp_set = set(icp_nodes.tolist())
    baseline: dict[str, Callable[[], Any]] = {
        "person_path_top5": lambda: nx_best_path(graph, me, [int(next(targets_iter))]),
        "org_path_top5": lambda: nx_best_path(graph, me, next(orgs_iter).tolist()),
        "icp_path_top5": lambda: nx_best_path(graph, me, icp_nodes.tolist()),
        "advocate_ranking": lambda: nx_advocates(graph, me, icp_set),
    }
    for name, query in baseline.items():
        times, _ = timed(query, nx_runs)
        results[name]["networkx"] = summary(times)
        results[name]["speedup"] = round(
            results[name]["networkx"]["median_ms"] / max(results[name]["median_ms"], 1e-6), 1
        )
        print(f"  networkx {name}: {results[name]['networkx']}", flush=True)
    graph.clear()  # free the NetworkX graph before the next size
    results["peak_rss_mb"] = round(peak_rss_mb(), 1)
    store.close()
    return results


def table(all_results: list[dict[str, Any]]) -> str:
    lines = [
        "| size | query | median ms | p95 ms | NetworkX median ms | speed-up |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for r in all_results:
        for name in ("snapshot_build", "snapshot_load", "profile_reach_cold"):
            lines.append(
                f"| {r['size']} | {name} | {r[name]['median_ms']} | {r[name]['p95_ms']} | | |"
            )
        for name in ("person_path_top5", "org_path_top5", "icp_path_top5", "advocate_ranking"):
            q = r[name]
            lines.append(
                f"| {r['size']} | {name} | {q['median_ms']} | {q['p95_ms']} | "
                f"{q['networkx']['median_ms']} | {q['speedup']}× |"
            )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="small,medium", help="comma-separated demo sizes")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "graph.json")
    parser.add_argument("--runs", type=int, default=5, help="runs per query (×4 for queries)")
    parser.add_argument("--nx-runs", type=int, default=5, help="NetworkX runs per query (cap)")
    args = parser.parse_args()
    all_results = [bench(size, args.runs, args.nx_runs) for size in args.sizes.split(",")]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(all_results, indent=2), encoding="utf-8")
    print(table(all_results))
    for r in all_results:
        print(
            f"{r['size']}: graph {r['graph']}, NetworkX build {r['networkx_build_s']} s, "
            f"peak RSS {r['peak_rss_mb']} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
