"""What the follow-up plan reads, in plain SQL (storage/plain.py): who may be due, their
histories in brief, and what I owe (services/plan.py decides; core/followups.py rules).

`due` reads these without SQLAlchemy's ORM (issue 13). The people possibly due are left out
in the database, so a million people cost no more than the few hundred I am in touch with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from whoknows.storage.plain import Reader, as_date, chunks, day


@dataclass(frozen=True)
class Ids:
    """A SELECT of person ids and its parameters."""

    sql: str
    params: tuple[Any, ...] = ()


def in_touch(owner: int, me: int) -> Ids:
    """Everyone I have logged something with."""
    return Ids(
        "SELECT person_id FROM interaction_people WHERE owner_id = ? AND person_id != ?",
        (owner, me),
    )


def one(person_id: int) -> Ids:
    return Ids("SELECT id FROM people WHERE id = ?", (person_id,))


def candidates(
    reader: Reader,
    owner: int,
    me: int,
    due_before: Mapping[str | None, dt.date],
    today: dt.date,
    others: Collection[str],
) -> Ids:
    """The people possibly due: in touch with me, not snoozed past TODAY, with a cadence of
    their own or last in touch on or before DUE_BEFORE[their stage]. The key None stands for
    a stage not among OTHERS, or none."""
    by_stage, params = [], []
    known = sorted(others)
    for stage, latest in due_before.items():
        if stage is None:
            marks = ", ".join("?" for _ in known) or "NULL"
            by_stage.append(f"((cp.stage IS NULL OR cp.stage NOT IN ({marks})) AND last.on_ <= ?)")
            params += [*known, day(reader, latest)]
        else:
            by_stage.append("(cp.stage = ? AND last.on_ <= ?)")
            params += [stage, day(reader, latest)]
    # No "people.owner_id = ?" here (the ids come from the owner's interactions, and the
    # callers check the owner): with it SQLite walks every person of the owner, a million at
    # scale, instead of looking up the few hundred in touch with me.
    return Ids(
        "SELECT cp.id FROM people cp JOIN ("
        "SELECT ip.person_id AS person_id, MAX(i.date) AS on_ FROM interaction_people ip "
        "JOIN interactions i ON i.id = ip.interaction_id "
        "WHERE ip.owner_id = ? AND ip.person_id != ? GROUP BY ip.person_id"
        ") last ON last.person_id = cp.id "
        "WHERE (cp.snoozed_until IS NULL OR cp.snoozed_until <= ?) "
        f"AND (cp.cadence_days IS NOT NULL OR {' OR '.join(by_stage) or 'FALSE'})",
        (owner, me, day(reader, today), *params),
    )


def chosen(reader: Reader, wanted: Ids, extra: Collection[int]) -> list[int]:
    """The ids WANTED selects and EXTRA, in order: read once, then looked up by id (a
    candidates' SELECT run inside each query cost SQLite ~60 ms a time at a million people)."""
    return sorted({int(pid) for (pid,) in reader.rows(wanted.sql, wanted.params)} | set(extra))


def touches(
    reader: Reader, owner: int, ids: Collection[int]
) -> list[tuple[int, dt.date, str, str | None]]:
    """Every interaction of the people IDS: (person, date, kind, event name), by person, then
    in order."""
    found = []
    for marks, chunk in chunks(ids):
        rows = reader.rows(
            "SELECT ip.person_id, i.date, i.kind, e.name FROM interaction_people ip "
            "JOIN interactions i ON i.id = ip.interaction_id "
            "JOIN people p ON p.id = ip.person_id "
            "LEFT JOIN events e ON e.id = i.event_id "
            f"WHERE ip.owner_id = ? AND p.owner_id = ? AND p.id IN ({marks}) "
            "ORDER BY ip.person_id, i.date, i.id",
            (owner, owner, *chunk),
        )
        found += [(int(pid), as_date(on) or dt.date.min, kind, ev) for pid, on, kind, ev in rows]
    return found


@dataclass(frozen=True)
class Someone:
    """A person as the plan weighs them."""

    id: int
    name: str
    stage: str | None
    cadence_days: int | None
    snoozed_until: dt.date | None
    asks: str | None


def people(reader: Reader, owner: int, me: int, ids: Collection[int]) -> list[Someone]:
    """The people IDS (me left out), by id."""
    found = []
    for marks, chunk in chunks(ids):
        rows = reader.rows(
            "SELECT p.id, p.name, p.stage, p.cadence_days, p.snoozed_until, p.asks FROM people p "
            f"WHERE p.owner_id = ? AND p.id != ? AND p.id IN ({marks}) ORDER BY p.id",
            (owner, me, *chunk),
        )
        found += [
            Someone(pid, name, st, cad, as_date(snz), asks)
            for pid, name, st, cad, snz, asks in rows
        ]
    return found


def givers(reader: Reader, owner: int) -> set[int]:
    """The people who get what I do (marked so at an event)."""
    rows = reader.rows(
        "SELECT person_id FROM event_attendees WHERE owner_id = ? AND gets_it = ?", (owner, True)
    )
    return {int(pid) for (pid,) in rows}


def has_brief(reader: Reader, owner: int) -> bool:
    """Whether I have written a brief yet."""
    return reader.scalar("SELECT MAX(version) FROM briefs WHERE owner_id = ?", (owner,)) is not None


@dataclass(frozen=True)
class ReferralOwed:
    """A referral I received and have not thanked for, or not reported back on once closed."""

    giver: int
    date: dt.date
    status: str
    closed_on: dt.date | None
    thanked: bool
    reported: bool
    about: str | None  # the person or organization it was about, by name


def referrals_owed(
    reader: Reader, owner: int, me: int, closed: Collection[str]
) -> list[ReferralOwed]:
    marks = ", ".join("?" for _ in closed)
    rows = reader.rows(
        "SELECT r.from_id, r.date, r.status, r.closed_on, r.thanked_on, r.reported_on, "
        "ap.name, ao.name FROM referrals r "
        "LEFT JOIN people ap ON ap.id = r.about_id "
        "LEFT JOIN organizations ao ON ao.id = r.about_org_id "
        "WHERE r.owner_id = ? AND r.direction = 'received' AND r.from_id != ? "
        f"AND (r.thanked_on IS NULL OR (r.status IN ({marks}) AND r.reported_on IS NULL)) "
        "ORDER BY r.date, r.id",
        (owner, me, *closed),
    )
    return [
        ReferralOwed(
            int(giver),
            as_date(on) or dt.date.min,
            status,
            as_date(closed_on),
            thanked is not None,
            reported is not None,
            person or organization or None,
        )
        for giver, on, status, closed_on, thanked, reported, person, organization in rows
    ]


@dataclass(frozen=True)
class GiftOwed:
    """Something given to me (not a referral) that I have not thanked for."""

    giver: int
    date: dt.date
    kind: str
    other_id: int | None
    other: str | None  # the other person's name, when there is one
    note: str | None


def gifts_owed(reader: Reader, owner: int, me: int) -> list[GiftOwed]:
    # A referral is thanked through its referral.
    rows = reader.rows(
        "SELECT x.giver_id, x.date, x.kind, x.other_id, o.name, x.note FROM exchanges x "
        "LEFT JOIN people o ON o.id = x.other_id "
        "WHERE x.owner_id = ? AND x.receiver_id = ? AND x.thanked_on IS NULL "
        "AND x.referral_id IS NULL ORDER BY x.date, x.id",
        (owner, me),
    )
    return [
        GiftOwed(int(giver), as_date(on) or dt.date.min, kind, other_id, other, note)
        for giver, on, kind, other_id, other, note in rows
    ]


@dataclass(frozen=True)
class IntroductionOwed:
    """An introduction someone made of me that I have not reported back on."""

    introducer: int
    other: str | None  # whom I was introduced to, by name
    known: bool  # its outcome is recorded
    since: dt.date


def introductions_owed(reader: Reader, owner: int, me: int) -> list[IntroductionOwed]:
    rows = reader.rows(
        "SELECT n.introducer_id, o.name, n.outcome, n.outcome_on, n.made_on, n.proposed_on "
        "FROM introductions n "
        "LEFT JOIN people o ON o.id = CASE WHEN n.a_id = ? THEN n.b_id ELSE n.a_id END "
        "WHERE n.owner_id = ? AND n.introducer_id != ? AND n.state = 'made' "
        "AND (n.a_id = ? OR n.b_id = ?) AND n.reported_on IS NULL "
        "ORDER BY n.proposed_on, n.id",
        (me, owner, me, me, me),
    )
    found = []
    for introducer, other, outcome, outcome_on, made_on, proposed_on in rows:
        known = outcome is not None
        since = (as_date(outcome_on) if known else None) or as_date(made_on) or as_date(proposed_on)
        found.append(IntroductionOwed(int(introducer), other, known, since or dt.date.min))
    return found
