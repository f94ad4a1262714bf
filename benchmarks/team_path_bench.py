"""The team path question's search alone, in-process: the table of joins against core's search.

Not a test (after `make team-demo`). Loads (or builds, into --cache) the firm's snapshot,
reads --questions path questions as team_load asks them (half to a person's key, half to
`org:NAME`; the targets read with reach.ask_path in a transaction that is rolled back), and
times, alternating on each question, in CPU time (process_time: what other load changes
least):

- before: the search as it was, core.paths.top_paths (core/paths.py and core/pathsearch.py
  as they are at git --baseline) on the whole graph: to a person from the person back to the
  asker (k = 5), to an organization from the asker (k = 8, one per first hop) and then one
  path per colleague who is the way in;
- after: `reach.search` now (teamserver/between.py: the table of joins between members).

Checked on every question: to a person the strengths must be equal; to an organization the
answer (the strongest path through each colleague, the best 8) must be at least as strong,
place by place, as the colleagues the search before found, and as long. Results go to --out
(JSON) and docs/benchmarks.md quotes them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine
from team_load import Firm, prepare, question

from whoknows.teamserver import db, reach, snapshot, snapshots

ROOT = Path(__file__).resolve().parent.parent


def baseline_search(ref: str) -> Any:
    """top_paths as core had it at git REF (one module then, or paths.py beside pathsearch.py)."""

    def source(path: str) -> str | None:
        found = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{ref}:src/whoknows/core/{path}"],
            capture_output=True,
            text=True,
        )
        return found.stdout if found.returncode == 0 else None

    engine = source("pathsearch.py")
    if engine is not None:
        module = types.ModuleType("whoknows.core.pathsearch_before")
        sys.modules[module.__name__] = module  # dataclasses look their module up
        exec(compile(engine, "pathsearch_before.py", "exec"), module.__dict__)
    paths = source("paths.py")
    if paths is None:
        raise SystemExit(f"no core/paths.py at {ref}")
    paths = paths.replace(
        "whoknows.core.pathsearch import", "whoknows.core.pathsearch_before import"
    )
    module = types.ModuleType("paths_before")
    sys.modules[module.__name__] = module
    exec(compile(paths, "paths_before.py", "exec"), module.__dict__)
    return module.top_paths


def before(pooled: snapshot.Pooled, account: int, asked: reach.PathAsked, top_paths: Any) -> Any:
    """The search as it was: core's top_paths on the whole graph, then one per colleague."""
    wanted = pooled.nodes_of_keys(asked.targets)
    me = pooled.node_of_account(account)
    if me is None:
        return []
    if asked.kind == "org":
        wanted = wanted[~np.isin(wanted, pooled.graph.neighbors(me)[0])]
    wanted = wanted[wanted != me]
    if not len(wanted):
        return []
    if len(wanted) == 1:
        back = top_paths(pooled.graph, int(wanted[0]), np.array([me]), max_hops=4, k=5)
        chains = [snapshot.Chain(tuple(reversed(c.nodes)), c.strength) for c in back]
    else:
        chains = top_paths(pooled.graph, me, wanted, max_hops=4, k=reach.PATHS_SEARCHED)
    return reach._one_per_colleague(pooled, account, chains)


def after(pooled: snapshot.Pooled) -> Any:
    return lambda account, asked: reach.search(pooled, account, asked)


def questions(
    owner: Engine, firm: Firm, count: int, seed: int
) -> list[tuple[int, reach.PathAsked]]:
    rng = random.Random(seed)
    asked = []
    with owner.connect() as conn, conn.begin() as outer:
        while len(asked) < count:
            kind, _, params = question(firm, rng)
            if kind == "who-knows":
                continue
            account = firm.askers[rng.randrange(len(firm.askers))]
            db.set_tenant(conn, space_id=firm.space_id, account_id=account)
            asked.append((account, reach.ask_path(conn, firm.space_id, account, params["to"])))
        outer.rollback()  # nothing counted, nothing audited
    return asked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", default="postgresql+psycopg://postgres@127.0.0.1:5432/whoknows_team_demo"
    )
    parser.add_argument("--cache", type=Path, default=Path("/tmp/whoknows-team-path-bench"))
    parser.add_argument("--baseline", default="HEAD~1", help="git ref of the search to compare")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    owner = db.connect(args.db, as_app=False)
    reach.QUESTION_LIMIT = (10**9, 60)  # a load run just before may have used the minute's
    firm = prepare(owner, 100)
    pooled = snapshots.Snapshots(owner, args.cache).build(firm.space_id)
    asked = questions(owner, firm, args.questions, args.seed)
    top_paths = baseline_search(args.baseline)
    pooled.table  # counted once, as a snapshot's build does  # noqa: B018
    sides = {"before": lambda a, q: before(pooled, a, q, top_paths), "after": after(pooled)}
    times: dict[str, dict[str, list[float]]] = {s: {"key": [], "org": []} for s in sides}
    different = 0
    load_before = os.getloadavg()[0]
    for account, one in asked:
        strengths = []
        for side, search in sides.items():
            started = time.process_time()
            found = search(account, one)
            times[side][one.kind].append((time.process_time() - started) * 1000)
            pooled.searched.clear()  # the same question again is searched again
            strengths.append([round(c.strength, 9) for c in found])
        old, new = strengths
        if one.kind == "key":
            different += old != new
        else:
            different += len(new) < len(old) or any(n < o for n, o in zip(new, old, strict=False))
    result: dict[str, Any] = {
        "questions": len(asked),
        "baseline": args.baseline,
        "different_answers": different,
        "load_average": [load_before, os.getloadavg()[0]],
    }
    for side, kinds in times.items():
        for kind, spent in kinds.items():
            spent.sort()
            result[f"{side} {kind} ms"] = {
                "n": len(spent),
                "p50": round(statistics.median(spent), 1),
                "p95": round(spent[int(0.95 * len(spent))], 1),
                "max": round(spent[-1], 1),
            }
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 1 if different else 0


if __name__ == "__main__":
    raise SystemExit(main())
