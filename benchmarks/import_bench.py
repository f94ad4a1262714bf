"""Import benchmark (not a test): a generated LinkedIn CSV and mbox, timed with peak RSS.

    .venv/bin/python benchmarks/import_bench.py [--rows 500000] [--messages 50000] [--db URL]

Each measurement runs in a fresh child process so peak RSS is that step's own.
Targets (issue 7): 500k-row LinkedIn CSV ≤ 60 s and ≤ 300 MB; the re-import creating
nothing ≤ 60 s; a 50k-message mbox ≤ 60 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIRST = ["Ana", "Ben", "Chen", "Dana", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jin", "Kai", "Lea"]
COMPANIES = ["Northwind", "Contoso", "Fabrikam", "Lumen", "Acme", "Initech", "Umbrella"]


def make_csv(path: Path, rows: int) -> None:
    rng = random.Random(7)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write('Notes:\r\n"Some emails are missing."\r\n\r\n')
        out.write("First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n")
        for i in range(rows):
            last = f"Surname{i:07d}"
            email = f"p{i}@example.com" if i % 10 == 0 else ""
            day = dt.date(2015, 1, 1) + dt.timedelta(days=i % 3000)
            out.write(
                f"{rng.choice(FIRST)},{last},https://www.linkedin.com/in/p-{i},{email},"
                f"{rng.choice(COMPANIES)},Engineer,{day:%d %b %Y}\r\n"
            )


def make_mbox(path: Path, messages: int) -> None:
    rng = random.Random(8)
    with path.open("w", encoding="utf-8") as out:
        for i in range(messages):
            peer = rng.randrange(2000)
            day = dt.date(2023, 1, 1) + dt.timedelta(days=i % 700)
            stamp = f"{day:%a, %d %b %Y} 10:00:00 +0000"
            out.write(
                f"From p{peer}@example.com Mon Jan  1 00:00:00 2024\n"
                f"From: Person {peer} <p{peer}@example.com>\nTo: Me <me@example.com>\n"
                f"Cc: p{(peer + 1) % 2000}@example.com\nDate: {stamp}\n"
                f"Subject: hello {i}\nMessage-ID: <{i}@example.com>\n\nbody {i}\n\n"
            )


def step(db: str, kind: str, path: str) -> None:
    from whoknows.config import load_settings
    from whoknows.services import imports
    from whoknows.services.store import Store

    store = Store(load_settings(db))
    start = time.perf_counter()
    report = imports.import_file(store, Path(path), kind, today=dt.date(2025, 1, 1))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": round(seconds, 1),
                "peak_rss_mb": round(peak),
                **{
                    k: getattr(report, k)
                    for k in ("created", "updated", "merged", "skipped", "interactions")
                },
            }
        )
    )


def run(db: str, kind: str, path: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--step", db, kind, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--db")
    parser.add_argument("--step", nargs=3)
    args = parser.parse_args()
    if args.step:
        step(*args.step)
        return
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        db = args.db or f"sqlite:///{base / 'bench.db'}"
        csv_path, mbox_path = base / "Connections.csv", base / "mail.mbox"
        make_csv(csv_path, args.rows)
        make_mbox(mbox_path, args.messages)
        from whoknows.config import load_settings
        from whoknows.services import people
        from whoknows.services.store import Store

        store = Store(load_settings(db))
        people.set_me(store, people.PersonInput(name="Me", emails=["me@example.com"]))
        store.close()
        print(f"linkedin {args.rows} rows:", run(db, "linkedin", csv_path))
        print("linkedin again:", run(db, "linkedin", csv_path))
        print(f"mbox {args.messages} messages:", run(db, "mbox", mbox_path))


if __name__ == "__main__":
    main()
