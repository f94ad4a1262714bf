"""People listed a page at a time, in plain SQL (storage/plain.py): `person list`, the people
page and the API read them without SQLAlchemy's ORM (docs/benchmarks.md, issue 13)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from whoknows.core import models
from whoknows.storage.plain import Reader, as_date, chunks

_COLUMNS = (
    "p.id, p.name, o.name, p.role, p.industry, p.city, p.stage, p.notes, p.serves, p.asks, "
    "p.offers, p.trust, p.met_where, p.met_on, p.is_me"
)


@dataclass(frozen=True)
class Filter:
    """Whom a listing keeps: everyone of the owner, or those with a tag, at an organization
    (by id), at a stage."""

    owner: int
    tag: str | None = None
    organization: int | None = None
    stage: str | None = None

    def where(self) -> tuple[str, tuple[object, ...]]:
        sql, params = ["p.owner_id = ?"], list[object]([self.owner])
        if self.tag is not None:
            sql.append("p.id IN (SELECT person_id FROM person_tags WHERE owner_id = ? AND tag = ?)")
            params += [self.owner, self.tag]
        if self.organization is not None:
            sql.append("p.organization_id = ?")
            params.append(self.organization)
        if self.stage is not None:
            sql.append("p.stage = ?")
            params.append(self.stage)
        return " AND ".join(sql), tuple(params)


def count(reader: Reader, wanted: Filter) -> int:
    """How many people the filter keeps."""
    where, params = wanted.where()
    return int(reader.scalar(f"SELECT COUNT(*) FROM people p WHERE {where}", params) or 0)


def listed(
    reader: Reader, wanted: Filter, limit: int | None = None, offset: int = 0
) -> list[models.Person]:
    """The people the filter keeps, by name (then id): LIMIT of them after OFFSET (all when
    LIMIT is None), with their emails, phones and tags."""
    where, params = wanted.where()
    window = ""
    if limit is not None or offset:
        window = " LIMIT ? OFFSET ?"  # no limit: -1 on SQLite, NULL on PostgreSQL
        params += (limit if limit is not None else None if reader.postgres else -1, offset)
    rows = reader.rows(
        f"SELECT {_COLUMNS} FROM people p LEFT JOIN organizations o ON o.id = p.organization_id "
        f"WHERE {where} ORDER BY p.name_key, p.id{window}",
        params,
    )
    ids = [int(row[0]) for row in rows]
    emails = _many(reader, "SELECT person_id, email FROM person_emails", ids, "position, id")
    phones = _many(reader, "SELECT person_id, phone FROM person_phones", ids, "position, id")
    tags = _many(reader, "SELECT person_id, tag FROM person_tags", ids, "tag")
    return [_person(row, emails, phones, tags) for row in rows]


def _person(
    row: tuple[Any, ...],
    emails: dict[int, tuple[str, ...]],
    phones: dict[int, tuple[str, ...]],
    tags: dict[int, tuple[str, ...]],
) -> models.Person:
    pid, name, org, role, industry, city, stage, notes, serves, asks, offers, trust = row[:12]
    met_where, met_on, is_me = row[12:]
    return models.Person(
        id=pid,
        name=name,
        emails=emails.get(pid, ()),
        phones=phones.get(pid, ()),
        organization=org,
        role=role,
        industry=industry,
        city=city,
        tags=tags.get(pid, ()),
        stage=models.Stage(stage) if stage else None,
        notes=notes,
        serves=serves,
        asks=asks,
        offers=offers,
        trust=trust,
        met_where=met_where,
        met_on=as_date(met_on),
        is_me=bool(is_me),
    )


def _many(
    reader: Reader, select: str, ids: Collection[int], order: str
) -> dict[int, tuple[str, ...]]:
    """Per person, the values SELECT (person_id, value) reads, in ORDER."""
    found: dict[int, list[str]] = {}
    for marks, chunk in chunks(ids):
        for pid, value in reader.rows(
            f"{select} WHERE person_id IN ({marks}) ORDER BY person_id, {order}", chunk
        ):
            found.setdefault(int(pid), []).append(value)
    return {pid: tuple(values) for pid, values in found.items()}
