"""A chapter's history for the team demo and the chapter benchmark: two years of weeks.

`history` writes, for the members of a chapter, 104 closed weeks (and the open one) of
attendance, referral slips, thanks for closed business, confirmed 1-to-1s and visitors, in
bulk (one
multi-row INSERT per table), then closes the weeks in order with the server's own close
(chapters.close: the held thanks fold, the report is written once, as a leader's close
would), and gives each member a shared contact sphere (whom they serve, their ideal clients)
so power teams show. Deterministic for a seed.

Visitors come most weeks, recorded by the leader with who invited them; some go on along
the trail (invited, applied, joined, or not now), each step dated.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import Connection, insert, text

from whoknows.teamserver import chapters, db, schema

WEEKS = 104
FIRST = ("Alex", "Brooke", "Chidi", "Dana", "Eli", "Farah", "Gus", "Hana", "Ivo", "Jun")
LAST = ("Moreau", "Okafor", "Lindqvist", "Patel", "Rossi", "Novak", "Kim", "Haddad")
ENDS = ("visited", "visited", "invited", "applied", "joined", "not_now")  # as often as this
TRAIL = {  # a visitor's final status: the steps after "visited" that led there
    "visited": (),
    "invited": ("invited",),
    "applied": ("invited", "applied"),
    "joined": ("invited", "applied", "joined"),
    "not_now": ("not_now",),
}
# Whom each trade serves and its ideal clients (roles as the demo world's people have them):
# a BNI-like chapter of 25 seats, in the order members take them.
TRADES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("owner-managed businesses needing accounts and tax", ("Owner", "Finance Director"), ()),
    ("business owners with employment and contract questions", ("Owner", "HR Manager"), ()),
    ("small offices needing IT support and cyber security", ("Office Manager", "IT Director"), ()),
    ("local businesses wanting more customers online", ("Marketing Director", "Owner"), ()),
    ("commercial property owners and tenants", ("Property Manager", "Owner"), ("Real estate",)),
    ("business owners planning pensions and wealth", ("Owner", "Managing Director"), ()),
    ("employers insuring staff, premises and risk", ("Risk Manager", "Owner"), ()),
    ("growing firms hiring staff", ("HR Manager", "Managing Director"), ("Recruitment",)),
    ("manufacturers improving operations", ("Operations Director", "Plant Manager"), ()),
    ("builders and developers on commercial sites", ("Site Manager", "Project Manager"), ()),
    ("restaurants, hotels and event venues", ("General Manager", "Events Manager"), ()),
    ("business owners needing finance and banking", ("Finance Director", "Owner"), ()),
    ("medical practices and clinics", ("Practice Manager", "GP Partner"), ("Health care",)),
    ("shops and online retailers", ("Store Manager", "E-commerce Manager"), ("Retail",)),
    ("firms shipping goods abroad", ("Logistics Manager", "Supply Chain Manager"), ()),
    ("software companies selling to businesses", ("CTO", "Product Manager"), ("Software",)),
    ("leaders of growing teams wanting coaching", ("Managing Director", "Founder"), ()),
    ("charities raising funds", ("Chief Executive", "Fundraising Manager"), ("Charity",)),
    ("companies training their staff", ("Training Manager", "HR Manager"), ()),
    ("engineering firms designing products", ("Chartered Engineer", "Design Engineer"), ()),
    ("sales teams wanting more business", ("Sales Director", "Business Development Manager"), ()),
    ("offices needing printing and signs", ("Office Manager", "Marketing Director"), ()),
    ("founders of new companies", ("Founder", "Owner"), ()),
    ("firms moving or fitting out offices", ("Office Manager", "Operations Director"), ()),
    ("family businesses passing to the next generation", ("Owner", "Director"), ()),
)


def history(
    conn: Connection,
    space_id: int,
    member_ids: list[int],
    *,
    leader_id: int,
    seed: int = 18,
    weeks: int = WEEKS,
) -> dict[str, int]:
    """Write WEEKS closed weeks of the chapter's life before this one (and this week's
    entries, open); the counts written. The members are taken to have joined before it."""
    rng = random.Random(seed)
    db.set_tenant(conn, space_id=space_id, account_id=leader_id)
    this_monday = chapters.monday(chapters.today())
    first = this_monday - dt.timedelta(weeks=weeks)
    conn.execute(
        text("UPDATE membership SET joined_at = :d WHERE space_id = :s"),
        {"d": dt.datetime.combine(first, dt.time(), dt.UTC), "s": space_id},
    )
    week_ids = conn.execute(
        insert(schema.chapter_week).returning(
            schema.chapter_week.c.id, schema.chapter_week.c.starts_on
        ),
        [
            {"space_id": space_id, "starts_on": first + dt.timedelta(weeks=k)}
            for k in range(weeks + 1)  # the last is this week's, left open
        ],
    ).all()
    rows: dict[str, list[dict[str, Any]]] = {
        "slips": [],
        "thanks": [],
        "attendance": [],
        "one_to_ones": [],
        "visitors": [],
    }
    for week_id, starts in sorted(week_ids, key=lambda w: w[1]):
        _week(rng, space_id, week_id, member_ids, starts, rows)
        _visitors(rng, space_id, week_id, member_ids, leader_id, rows["visitors"])
    for table, name in (
        (schema.chapter_slip, "slips"),
        (schema.chapter_thanks, "thanks"),
        (schema.chapter_attendance, "attendance"),
        (schema.chapter_one_to_one, "one_to_ones"),
    ):
        conn.execute(insert(table), rows[name])
    _visitor_trails(conn, space_id, leader_id, dict(week_ids), this_monday, rows["visitors"])
    for _, starts in sorted(week_ids, key=lambda w: w[1])[:-1]:
        chapters.close(conn, space_id, leader_id, starts)
    conn.execute(
        insert(schema.chapter_sphere),
        [
            {
                "space_id": space_id,
                "account_id": member,
                "serves": TRADES[n % len(TRADES)][0],
                "ideal": {
                    "industries": list(TRADES[n % len(TRADES)][2]),
                    "roles": list(TRADES[n % len(TRADES)][1]),
                    "tags": [],
                },
            }
            for n, member in enumerate(member_ids)
        ],
    )
    db.set_tenant(conn, space_id=None, account_id=None)
    return {"weeks": weeks, **{name: len(found) for name, found in rows.items()}}


def _week(
    rng: random.Random,
    space_id: int,
    week_id: int,
    ids: list[int],
    starts: dt.date,
    rows: dict[str, list[dict[str, Any]]],
) -> None:
    slips, thanks, meetings = rows["slips"], rows["thanks"], rows["one_to_ones"]
    for member in ids:
        status = "absent" if rng.random() < 0.08 else "present"
        rows["attendance"].append(
            {"space_id": space_id, "week_id": week_id, "account_id": member, "status": status}
        )
        for _ in range(rng.choice((0, 1, 1, 2))):
            slips.append(
                {
                    "space_id": space_id,
                    "client_id": f"s{week_id}-{len(slips)}",
                    "giver_id": member,
                    "receiver_id": rng.choice([i for i in ids if i != member]),
                    "week_id": week_id,
                    "about": "Dana Doe <dana@acme.test> @Acme",
                    "about_name": "Dana Doe",
                    "hot": rng.randint(1, 5),
                    "status": rng.choice(("given", "accepted", "contacted", "won", "no_sale")),
                }
            )
        if rng.random() < 0.2:
            thanks.append(
                {
                    "space_id": space_id,
                    "client_id": f"t{week_id}-{len(thanks)}",
                    "thanker_id": member,
                    "credited_id": rng.choice([i for i in ids if i != member]),
                    "week_id": week_id,
                    "amount_cents": rng.randint(10_000, 900_000),
                    "currency": "EUR",
                }
            )
        if rng.random() < 0.5 and member != ids[-1]:  # the newest member has met nobody yet
            meetings.append(
                {
                    "space_id": space_id,
                    "client_id": f"o{week_id}-{len(meetings)}",
                    "logger_id": member,
                    "other_id": rng.choice([i for i in ids if i not in (member, ids[-1])]),
                    "met_on": starts,
                    "week_id": week_id,
                    "confirmed_at": dt.datetime.combine(starts, dt.time(12), dt.UTC),
                }
            )


def _visitors(
    rng: random.Random,
    space_id: int,
    week_id: int,
    ids: list[int],
    host_id: int,
    visitors: list[dict[str, Any]],
) -> None:
    for _ in range(rng.choice((0, 1, 1, 2))):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        org = f"{last} {rng.choice(('Studio', 'Partners', 'Works', 'Group'))}"
        role = rng.choice(("Owner", "Director", "Founder", "Consultant"))
        email = f"{first}.{last}.{len(visitors)}@{last.lower()}.test".lower()
        visitors.append(
            {
                "space_id": space_id,
                "client_id": f"v{week_id}-{len(visitors)}",
                "host_id": host_id,
                "invited_by": rng.choice(ids),
                "week_id": week_id,
                "capture": f"{first} {last} <{email}> @{org} / {role}",
                "name": f"{first} {last}",
                "email": email,
                "org": org,
                "role": role,
                "status": rng.choice(ENDS),
            }
        )


def _visitor_trails(
    conn: Connection,
    space_id: int,
    leader_id: int,
    week_of: dict[int, dt.date],
    this_monday: dt.date,
    visitors: list[dict[str, Any]],
) -> None:
    """Each visitor's dated steps: visited in their week, then one step a week after it."""
    if not visitors:
        return
    made = conn.execute(
        insert(schema.chapter_visitor).returning(
            schema.chapter_visitor.c.id,
            schema.chapter_visitor.c.week_id,
            schema.chapter_visitor.c.status,
        ),
        visitors,
    ).all()
    moves = []
    for visitor_id, week_id, status in made:
        for k, step in enumerate(("visited", *TRAIL[status])):
            day = min(week_of[week_id] + dt.timedelta(days=1 + 7 * k), this_monday)
            moves.append(
                {
                    "space_id": space_id,
                    "visitor_id": visitor_id,
                    "status": step,
                    "moved_on": day,
                    "moved_by": leader_id,
                }
            )
    conn.execute(insert(schema.chapter_visitor_move), moves)
