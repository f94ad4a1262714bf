"""Chapter benchmark: the weekly close and the chapter's pages on 25 members with two years of
history (issue 18's targets: every chapter page ≤ 200 ms p95, the weekly close ≤ 1 s).

Not a test (`make chapter-bench`). It makes its own database (--name, dropped first when it
is an earlier run's), a chapter of 25 members and 104 closed weeks of attendance, slips,
thanks and confirmed 1-to-1s (teamserver/demo_chapter.py, as the team demo's chapter), then
measures, in process (no network):
- the close of the current week (with a week's entries), --repeat times, each rolled back;
- every chapter page and its JSON: GET /s/SLUG/chapter (a leader sees every member's light),
  a closed week's report page (with its charts), the lights and slips, a member's dashboard,
  the power team, the 1-to-1 network and the meeting page: p50/p95 over --repeat calls each
  (after one warm-up call: the report's charts are drawn once per process and kept).
The machine is shared: the one-minute load average is written beside the numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from whoknows.teamserver import accounts, chapters, db, demo_chapter, schema, spaces
from whoknows.teamserver.app import TeamSettings, create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

MEMBERS = 25


def _database(admin_url: str, name: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _history(url: str, seed: int) -> tuple[str, list[str], int, dict[str, int]]:
    """The chapter: (its slug, its members' tokens with the leader's first, a closed week id)."""
    engine = db.connect(url, pool_size=1)
    with db.tenant(engine) as conn:
        people = [
            accounts.create(conn, f"m{n}@chapter.test", None, name=f"Member {n:02d}")
            for n in range(MEMBERS)
        ]
        space = spaces.create(conn, "Bench Chapter", "group", people[0].id)
        for person in people[1:]:
            role = "leader" if person is people[1] else "member"
            conn.execute(
                insert(schema.membership).values(
                    space_id=space.id,
                    account_id=person.id,
                    role=role,
                    joined_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
                )
            )
        tokens = [
            accounts.create_token(conn, space.id, p.id, "bench", ("read", "write"))[1]
            for p in people
        ]
        ids = [p.id for p in people]
        started = time.perf_counter()
        counts = demo_chapter.history(conn, space.id, ids, leader_id=people[1].id, seed=seed)
        counts["seconds"] = round(time.perf_counter() - started, 2)  # type: ignore[assignment]
        db.set_tenant(conn, space_id=space.id, account_id=people[1].id)
        last_closed = conn.execute(
            text(
                "SELECT id FROM chapter_week WHERE space_id = :s AND status = 'closed' "
                "ORDER BY starts_on DESC LIMIT 1"
            ),
            {"s": space.id},
        ).scalar_one()
    engine.dispose()
    print(f"history: {MEMBERS} members, {counts}", file=sys.stderr)
    return space.slug, tokens, last_closed, counts


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "n": len(ordered),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db",
        default=os.environ.get(
            "WHOKNOWS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
        help="an admin URL of the PostgreSQL server",
    )
    parser.add_argument("--name", default="whoknows_chapter_bench")
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--out", type=Path, default=Path("bench-results/chapter.json"))
    args = parser.parse_args()
    url = _database(args.db, args.name)
    db.upgrade(db.connect(url, pool_size=1, as_app=False))
    slug, tokens, closed_week, history = _history(url, seed=18)
    engine = db.connect(url, pool_size=2)
    space_id = int(tokens[0].split("_")[1])
    closes = []
    for _ in range(args.repeat):
        with engine.connect() as conn:
            transaction = conn.begin()
            db.set_tenant(conn, space_id=space_id, account_id=None)
            started = time.perf_counter()
            chapters.close(conn, space_id, None)  # type: ignore[arg-type]
            closes.append(time.perf_counter() - started)
            transaction.rollback()
    results: dict[str, object] = {"history": history, "close": _stats(closes)}
    leader = {"Authorization": f"Bearer {tokens[1]}"}
    member = {"Authorization": f"Bearer {tokens[5]}"}
    # drawn charts kept on disk start empty: the "first" column is a first drawing
    os.environ["WHOKNOWS_TEAM_CACHE"] = tempfile.mkdtemp(prefix="chapter-bench-")
    with TestClient(create_app(TeamSettings(database_url=url, pool_size=2))) as client:
        for name, path, headers in (
            ("chapter page (leader)", f"/s/{slug}/chapter", leader),
            ("chapter page (member)", f"/s/{slug}/chapter", member),
            ("report page", f"/s/{slug}/chapter/weeks/{closed_week}", member),
            ("lights API (leader)", f"/api/v1/spaces/{slug}/chapter/lights", leader),
            ("slips API", f"/api/v1/spaces/{slug}/chapter/slips", member),
            ("my dashboard page", f"/s/{slug}/chapter/me", member),
            ("my dashboard API", f"/api/v1/spaces/{slug}/chapter/me", member),
            ("power team API", f"/api/v1/spaces/{slug}/chapter/power-team", member),
            ("1-to-1 network page", f"/s/{slug}/chapter/one-to-ones", member),
            ("1-to-1 network API", f"/api/v1/spaces/{slug}/chapter/one-to-ones/network", member),
            ("meeting page (leader)", f"/s/{slug}/chapter/meeting", leader),
        ):
            started = time.perf_counter()
            client.get(path, headers=headers).raise_for_status()  # warm (charts drawn)
            first = time.perf_counter() - started
            samples = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                client.get(path, headers=headers).raise_for_status()
                samples.append(time.perf_counter() - started)
            results[name] = _stats(samples) | {"first_ms": round(first * 1000, 1)}
    engine.dispose()
    results["load_average_1m"] = os.getloadavg()[0]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
