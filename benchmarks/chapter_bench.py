"""Chapter benchmark: the weekly close and the chapter's pages on 25 members with two years of
history (issue 18's targets: every chapter page ≤ 200 ms p95, the weekly close ≤ 1 s).

Not a test (`make chapter-bench`). It makes its own database (--name, dropped first when it
is an earlier run's), a chapter of 25 members and 104 closed weeks of attendance, slips,
thanks and confirmed 1-to-1s, then measures, in process (no network):
- the close of the current week (with a week's entries), --repeat times, each rolled back;
- GET /s/SLUG/chapter (a leader sees every member's light), a closed week's report page,
  GET …/chapter/lights and GET …/chapter/slips: p50/p95 over --repeat calls each.
The machine is shared: the one-minute load average is written beside the numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from whoknows.teamserver import accounts, chapters, db, schema, spaces
from whoknows.teamserver.app import TeamSettings, create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

MEMBERS = 25
WEEKS = 104


def _database(admin_url: str, name: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _history(url: str, seed: int) -> tuple[str, list[str], int]:
    """The chapter: (its slug, its members' tokens with the leader's first, a closed week id)."""
    rng = random.Random(seed)
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
        this_monday = chapters.monday(chapters.today())
        ids = [p.id for p in people]
        slips: list[dict[str, object]] = []
        thanks: list[dict[str, object]] = []
        attendance: list[dict[str, object]] = []
        meetings: list[dict[str, object]] = []
        week_ids = []
        for k in range(WEEKS, 0, -1):
            starts = this_monday - dt.timedelta(weeks=k)
            week_id = conn.execute(
                insert(schema.chapter_week)
                .values(
                    space_id=space.id,
                    starts_on=starts,
                    status="closed",
                    closed_at=dt.datetime.now(dt.UTC),
                )
                .returning(schema.chapter_week.c.id)
            ).scalar_one()
            week_ids.append(week_id)
            _week(rng, space.id, week_id, ids, starts, slips, thanks, attendance, meetings)
        open_week = chapters.entry_week(conn, space.id)
        _week(rng, space.id, open_week["id"], ids, this_monday, slips, thanks, attendance, meetings)
        for table, rows in (
            (schema.chapter_slip, slips),
            (schema.chapter_thanks, thanks),
            (schema.chapter_attendance, attendance),
            (schema.chapter_one_to_one, meetings),
        ):
            conn.execute(insert(table), rows)
        for week_id in week_ids:  # every closed week has its report, as a close writes it
            body = chapters._report(conn, space.id, week_id)
            conn.execute(
                insert(schema.chapter_report).values(
                    space_id=space.id, week_id=week_id, body=body, csv=chapters.report_csv(body)
                )
            )
    engine.dispose()
    print(
        f"history: {MEMBERS} members, {WEEKS} closed weeks, {len(slips)} slips, "
        f"{len(thanks)} thanks, {len(meetings)} 1-to-1s, {len(attendance)} attendance rows",
        file=sys.stderr,
    )
    return space.slug, tokens, week_ids[-1]


def _week(rng, space_id, week_id, ids, starts, slips, thanks, attendance, meetings) -> None:  # type: ignore[no-untyped-def]
    for member in ids:
        status = "absent" if rng.random() < 0.08 else "present"
        attendance.append(
            {"space_id": space_id, "week_id": week_id, "account_id": member, "status": status}
        )
        for _ in range(rng.choice((0, 1, 1, 2))):
            other = rng.choice([i for i in ids if i != member])
            slips.append(
                {
                    "space_id": space_id,
                    "client_id": f"{week_id}-{len(slips)}",
                    "giver_id": member,
                    "receiver_id": other,
                    "week_id": week_id,
                    "about": "Dana Doe <dana@acme.test> @Acme",
                    "about_name": "Dana Doe",
                    "hot": rng.randint(1, 5),
                    "status": rng.choice(("given", "accepted", "contacted", "won", "no_sale")),
                }
            )
        if rng.random() < 0.2:
            other = rng.choice([i for i in ids if i != member])
            thanks.append(
                {
                    "space_id": space_id,
                    "client_id": f"t{week_id}-{len(thanks)}",
                    "thanker_id": member,
                    "credited_id": other,
                    "week_id": week_id,
                    "amount_cents": rng.randint(10_000, 900_000),
                    "currency": "EUR",
                }
            )
        if rng.random() < 0.5:
            other = rng.choice([i for i in ids if i != member])
            meetings.append(
                {
                    "space_id": space_id,
                    "client_id": f"o{week_id}-{len(meetings)}",
                    "logger_id": member,
                    "other_id": other,
                    "met_on": starts,
                    "week_id": week_id,
                    "confirmed_at": dt.datetime.now(dt.UTC),
                }
            )


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
    slug, tokens, closed_week = _history(url, seed=18)
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
    results: dict[str, object] = {"close": _stats(closes)}
    leader = {"Authorization": f"Bearer {tokens[1]}"}
    member = {"Authorization": f"Bearer {tokens[5]}"}
    with TestClient(create_app(TeamSettings(database_url=url, pool_size=2))) as client:
        for name, path, headers in (
            ("chapter page (leader)", f"/s/{slug}/chapter", leader),
            ("chapter page (member)", f"/s/{slug}/chapter", member),
            ("report page", f"/s/{slug}/chapter/weeks/{closed_week}", member),
            ("lights API (leader)", f"/api/v1/spaces/{slug}/chapter/lights", leader),
            ("slips API", f"/api/v1/spaces/{slug}/chapter/slips", member),
        ):
            client.get(path, headers=headers).raise_for_status()  # warm
            samples = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                client.get(path, headers=headers).raise_for_status()
                samples.append(time.perf_counter() - started)
            results[name] = _stats(samples)
    engine.dispose()
    results["load_average_1m"] = os.getloadavg()[0]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
