"""The snapshot after writes: updated from the change log, it equals one built from scratch."""

from __future__ import annotations

import datetime as dt
import math
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from whoknows.config import load_settings
from whoknows.errors import WhoknowsError
from whoknows.services import merge, network, people, reach, snapshot, snapshot_files
from whoknows.services.people import PersonInput
from whoknows.services.store import Store
from whoknows.storage import changes
from whoknows.storage import schema as s

TODAY = dt.date(2026, 11, 22)
NAMES = [
    f"{first} {last}"
    for first, last in zip(
        "Ann Bob Cy Di Ed Flo Gus Hal".split(),
        "Ames Bell Cole Dorr Eck Fox Gray Hunt".split(),
        strict=True,
    )
]
ORGS = ["Acme", "Ferro", "Forge"]
TAGS = ["client", "Client", "partner"]


def picture(snap: snapshot.Snapshot) -> dict[str, Any]:
    """Everything a snapshot says, keyed by person ids (dense indices may differ, ids don't)."""
    g, a = snap.graph, snap.attributes
    ids = g.node_ids.tolist()

    def word(vocabulary: tuple[str, ...], code: int) -> str | None:
        return vocabulary[code] if code >= 0 else None

    ties = {}
    for row, pid in enumerate(ids):
        peers, strengths = g.neighbors(row)
        for peer, strength in zip(peers.tolist(), strengths.tolist(), strict=True):
            ties[pid, ids[peer]] = strength
    tags: dict[int, set[str]] = {}
    for node, code in zip(a.tag_nodes.tolist(), a.tag_codes.tolist(), strict=True):
        tags.setdefault(ids[node], set()).add(a.tags[code])
    people_ = {
        pid: (
            word(a.industries, int(a.industry[i])),
            word(a.roles, int(a.role[i])),
            word(a.cities, int(a.city[i])),
            int(a.org_size[i]),
            int(snap.organization[i]),
            None if math.isnan(snap.trust[i]) else float(snap.trust[i]),
            tags.get(pid, set()),
        )
        for i, pid in enumerate(ids)
    }
    return {
        "me": None if snap.me is None else ids[snap.me],
        "people": people_,
        "ties": ties,
        "max": dict(zip(ids, g.max_strength.tolist(), strict=True)),
        "serves": {
            ids[n]: t for n, t in zip(snap.serves_nodes.tolist(), snap.serves_texts, strict=True)
        },
        "my_ties": {ids[n]: text for n, text in snap.my_ties.items()},
        "version": snap.data_version,
    }


@contextmanager
def fresh_store() -> Iterator[Store]:
    """A database of its own (Hypothesis runs many examples in one test)."""
    with tempfile.TemporaryDirectory() as folder:
        opened = Store(load_settings(str(Path(folder) / "w.db")))
        try:
            yield opened
        finally:
            opened.close()


def seed(store: Store) -> None:
    people.set_me(store, PersonInput(name="Sam Jones"))
    for number, name in enumerate(NAMES[:5]):
        people.add_person(
            store,
            PersonInput(
                name=name, organization=ORGS[number % 3], role="CFO" if number % 2 else None
            ),
        )
    network.know(store, "#2", "#3", strength=0.6)
    network.know(store, "#3", "#4", strength=0.4)
    network.know(store, "#4", "#5", source="linkedin")
    network.know(store, "#1", "#6", strength=0.7)
    network.log(store, "coffee", ["#2"], on=TODAY - dt.timedelta(days=9))


ids = st.integers(1, 12)
write = st.one_of(
    st.tuples(
        st.just("add"),
        st.sampled_from(NAMES),
        st.sampled_from([*ORGS, None]),
        st.sampled_from(TAGS),
    ),
    st.tuples(st.just("know"), ids, ids, st.sampled_from([0.2, 0.5, 0.9, None])),
    st.tuples(st.just("unknow"), st.integers(0, 30)),
    st.tuples(
        st.just("log"), ids, st.sampled_from(["coffee", "email", "call"]), st.integers(0, 400)
    ),
    st.tuples(
        st.just("edit"), ids, st.sampled_from(["Retail", "Manufacturing"]), st.integers(1, 5)
    ),
    st.tuples(st.just("tag"), ids, st.sampled_from(TAGS)),
    st.tuples(st.just("rm"), ids),
    st.tuples(st.just("merge"), ids, ids),
    st.tuples(
        st.just("org"),
        st.sampled_from(ORGS),
        st.sampled_from(["Retail", None]),
        st.integers(5, 900),
    ),
    st.tuples(st.just("look")),
)


def apply(store: Store, step: tuple[Any, ...]) -> None:
    """One write, as a user or an import would make it; refused writes are simply skipped."""
    kind, *args = step
    try:
        if kind == "add":
            people.add_person(
                store, PersonInput(name=args[0], organization=args[1], tags=[args[2]])
            )
        elif kind == "know" and args[0] != args[1]:
            network.know(store, f"#{args[0]}", f"#{args[1]}", strength=args[2])
        elif kind == "unknow":  # the k-th tie there is (as an undo or an import would)
            with store.write() as session:
                ties = session.scalars(select(s.Tie.id).order_by(s.Tie.id)).all()
                if ties:
                    session.execute(delete(s.Tie).where(s.Tie.id == ties[args[0] % len(ties)]))
        elif kind == "log":
            network.log(store, args[1], [f"#{args[0]}"], on=TODAY - dt.timedelta(days=args[2]))
        elif kind == "edit":
            people.edit_person(
                store,
                f"#{args[0]}",
                PersonInput(industry=args[1], trust=args[2], serves=f"{args[1]} firms"),
            )
        elif kind == "tag":
            people.edit_person(store, f"#{args[0]}", PersonInput(tags=[args[1]]))
        elif kind == "rm" and args[0] != 1:
            people.remove_person(store, f"#{args[0]}")
        elif kind == "merge" and args[0] != args[1] and 1 not in args:
            merge.merge_people(store, f"#{args[0]}", f"#{args[1]}")
        elif kind == "org":
            with store.write() as session:
                session.execute(
                    update(s.Organization)
                    .where(s.Organization.name == args[0])
                    .values(industry=args[1], size=args[2])
                )
        elif kind == "look":
            snapshot.load_snapshot(store, today=TODAY)  # an update in between
    except WhoknowsError:
        pass  # a refused write (an unknown id, a conflict) is a write that did not happen


def answers(store: Store, day: dt.date) -> list[Any]:
    found: list[Any] = []
    for target in ("#4", "#3", "#7", "org:Ferro"):
        try:
            found.append(reach.find_paths(store, target, today=day))
        except WhoknowsError as exc:
            found.append(exc.message)
    return found


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(write, min_size=1, max_size=12), st.sampled_from([0, 1, 40]))
def test_random_writes_then_path_give_what_a_full_build_gives(
    monkeypatch: pytest.MonkeyPatch, steps: list[tuple[Any, ...]], later: int
) -> None:
    builds: list[int] = []
    real = snapshot._build

    def counted(*args: Any) -> Any:
        builds.append(1)
        return real(*args)

    monkeypatch.setattr(snapshot, "_build", counted)
    with fresh_store() as store:
        seed(store)
        snapshot.load_snapshot(store, today=TODAY)  # on disk now: later loads update it
        for step in steps:
            apply(store, step)
        day = TODAY + dt.timedelta(days=later)
        store.cache.clear()
        updated = picture(snapshot.load_snapshot(store, today=day))
        via_update = answers(store, day)
        # The first; every later snapshot was an update, a new month's too (ties aged from
        # the stored arrays: no build).
        assert len(builds) == 1
        shutil.rmtree(folder(store))
        store.cache.clear()
        assert picture(snapshot.load_snapshot(store, today=day)) == updated
        assert len(builds) == 2
        assert answers(store, day) == via_update


def folder(store: Store) -> Path:
    return snapshot_files.folder(
        store.settings.data_dir, store.settings.database_url, store.owner_id
    )


SCENARIO = [
    ("add", "Gus Gray", "Ferro", "client"),
    ("know", 7, 2, 0.8),
    ("know", 2, 3, 0.9),  # a new strength for a tie that was there
    ("unknow", 1),
    ("log", 7, "call", 3),
    ("edit", 3, "Manufacturing", 4),
    ("tag", 4, "partner"),
    ("org", "Acme", "Retail", 40),
    ("look",),
    ("merge", 5, 4),
    ("rm", 6),
    ("add", "Hal Hunt", None, "Client"),
    ("know", 8, 7, None),
]


def test_each_kind_of_write_updates_the_snapshot_as_a_build_would(store: Store) -> None:
    """The same, on SQLite and PostgreSQL (whose change log is written by its own triggers)."""
    seed(store)
    snapshot.load_snapshot(store, today=TODAY)
    for step in SCENARIO:
        apply(store, step)
    store.cache.clear()
    updated = snapshot.load_snapshot(store, today=TODAY)
    assert picture(updated) == picture(snapshot.build_snapshot(store, day=TODAY))
    assert 8 in updated.graph.node_ids
    assert 6 not in updated.graph.node_ids


def test_a_snapshot_older_than_the_change_log_is_built_again(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(store)
    snapshot.load_snapshot(store, today=TODAY)
    monkeypatch.setattr(changes, "KEEP", 2)
    monkeypatch.setattr(changes, "EVERY", 1)
    for strength in (0.3, 0.4, 0.5, 0.6):
        network.know(store, "#2", "#3", strength=strength)
    store.cache.clear()
    builds: list[int] = []
    real = snapshot._build
    monkeypatch.setattr(snapshot, "_build", lambda *a: builds.append(1) or real(*a))
    updated = snapshot.load_snapshot(store, today=TODAY)
    assert builds == [1]
    assert picture(updated)["ties"][2, 3] == pytest.approx(0.6)


def test_the_snapshot_files_are_private_and_only_changed_arrays_are_written_again(
    store: Store,
) -> None:
    seed(store)
    snapshot.load_snapshot(store, today=TODAY)
    where = folder(store)
    before = {p.name for p in where.iterdir()}
    assert oct(where.stat().st_mode & 0o777) == "0o700"
    assert {oct(p.stat().st_mode & 0o777) for p in where.iterdir()} == {"0o600"}
    network.log(store, "email", ["#2"], on=TODAY)  # my tie to #2 grows: strengths change
    snapshot.load_snapshot(store, today=TODAY)
    after = {p.name for p in where.iterdir()}
    written = {name.split("-")[0] for name in after - before}
    assert "strength" in written
    assert "indices" not in written
    assert "node_ids" not in written


def test_ties_between_others_age_by_the_month_and_the_snapshot_follows(store: Store) -> None:
    seed(store)
    with store.write() as session:  # #2–#3 last seen two years before TODAY's month
        session.execute(
            update(s.Tie)
            .where(s.Tie.person_a_id == 2, s.Tie.person_b_id == 3)
            .values(since=dt.date(2020, 1, 1), last_seen=dt.date(2024, 11, 5))
        )
    this_month = snapshot.load_snapshot(store, today=TODAY)
    g = this_month.graph
    assert g.strength_of(*g.index_of([2, 3])) == pytest.approx(0.3)  # 0.6, halved in 2 years
    # Still November: the same; in December, aged further, as a build would age it.
    end = snapshot.load_snapshot(store, today=dt.date(2026, 11, 30))
    assert end.graph.strength_of(*end.graph.index_of([2, 3])) == pytest.approx(0.3)
    december = dt.date(2026, 12, 1)
    store.cache.clear()
    aged = snapshot.load_snapshot(store, today=december)
    assert aged.graph.strength_of(*aged.graph.index_of([2, 3])) < 0.3
    assert picture(aged) == picture(snapshot.build_snapshot(store, day=december))


@pytest.mark.parametrize("months", [1, 2, 11, 25, 120])
def test_a_new_month_ages_the_stored_snapshot_from_its_arrays_as_a_build_would(
    monkeypatch: pytest.MonkeyPatch, months: int
) -> None:
    """The first graph command of a month ages the ties between others from the arrays the
    snapshot keeps (their strength before ageing, the month last heard of) instead of
    building it again: the same strengths, bit for bit, as a build on that day."""
    with fresh_store() as store:
        seed(store)
        with store.write() as session:  # ties last heard of in many months, one never
            for n, (a, b) in enumerate(
                session.execute(select(s.Tie.person_a_id, s.Tie.person_b_id))
            ):
                seen = None if n % 5 == 4 else dt.date(2014 + n % 13, 1 + n % 12, 1 + n % 27)
                session.execute(
                    update(s.Tie)
                    .where(s.Tie.person_a_id == a, s.Tie.person_b_id == b)
                    .values(since=seen, last_seen=seen)
                )
        first = snapshot.load_snapshot(store, today=TODAY)
        builds: list[int] = []
        real = snapshot._build
        monkeypatch.setattr(snapshot, "_build", lambda *a: builds.append(1) or real(*a))
        day = dt.date(
            TODAY.year + (TODAY.month - 1 + months) // 12, (TODAY.month - 1 + months) % 12 + 1, 3
        )
        store.cache.clear()
        later = snapshot.load_snapshot(store, today=day)
        assert builds == []  # aged from the arrays
        assert later.day == day
        assert not np.array_equal(later.graph.strength, first.graph.strength)  # it did age
        assert picture(later) == picture(snapshot.build_snapshot(store, day=day))


def test_hearing_of_an_old_tie_again_renews_it_in_the_updated_snapshot(store: Store) -> None:
    seed(store)
    with store.write() as session:
        session.execute(
            update(s.Tie)
            .where(s.Tie.person_a_id == 2, s.Tie.person_b_id == 3)
            .values(since=dt.date(2014, 1, 1), last_seen=dt.date(2014, 1, 1))
        )
    stale = snapshot.load_snapshot(store, today=TODAY)
    assert stale.graph.strength_of(*stale.graph.index_of([2, 3])) < 0.05
    # Told again today (the same strength): only the date the tie was last seen changes.
    network.know(store, "#2", "#3", strength=0.6)
    renewed = snapshot.load_snapshot(store, today=TODAY)
    assert renewed.graph.strength_of(*renewed.graph.index_of([2, 3])) == pytest.approx(0.6)
    assert picture(renewed) == picture(snapshot.build_snapshot(store, day=TODAY))
