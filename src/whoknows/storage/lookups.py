"""Small reads in plain SQL (storage/plain.py): names, what people do, one tie, whom they serve,
my ledger, who holds my brief; what answers drawn from the graph snapshot add to its arrays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from whoknows.core import ledger as core_ledger
from whoknows.storage.plain import Reader, as_date, chunks


def names(reader: Reader, ids: Collection[int]) -> dict[int, str]:
    """Each person's name, by id."""
    found: dict[int, str] = {}
    for marks, chunk in chunks(ids):
        found.update(reader.rows(f"SELECT id, name FROM people WHERE id IN ({marks})", chunk))
    return found


def described(reader: Reader, ids: Collection[int]) -> dict[int, str]:
    """What these people do: "Plant Manager at Ferro Ltd" ("" when nothing is known)."""
    found: dict[int, str] = {}
    for marks, chunk in chunks(ids):
        rows = reader.rows(
            "SELECT p.id, p.role, o.name FROM people p "
            "LEFT JOIN organizations o ON o.id = p.organization_id "
            f"WHERE p.id IN ({marks})",
            chunk,
        )
        found.update((pid, " at ".join(x for x in (role, org) if x)) for pid, role, org in rows)
    return found


def serves(reader: Reader, ids: Collection[int]) -> dict[int, str]:
    """Whom these people serve, for those who said."""
    found: dict[int, str] = {}
    for marks, chunk in chunks(ids):
        rows = reader.rows(
            f"SELECT id, serves FROM people WHERE id IN ({marks}) AND serves IS NOT NULL", chunk
        )
        found.update((pid, text) for pid, text in rows if text)
    return found


@dataclass(frozen=True)
class Target:
    """A person as a path's target names them."""

    id: int
    name: str
    organization: str | None
    role: str | None


def target(reader: Reader, person_id: int) -> Target:
    row = reader.one(
        "SELECT p.id, p.name, o.name, p.role FROM people p "
        "LEFT JOIN organizations o ON o.id = p.organization_id WHERE p.id = ?",
        (person_id,),
    )
    assert row is not None, "a person just found"
    return Target(*row)


def organization_name(reader: Reader, org_id: int) -> str | None:
    found = reader.scalar("SELECT name FROM organizations WHERE id = ?", (org_id,))
    return None if found is None else str(found)


@dataclass(frozen=True)
class TieSeen:
    """How a tie between two people came to be known, and when."""

    source: str
    since: dt.date | None
    last_seen: dt.date | None


def tie(reader: Reader, owner: int, a: int, b: int) -> TieSeen | None:
    """The tie between people A and B, if there is one."""
    low, high = sorted((a, b))
    row = reader.one(
        "SELECT source, since, last_seen FROM ties "
        "WHERE owner_id = ? AND person_a_id = ? AND person_b_id = ?",
        (owner, low, high),
    )
    return None if row is None else TieSeen(row[0], as_date(row[1]), as_date(row[2]))


def ledger_entry(
    giver: int, receiver: int, kind: str, date: dt.date, thanked_on: dt.date | None, me_id: int
) -> core_ledger.Entry:
    """One exchange of my ledger as the core reads it: whom with, and which way it went."""
    given = giver == me_id
    return core_ledger.Entry(
        person=receiver if given else giver,
        given=given,
        kind=kind,
        date=date,
        thanked=given or thanked_on is not None,
    )


def ledger(reader: Reader, owner: int, me_id: int) -> list[core_ledger.Entry]:
    """My whole ledger (what I gave and what I received), oldest first."""
    rows = reader.rows(
        "SELECT giver_id, receiver_id, kind, date, thanked_on FROM exchanges "
        "WHERE owner_id = ? AND (giver_id = ? OR receiver_id = ?) ORDER BY date, id",
        (owner, me_id, me_id),
    )
    return [
        ledger_entry(g, r, k, as_date(d) or dt.date.min, as_date(t), me_id)
        for g, r, k, d, t in rows
    ]


def briefed(reader: Reader, owner: int) -> set[int]:
    """The people holding the current version of my brief."""
    rows = reader.rows(
        "SELECT person_id FROM brief_copies WHERE owner_id = ? AND version = "
        "(SELECT MAX(version) FROM briefs WHERE owner_id = ?)",
        (owner, owner),
    )
    return {int(pid) for (pid,) in rows}
