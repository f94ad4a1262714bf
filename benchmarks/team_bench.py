"""Team server benchmark on the team demo: questions under load, a push, a snapshot refresh.

Not a test (`make team-bench`, after `make team-demo`). Against `whoknows team serve
--workers 4` on loopback, it measures (targets from issue 17):

- the first path question, which builds the firm's snapshot (and then every worker's first
  one, which loads it from the cache folder);
- who-knows and path p50/p95/p99 with --users members asking as people do, a think time
  between questions (team_load's model; ≤ 50 ms and ≤ 100 ms), then the closed-loop
  saturation throughput (no think time);
- a push of 5,000 contacts by a new member, as the client sends it (≤ 5 s);
- the refresh: from the push's answer until --confirm path answers in a row, each on a new
  connection (so spread over the workers), report the new graph version (≤ 2 s);
- and checks a sample of the answers against the database (team_load.check).

The machine is shared: the one-minute load average is written beside every number. Results
go to --out (JSON); docs/benchmarks.md quotes them.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import httpx
from sqlalchemy import Engine, text
from team_load import (
    Firm,
    arguments,
    check,
    first_paths,
    free_port,
    load_average,
    prepare,
    run_load,
    serve,
    summary,
    wait_until_up,
)

from whoknows.core.identity import org_key
from whoknows.teamserver import accounts, db, pool


def baselines(owner: Engine) -> dict[str, float]:
    """What the machine gives anything at this moment: a `SELECT 1` round trip to PostgreSQL
    (median of 200) and starting Python (`python -c pass`, median of 5), beside the load."""
    trips = []
    with owner.connect() as conn:
        for _ in range(200):
            started = time.perf_counter()
            conn.execute(text("SELECT 1")).scalar_one()
            trips.append(time.perf_counter() - started)
    starts = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        starts.append(time.perf_counter() - started)
    return {
        "select_1_ms": round(statistics.median(trips) * 1000, 3),
        "python_start_ms": round(statistics.median(starts) * 1000, 1),
        "load_average": load_average(),
    }


def new_member(owner: Engine, firm: Firm) -> tuple[int, str]:
    """A member made for the push (removed again at the end), and their write token."""
    with owner.begin() as conn:
        account = accounts.create(
            conn, f"bench-{secrets.token_hex(4)}@harbourpartners.test", None, name="Bench Member"
        )
        conn.execute(
            text(
                "INSERT INTO membership (space_id, account_id, role, sharing_level) "
                "VALUES (:s, :a, 'member', 'who')"
            ),
            {"s": firm.space_id, "a": account.id},
        )
        db.set_tenant(conn, space_id=firm.space_id, account_id=account.id)
        token = accounts.create_token(conn, firm.space_id, account.id, "bench", ("read", "write"))
    return account.id, token[1]


def push_and_refresh(
    base: str, owner: Engine, firm: Firm, contacts: int, confirm: int
) -> dict[str, float | int]:
    account, token = new_member(owner, firm)
    upsert = [
        {
            "key": secrets.token_hex(32),
            "role": "Director",
            "org": org,
            "org_key": org_key(org),
            "band": ("weak", "good", "strong")[n % 3],
        }
        for n, org in enumerate(firm.orgs[i % len(firm.orgs)] for i in range(contacts))
    ]
    body = {"base": None, "level": "who", "upsert": upsert, "remove": [], "complete": True}
    load = load_average()
    started = time.perf_counter()
    answer = httpx.post(
        f"{base}/api/v1/spaces/{firm.slug}/push",
        json=body,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": secrets.token_hex(8)},
        timeout=120,
    )
    pushed = time.perf_counter() - started
    answer.raise_for_status()
    with owner.begin() as conn:
        version = conn.execute(
            text("SELECT version FROM graph_version WHERE space_id = :s"), {"s": firm.space_id}
        ).scalar_one()
    # From the push's answer until CONFIRM answers in a row, each on a new connection, are at
    # the new version (a worker that answers an older one starts the count again).
    started = time.perf_counter()
    row, asked = 0, 0
    url = f"{base}/api/v1/spaces/{firm.slug}/path"
    while row < confirm and time.perf_counter() - started < 120:
        asked += 1
        seen = httpx.get(
            url,
            params={"to": upsert[0]["key"]},
            headers={"Authorization": f"Bearer {firm.tokens[asked % len(firm.tokens)]}"},
            timeout=120,
        ).json()
        row = row + 1 if seen.get("version", 0) >= version else 0
    refresh = time.perf_counter() - started
    with owner.begin() as conn:  # the bench member leaves: the demo is as it was
        db.set_tenant(conn, space_id=firm.space_id, account_id=account)
        pool.drop_member(conn, firm.space_id, account)
        conn.execute(
            text("DELETE FROM membership WHERE space_id = :s AND account_id = :a"),
            {"s": firm.space_id, "a": account},
        )
    return {
        "contacts": contacts,
        "push_s": round(pushed, 2),
        "push_load_average": load,
        "refresh_s": round(refresh, 2),
        "refresh_questions": asked,
        "refresh_load_average": load_average(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__.splitlines()[0], 30.0)
    parser.add_argument("--push", type=int, default=5000, help="contacts in the push")
    parser.add_argument("--confirm", type=int, default=12, help="answers in a row, new version")
    parser.add_argument("--out", type=Path, default=Path("bench-results/team.json"))
    args = parser.parse_args(argv)
    owner = db.connect(args.db, as_app=False)
    with owner.begin() as conn:
        conn.execute(text("SET LOCAL statement_timeout = 0"))
        size = conn.execute(
            text(
                "SELECT count(*), count(DISTINCT key) FROM shared_contact WHERE space_id = "
                "(SELECT id FROM space WHERE slug = 'demo-firm')"
            )
        ).one()
    firm = prepare(owner, args.users)
    before = baselines(owner)
    print(f"baselines: {before}", flush=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    results: dict[str, object] = {
        "ties": size[0],
        "people": size[1],
        "users": args.users,
        "workers": args.workers,
    }
    with tempfile.TemporaryDirectory(prefix="team-bench-") as temporary:
        server = serve(args.db, port, args.workers, args.cache or Path(temporary))
        try:
            wait_until_up(base, server)
            results["snapshot"] = first_paths(base, firm, args.workers)
            measured, tally = asyncio.run(
                run_load(base, firm, args.users, args.duration, args.think, server=server.pid)
            )
            results["questions"] = asdict(measured)
            print(summary("people", measured), flush=True)
            if args.saturation:
                saturation, _ = asyncio.run(
                    run_load(
                        base, firm, args.users, args.saturation, 0.0, seed=18, server=server.pid
                    )
                )
                results["saturation"] = asdict(saturation)
                print(summary("closed loop (saturation)", saturation), flush=True)
            results["push"] = push_and_refresh(base, owner, firm, args.push, args.confirm)
        finally:
            server.terminate()
            server.wait(timeout=30)
    results["baselines"] = {"before": before, "after": baselines(owner)}
    wrong = check(owner, firm, tally)
    results["checked"] = len(tally.samples)
    results["wrong"] = wrong[:10]
    owner.dispose()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
