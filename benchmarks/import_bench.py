"""Import benchmark (not a test): a realistic LinkedIn export and a mailbox, timed, with peak RSS.

    .venv/bin/python benchmarks/import_bench.py [--rows 500000] [--small 50000]
        [--messages 50000] [--db-dir DIR] [--out bench-results/import.json]

Realistic means what broke the first importer: names from a small pool (many people
share a first and last name, often at the same company), about 1% of rows repeating an
earlier profile under another URL form, about 0.01% malformed rows. Each step runs in a
fresh child process, so its peak RSS is its own. The benchmark checks the answers: no
person may hold two different profiles, and every distinct profile must be one person.

Targets (issue 11): 500k rows ≤ 60 s and ≤ 300 MB; the re-import creates nothing in ≤ 60 s;
the time per row the same at 50k and 500k; a 50k-message mbox ≤ 60 s.
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

FIRST = [
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Wei", "Li", "Mohammed", "Fatima", "Ana", "José", "María", "Juan", "Priya", "Rahul",
    "Olga", "Sven", "Anna", "Lukas", "Sophie", "Yuki", "Hiroshi", "Chen", "Aisha", "Omar",
]  # fmt: skip
LAST = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Wang", "Li", "Zhang", "Liu", "Kumar", "Singh", "Müller",
    "Schmidt", "Schneider", "Fischer", "Rossi", "Russo", "Dubois", "Martin", "Bernard", "Nguyen",
    "Tran", "Kim", "Lee", "Park", "Sato", "Suzuki", "Khan", "Ali", "Silva", "Santos", "Novak",
    "Kowalski", "Nowak", "Ivanov", "Petrov", "Jensen", "Hansen", "O'Brien", "Murphy", "Kelly",
]  # fmt: skip
ROLES = ["Engineer", "Partner", "CFO", "Head of Sales", "Consultant", "Founder", "Director"]
FORMS = (
    lambda slug: f"http://www.linkedin.com/in/{slug}/",
    lambda slug: f"https://uk.linkedin.com/in/{slug.upper()}?trk=people-guest",
    lambda slug: f"linkedin.com/in/{slug}",
    lambda slug: f"https://www.linkedin.com/in/{slug}#experience",
)


def companies(rng: random.Random, count: int) -> list[str]:
    words = ["North", "Blue", "Iron", "Civic", "Lumen", "Apex", "Harbor", "Pine", "Delta"]
    kinds = ["Capital", "Partners", "Systems", "Foods", "Logistics", "Health", "Labs", "Group"]
    return [f"{rng.choice(words)}{rng.choice(kinds)} {i}" for i in range(count)]


def make_linkedin(path: Path, rows: int, seed: int = 7) -> dict[str, int]:
    """A realistic Connections.csv; returns what it holds (profiles, repeats, bad rows)."""
    rng = random.Random(seed)
    firms = companies(rng, max(50, rows // 200))
    weights = [1 / (i + 1) for i in range(len(firms))]  # a few big employers, a long tail
    slugs: list[tuple[str, str, str, str]] = []
    repeats = bad = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write('Notes:\r\n"When exporting your connection data, you may notice…"\r\n\r\n')
        out.write("First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n")
        for i in range(rows):
            day = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randrange(4700))
            if rng.random() < 0.0001:
                bad += 1
                out.write(f'Broken,"Row {i},https://www.linkedin.com/in/broken-{i}\r\n')
                continue
            if slugs and rng.random() < 0.01:  # the same profile again, another URL form
                repeats += 1
                first, last, slug, firm = rng.choice(slugs)
                url = rng.choice(FORMS)(slug)
            else:
                first, last = rng.choice(FIRST), rng.choice(LAST)
                firm = rng.choices(firms, weights)[0]
                slug = f"{first}-{last}-{i:x}".lower().replace("'", "")
                slugs.append((first, last, slug, firm))
                url = f"https://www.linkedin.com/in/{slug}"
            email = f"{slug}@mail.example" if rng.random() < 0.08 else ""
            role = rng.choice(ROLES)
            out.write(f"{first},{last},{url},{email},{firm},{role},{day:%d %b %Y}\r\n")
    return {"rows": rows, "profiles": len(slugs), "repeats": repeats, "bad_rows": bad}


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
    """One import in this (child) process: prints its time, peak RSS, counts and checks."""
    from sqlalchemy import func, select

    from whoknows.config import load_settings
    from whoknows.services import imports
    from whoknows.services.store import Store
    from whoknows.storage import schema as s

    store = Store(load_settings(db))
    start, cpu = time.perf_counter(), time.process_time()
    report = imports.import_file(
        store, Path(path), kind, today=dt.date(2025, 1, 1), skip_bad_rows=True
    )
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with store.read() as session:
        fused = session.execute(
            select(func.count()).select_from(
                select(s.PersonLink.person_id)
                .where(s.PersonLink.kind == "linkedin")
                .group_by(s.PersonLink.person_id)
                .having(func.count() > 1)
                .subquery()
            )
        ).scalar()
        profiles = session.scalar(
            select(func.count()).select_from(s.PersonLink).where(s.PersonLink.kind == "linkedin")
        )
        people = session.scalar(select(func.count()).select_from(s.Person))
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "cpu_seconds": round(cpu, 2),  # what the machine's other load can't inflate much
                "peak_rss_mb": round(peak),
                "people": people,
                "profiles_stored": profiles,
                "people_with_two_profiles": fused,
                **{
                    k: getattr(report, k)
                    for k in ("created", "updated", "merged", "skipped", "queued", "interactions")
                },
                "bad_rows": len(report.errors),
            }
        )
    )


def _child(db: str, kind: str, path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, "--step", db, kind, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def me(db: str) -> None:
    from whoknows.config import load_settings
    from whoknows.services import people
    from whoknows.services.store import Store

    with Store(load_settings(db)) as store:
        people.set_me(store, people.PersonInput(name="Me", emails=["me@example.com"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--small", type=int, default=50_000)
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--db-dir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=Path("bench-results/import.json"))
    parser.add_argument("--step", nargs=3, metavar=("DB", "KIND", "PATH"))
    args = parser.parse_args()
    if args.step:
        step(*args.step)
        return
    results: dict[str, object] = {"when": dt.datetime.now().isoformat(timespec="seconds")}
    with tempfile.TemporaryDirectory(dir=args.db_dir) as folder:
        work = Path(folder)
        for label, rows in (("small", args.small), ("large", args.rows)):
            csv = work / f"Connections-{rows}.csv"
            held = make_linkedin(csv, rows)
            db = f"sqlite:///{work / f'{label}.db'}"
            first = _child(db, "linkedin", csv)
            first["per_row_us"] = round(float(str(first["seconds"])) / rows * 1e6, 1)
            first["cpu_per_row_us"] = round(float(str(first["cpu_seconds"])) / rows * 1e6, 1)
            results[f"linkedin_{label}"] = {"file": held, "import": first}
            print(label, held, first, flush=True)
            if label == "large":
                again = _child(db, "linkedin", csv)
                results["linkedin_large"]["reimport"] = again  # type: ignore[index]
                print("again", again, flush=True)
                mbox = work / "mail.mbox"
                make_mbox(mbox, args.messages)
                me(db)
                results["mbox_into_large"] = _child(db, "mbox", mbox)
                print("mbox", results["mbox_into_large"], flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
