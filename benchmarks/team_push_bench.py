"""Team push benchmark (not a test): a member pushes N shared contacts to a team server.

    WHOKNOWS_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \
    .venv/bin/python benchmarks/team_push_bench.py --sizes 5000,50000 \
        [--out bench-results/team_push.json]

A local SQLite store with N people I have a tie with (email, organization among N/10, role)
is written directly; a fresh team server database is set up as `team init` does, and the
server runs under uvicorn on loopback (real HTTP). Timed, end to end (the projection, the
request, the server's transaction): the first push (complete), the same push again (nothing
to send), and a push after 1% of the contacts changed role and 1% were removed. Target
(issue 17): a push of 5,000 contacts ≤ 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any


def _local_store(folder: Path, n: int) -> Any:
    from sqlalchemy import insert

    from whoknows.config import load_settings
    from whoknows.core.identity import name_key as fold
    from whoknows.services import people
    from whoknows.services.people import PersonInput
    from whoknows.services.refs import name_key
    from whoknows.services.store import Store
    from whoknows.storage import schema as s

    store = Store(load_settings(f"sqlite:///{folder / 'member.db'}"))
    me = people.set_me(store, PersonInput(name="Bench Member", emails=["me@firm.example"]))
    with store.write() as session:
        orgs = [
            {"id": 1000 + i, "name": f"Org {i}", "name_key": name_key(f"Org {i}")}
            for i in range(max(1, n // 10))
        ]
        session.execute(insert(s.Organization), orgs)
        rows, emails, ties = [], [], []
        for i in range(n):
            pid = me.id + 1 + i
            name = f"Contact {i}"
            rows.append(
                {
                    "id": pid,
                    "name": name,
                    "name_key": name_key(name),
                    "name_fold": fold(name),
                    "organization_id": 1000 + i % len(orgs),
                    "role": ("CFO", "Engineer", "VP Sales", None)[i % 4],
                }
            )
            emails.append({"person_id": pid, "email": f"c{i}@org{i % len(orgs)}.example"})
            ties.append(
                {
                    "person_a_id": me.id,
                    "person_b_id": pid,
                    "strength": (0.3, 0.6, 0.9)[i % 3],
                    "source": "told",
                }
            )
        for table, values in ((s.Person, rows), (s.PersonEmail, emails), (s.Tie, ties)):
            for start in range(0, len(values), 10_000):
                session.execute(insert(table), values[start : start + 10_000])
    return store


def _server(pg: str) -> tuple[str, str, Any]:
    """A fresh team server database and a member's token; the server on loopback."""
    import uvicorn
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from whoknows.teamserver import accounts, db, spaces
    from whoknows.teamserver.app import TeamSettings, create_app

    name = f"tmember_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(pg).set(database=name).render_as_string(hide_password=False)
    owner = db.connect(url, pool_size=1, as_app=False)
    db.upgrade(owner)
    owner.dispose()
    engine = db.connect(url, pool_size=2)
    with db.tenant(engine) as conn:
        account = accounts.create(conn, "member@firm.example", "bench password 123", name="M")
    with db.tenant(engine, account_id=account.id) as conn:
        space = spaces.create(conn, "Bench Firm", "firm", account.id)
    with db.tenant(engine, space_id=space.id, account_id=account.id) as conn:
        token = accounts.create_token(conn, space.id, account.id, "bench", ("read", "write"))[1]
    engine.dispose()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(TeamSettings(database_url=url)), port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)

    def stop() -> None:
        server.should_exit = True
        time.sleep(0.5)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return f"http://127.0.0.1:{port}", token, stop


CPU: dict[str, float] = {}  # step → CPU seconds of this process (the client and uvicorn)


def _timed(work: Any, step: str = "") -> tuple[float, Any]:
    """Wall seconds of WORK (and its CPU seconds in CPU[step]: on a shared, loaded machine the
    wall time mostly says how busy the machine was; PostgreSQL's CPU is not counted)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = work()
    CPU[step] = round(time.process_time() - cpu, 3)
    return round(time.perf_counter() - start, 3), result


def bench(n: int, pg: str) -> dict[str, Any]:
    from sqlalchemy import text

    from whoknows.services import people
    from whoknows.services.team import link, projection, push

    url, token, stop = _server(pg)
    try:
        with tempfile.TemporaryDirectory() as folder:
            store = _local_store(Path(folder), n)
            link.join(store, url, token)
            found: dict[str, Any] = {"contacts": n}
            found["projection_s"], made = _timed(lambda: projection.project(store), "projection")
            assert made.counts["shared"] == n, made.counts
            found["first_push_s"], first = _timed(lambda: push.push(store), "first_push")
            assert first.added == n
            found["same_push_s"], same = _timed(lambda: push.push(store), "same_push")
            assert same.sent == 0
            changed = max(1, n // 100)
            with store.write() as session:
                session.execute(
                    text(
                        "UPDATE people SET role = 'Partner' WHERE id IN "
                        "(SELECT id FROM people WHERE NOT is_me ORDER BY id LIMIT :n)"
                    ),
                    {"n": changed},
                )
            for i in range(changed):
                people.remove_person(
                    store, f"c{n - 1 - i}@org{(n - 1 - i) % max(1, n // 10)}.example"
                )
            found["incremental_push_s"], step = _timed(lambda: push.push(store), "incremental_push")
            assert (step.changed, step.removed) == (changed, changed), step
            found["incremental"] = {"changed": step.changed, "removed": step.removed}
            found["cpu_s"] = dict(CPU)
            found["load_average"] = os.getloadavg()[0]
            store.close()
        return found
    finally:
        stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5000,50000")
    parser.add_argument("--out", type=Path, default=Path("bench-results/team_push.json"))
    args = parser.parse_args()
    pg = os.environ.get("WHOKNOWS_TEST_POSTGRES_URL")
    if not pg:
        raise SystemExit(
            "set WHOKNOWS_TEST_POSTGRES_URL to a PostgreSQL server you may create databases on"
        )
    results = [bench(int(n), pg) for n in args.sizes.split(",")]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
