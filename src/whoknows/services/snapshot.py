"""The graph snapshot: built from the store in one streaming pass, cached on disk and in memory.

Rebuilt only when the store changed (the owner's data version) or the day changed (tie
strength decays with time); otherwise loaded from ``<data dir>/cache``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, select

from whoknows.core.graph import Graph
from whoknows.core.icp import Attributes
from whoknows.core.models import InteractionKind, TieSource
from whoknows.core.tiestrength import (
    Contact,
    Rating,
    Service,
    TieScore,
    band,
    default_strength,
    score_tie,
)
from whoknows.services import ledger
from whoknows.services.store import Store
from whoknows.storage import schema as s

FORMAT = 1
_CHUNK = 200_000
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Snapshot:
    """The network as arrays aligned with ``graph`` nodes, plus what explanations need."""

    graph: Graph
    me: int | None  # dense index of me, when I am set
    attributes: Attributes
    organization: npt.NDArray[np.int64]  # organization id per node, -1 for none
    trust: npt.NDArray[np.float64]  # my trust in [0, 1]; NaN when not recorded
    serves_nodes: npt.NDArray[np.int64]  # nodes with a "whom they serve" text …
    serves_texts: tuple[str, ...]  # … and those texts
    my_ties: dict[int, str]  # node → plain explanation of my tie to them
    data_version: str  # see data_version(): which database, and which state of it
    day: dt.date


def _cache_path(store: Store) -> Path:
    digest = hashlib.sha1(store.settings.database_url.encode()).hexdigest()[:16]
    return store.settings.data_dir / "cache" / f"graph-{digest}-{store.owner_id}.npz"


def data_version(store: Store) -> str:
    """Which database, in which state (see Store.data_version)."""
    return store.data_version()


def load_snapshot(
    store: Store, *, today: dt.date | None = None, progress: Progress | None = None
) -> Snapshot:
    """The current snapshot: from the store's cache, else the disk cache, else built.

    Single-flight: concurrent callers after a write wait for one build (services/cache.py).
    """
    day = today or dt.date.today()
    version = data_version(store)

    def load() -> Snapshot:
        path = _cache_path(store)
        snapshot = _read_cache(path, version, day)
        if snapshot is None:
            if progress:
                progress("building the network snapshot")
            snapshot = build_snapshot(store, day=day, version=version)
            _write_cache(path, snapshot)
        return snapshot

    return store.cache.get("snapshot", day, version, load)


def build_snapshot(store: Store, *, day: dt.date, version: str | None = None) -> Snapshot:
    """Stream people and ties out of the store into arrays (no Python object per tie kept)."""
    with store.read() as session:
        connection = session.connection()
        me_id = session.scalar(
            select(s.Person.id).where(s.Person.owner_id == store.owner_id, s.Person.is_me)
        )
        people = _people(connection, store.owner_id)
        node_ids = people["ids"]
        graph_chunks = list(_ties(connection, store.owner_id, me_id))
        services = ledger.services_by_person(session, store.owner_id, me_id) if me_id else {}
        mine, explanations = _my_ties(connection, store.owner_id, me_id, day, services)
        graph_chunks.append(mine)
        graph = Graph.from_chunks(graph_chunks, node_ids=node_ids)
        attributes = _attributes(connection, store.owner_id, people, graph)
        me = int(graph.index_of([me_id])[0]) if me_id is not None else None
        my_ties = {int(graph.index_of([pid])[0]): text for pid, text in explanations.items()}
        serves_ids, serves_texts = people["serves"]
        return Snapshot(
            graph=graph,
            me=me,
            attributes=attributes,
            organization=people["organization"],
            trust=people["trust"],
            serves_nodes=graph.index_of(np.asarray(serves_ids, dtype=np.int64)),
            serves_texts=tuple(serves_texts),
            my_ties=my_ties,
            data_version=data_version(store) if version is None else version,
            day=day,
        )


def _raw_rows(connection: Connection, sql: str, params: tuple[Any, ...]) -> Iterator[list[Any]]:
    """Rows in chunks straight from the driver (a server-side cursor on PostgreSQL)."""
    raw = connection.connection.driver_connection
    assert raw is not None
    postgres = connection.dialect.name == "postgresql"
    cursor = raw.cursor(name="whoknows_snapshot") if postgres else raw.cursor()
    try:
        cursor.execute(sql.replace("?", "%s") if postgres else sql, params)
        while True:
            rows = cursor.fetchmany(_CHUNK)
            if not rows:
                break
            yield rows
    finally:
        cursor.close()


def _factorize(values: list[Any], vocabulary: dict[str, int]) -> npt.NDArray[np.int32]:
    return np.fromiter(
        (-1 if not v else vocabulary.setdefault(v, len(vocabulary)) for v in values),
        dtype=np.int32,
        count=len(values),
    )


def _people(connection: Connection, owner: int) -> dict[str, Any]:
    sql = (
        "SELECT p.id, COALESCE(p.industry, o.industry), p.role, COALESCE(p.city, o.city), "
        "COALESCE(o.size, -1), COALESCE(p.organization_id, -1), COALESCE(p.trust, 0), p.serves "
        "FROM people p LEFT JOIN organizations o ON o.id = p.organization_id "
        "WHERE p.owner_id = ? ORDER BY p.id"
    )
    ids, sizes, orgs, trusts = [], [], [], []
    industry, role, city = [], [], []
    vocab: dict[str, dict[str, int]] = {"industry": {}, "role": {}, "city": {}}
    serves_ids: list[int] = []
    serves_texts: list[str] = []
    for rows in _raw_rows(connection, sql, (owner,)):
        columns = list(zip(*rows, strict=True))
        ids.append(np.asarray(columns[0], dtype=np.int64))
        industry.append(_factorize(list(columns[1]), vocab["industry"]))
        role.append(_factorize(list(columns[2]), vocab["role"]))
        city.append(_factorize(list(columns[3]), vocab["city"]))
        sizes.append(np.asarray(columns[4], dtype=np.int32))
        orgs.append(np.asarray(columns[5], dtype=np.int64))
        trusts.append(np.asarray(columns[6], dtype=np.float64))
        for pid, text in zip(columns[0], columns[7], strict=True):
            if text:
                serves_ids.append(pid)
                serves_texts.append(text)

    def joined(parts: list[npt.NDArray[Any]], dtype: type[np.generic]) -> npt.NDArray[Any]:
        return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

    trust = joined(trusts, np.float64)
    return {
        "ids": joined(ids, np.int64),
        "industry": (joined(industry, np.int32), tuple(vocab["industry"])),
        "role": (joined(role, np.int32), tuple(vocab["role"])),
        "city": (joined(city, np.int32), tuple(vocab["city"])),
        "org_size": joined(sizes, np.int32),
        "organization": joined(orgs, np.int64),
        "trust": np.where(trust > 0, (trust - 1) / 4, np.nan),
        "serves": (serves_ids, serves_texts),
    }


def _default_strength_sql() -> str:
    cases = " ".join(
        f"WHEN '{source.value}' THEN {default_strength(source, None)!r}" for source in TieSource
    )
    otherwise = default_strength(TieSource.MANUAL, None)
    return f"COALESCE(strength, CASE source {cases} ELSE {otherwise!r} END)"


def _ties(connection: Connection, owner: int, me_id: int | None) -> Iterator[tuple[Any, Any, Any]]:
    """Ties between other people: their recorded strength, or a default by source."""
    sql = (
        f"SELECT person_a_id, person_b_id, {_default_strength_sql()} FROM ties "
        "WHERE owner_id = ? AND person_a_id <> ? AND person_b_id <> ?"
    )
    me = -1 if me_id is None else me_id
    for rows in _raw_rows(connection, sql, (owner, me, me)):
        block = np.asarray(rows, dtype=np.float64)
        yield block[:, 0].astype(np.int64), block[:, 1].astype(np.int64), block[:, 2]


def _my_ties(
    connection: Connection,
    owner: int,
    me_id: int | None,
    day: dt.date,
    services: dict[int, list[Service]],
) -> tuple[tuple[Any, Any, Any], dict[int, str]]:
    """My own ties, scored from the interaction history and what we exchanged (the ledger);
    the recorded strength, or a default by source, when neither is known."""
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    if me_id is None:
        return empty, {}
    ties = connection.execute(
        select(s.Tie.person_a_id, s.Tie.person_b_id, s.Tie.strength, s.Tie.source, s.Tie.since)
        .where(s.Tie.owner_id == owner)
        .where((s.Tie.person_a_id == me_id) | (s.Tie.person_b_id == me_id))
    ).all()
    rows = connection.execute(
        select(
            s.Interaction.id, s.InteractionPerson.person_id, s.Interaction.kind, s.Interaction.date
        )
        .join(s.InteractionPerson, s.InteractionPerson.interaction_id == s.Interaction.id)
        .where(s.Interaction.owner_id == owner)
    ).all()
    # Everyone in interaction_people is someone other than me: the group size of a contact.
    counts = Counter(row[0] for row in rows)
    contacts: dict[int, list[Contact]] = {}
    for interaction_id, person_id, kind, date in rows:
        contacts.setdefault(person_id, []).append(
            Contact(date, InteractionKind(kind), counts[interaction_id])
        )
    ratings = {
        person_id: trust
        for person_id, trust in connection.execute(
            select(s.Person.id, s.Person.trust).where(s.Person.owner_id == owner)
        )
        if trust is not None
    }
    a, b, strengths = [], [], []
    explanations: dict[int, str] = {}
    for low, high, recorded, source, since in ties:
        other = high if low == me_id else low
        history = contacts.get(other, [])
        exchanged = services.get(other, [])
        if history or exchanged:
            score: TieScore = score_tie(
                history,
                today=day,
                services=exchanged,
                rating=Rating(ratings[other], since or day) if other in ratings else None,
                contexts=max(1, len({c.kind for c in history})),
                known_since=since,
            )
            strength = score.strength
            explanations[other] = score.explanation
        else:
            strength = default_strength(TieSource(source), recorded)
            explanations[other] = f"{band(strength)} ({strength:.2f}): {source}, nothing logged yet"
        a.append(me_id)
        b.append(other)
        strengths.append(strength)
    return (np.asarray(a, np.int64), np.asarray(b, np.int64), np.asarray(strengths)), explanations


def _attributes(
    connection: Connection, owner: int, people: dict[str, Any], graph: Graph
) -> Attributes:
    vocabulary: dict[str, int] = {}
    nodes: list[int] = []
    codes: list[int] = []
    tag_rows = connection.execute(
        select(s.PersonTag.person_id, s.PersonTag.tag).where(s.PersonTag.owner_id == owner)
    ).all()
    if tag_rows:
        ids, tags = zip(*tag_rows, strict=True)
        nodes = graph.index_of(np.asarray(ids, dtype=np.int64)).tolist()
        codes = [vocabulary.setdefault(t.casefold(), len(vocabulary)) for t in tags]
    industry, industries = people["industry"]
    role, roles = people["role"]
    city, cities = people["city"]
    return Attributes(
        industry=industry,
        industries=industries,
        role=role,
        roles=roles,
        city=city,
        cities=cities,
        org_size=people["org_size"],
        tag_nodes=np.asarray(nodes, dtype=np.int64),
        tag_codes=np.asarray(codes, dtype=np.int32),
        tags=tuple(vocabulary),
    )


# -- the disk cache -----------------------------------------------------------------------


def _write_cache(path: Path, snapshot: Snapshot) -> None:
    """Best effort: a cache that cannot be written only costs a rebuild next time."""
    a = snapshot.attributes
    meta = {
        "format": FORMAT,
        "version": snapshot.data_version,
        "day": snapshot.day.isoformat(),
        "me": snapshot.me,
        "industries": a.industries,
        "roles": a.roles,
        "cities": a.cities,
        "tags": a.tags,
        "serves_texts": snapshot.serves_texts,
        "my_ties": {str(k): v for k, v in snapshot.my_ties.items()},
    }
    arrays = {f"graph_{k}": v for k, v in snapshot.graph.to_arrays().items()}
    arrays.update(
        industry=a.industry,
        role=a.role,
        city=a.city,
        org_size=a.org_size,
        tag_nodes=a.tag_nodes,
        tag_codes=a.tag_codes,
        organization=snapshot.organization,
        trust=snapshot.trust,
        serves_nodes=snapshot.serves_nodes,
        meta=np.array(json.dumps(meta, ensure_ascii=False)),
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(prefix=".graph-", suffix=".npz", dir=path.parent)
        with os.fdopen(handle, "wb") as out:
            np.savez(out, **arrays)  # type: ignore[arg-type]
        os.replace(tmp, path)
    except OSError:
        return


def _read_cache(path: Path, version: str, day: dt.date) -> Snapshot | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if (meta["format"], meta["version"], meta["day"]) != (FORMAT, version, day.isoformat()):
                return None
            graph = Graph.from_arrays(
                {k.removeprefix("graph_"): data[k] for k in data.files if k.startswith("graph_")}
            )
            attributes = Attributes(
                industry=data["industry"],
                industries=tuple(meta["industries"]),
                role=data["role"],
                roles=tuple(meta["roles"]),
                city=data["city"],
                cities=tuple(meta["cities"]),
                org_size=data["org_size"],
                tag_nodes=data["tag_nodes"],
                tag_codes=data["tag_codes"],
                tags=tuple(meta["tags"]),
            )
            return Snapshot(
                graph=graph,
                me=meta["me"],
                attributes=attributes,
                organization=data["organization"],
                trust=data["trust"],
                serves_nodes=data["serves_nodes"],
                serves_texts=tuple(meta["serves_texts"]),
                my_ties={int(k): v for k, v in meta["my_ties"].items()},
                data_version=version,
                day=day,
            )
    except (OSError, KeyError, ValueError):
        return None
