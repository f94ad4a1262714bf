"""The graph's change log: the triggers name every changed row the snapshot reads, and no more."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, insert, select, update

from whoknows.errors import Conflict
from whoknows.services.store import Store
from whoknows.storage import changes, plain
from whoknows.storage import schema as s


def _people(store: Store) -> None:
    with store.write() as session:
        session.execute(insert(s.Organization), [{"id": 1, "name": "Acme", "name_key": "acme"}])
        session.execute(
            insert(s.Person),
            [
                {"id": i, "name": f"P{i}", "name_key": f"p{i}", "organization_id": 1}
                for i in (1, 2, 3)
            ],
        )
        session.execute(
            insert(s.Tie),
            [
                {"person_a_id": 1, "person_b_id": 2, "source": "told"},
                {"person_a_id": 2, "person_b_id": 3, "source": "told"},
            ],
        )


def _logged_after(store: Store, version: int) -> changes.Changes:
    with store.read() as session:
        return changes.since(session.connection(), store.owner_id, version)


def _version(store: Store) -> int:
    with store.read() as session:
        return int(session.scalar(select(s.Account.data_version)) or 0)


def test_inserts_are_not_logged_updates_and_deletes_are(store: Store) -> None:
    _people(store)
    assert len(_logged_after(store, 0)) == 0  # new rows are found by their ids instead
    mark = _version(store)
    with store.write() as session:
        session.execute(update(s.Person).where(s.Person.id == 1).values(industry="Retail"))
        session.execute(update(s.Person).where(s.Person.id == 2).values(notes="not in the graph"))
        session.execute(update(s.Tie).where(s.Tie.person_b_id == 3).values(strength=0.7))
        session.execute(update(s.Organization).values(size=50))
    logged = _logged_after(store, mark)
    assert logged.people == {1}
    assert logged.ties == {(2, 3)}
    assert logged.organizations == {1}


def test_a_deleted_person_logs_them_and_their_ties_through_the_cascade(store: Store) -> None:
    _people(store)
    mark = _version(store)
    with store.write() as session:
        session.execute(delete(s.Person).where(s.Person.id == 2))
    logged = _logged_after(store, mark)
    assert logged.people == {2}
    assert logged.ties == {(1, 2), (2, 3)}


def test_tags_and_a_deleted_organization_log_their_people(store: Store) -> None:
    _people(store)
    mark = _version(store)
    with store.write() as session:
        session.execute(insert(s.PersonTag), [{"person_id": 3, "tag": "client"}])
    assert _logged_after(store, mark).people == {3}
    mark = _version(store)
    with store.write() as session:
        session.execute(delete(s.Organization))  # people's organization goes to NULL
    assert _logged_after(store, mark).people == {1, 2, 3}


def test_each_change_carries_the_version_its_transaction_commits(store: Store) -> None:
    _people(store)
    with store.write() as session:
        session.execute(update(s.Person).where(s.Person.id == 1).values(role="CFO"))
    committed = _version(store)
    assert _logged_after(store, committed - 1).people == {1}
    assert len(_logged_after(store, committed)) == 0


def test_old_changes_are_pruned_and_then_the_log_says_it_is_incomplete(store: Store) -> None:
    assert changes.complete_since(100, 100)
    assert changes.complete_since(100, 99)
    assert not changes.complete_since(100, 101)  # a version from the future: not this log
    first_pruned = changes.EVERY * 20
    assert not changes.complete_since(first_pruned, first_pruned - changes.KEEP - 1)
    _people(store)
    with store.write() as session:
        session.execute(update(s.Person).where(s.Person.id == 1).values(role="CFO"))
        session.execute(
            update(s.Account).values(data_version=first_pruned - 1)
        )  # as if many writes came after it
    with store.write():
        pass  # this write's version is a multiple of EVERY: it prunes
    assert len(_logged_after(store, 0)) == 0


def test_finding_me_uses_the_index_not_a_scan_of_everyone(sqlite_url: str) -> None:
    """Each way of finding me runs SQL that SQLite answers from the partial index (a raw
    "people.is_me" read all the people: 0.2 s at a million, in every command)."""
    from sqlalchemy import event

    from whoknows.config import load_settings
    from whoknows.services import detail, people, refs
    from whoknows.services.people import PersonInput

    ran: list[tuple[str, Any]] = []
    with Store(load_settings(sqlite_url)) as opened:
        people.set_me(opened, PersonInput(name="Sam Me"))
        event.listen(opened.engine, "before_cursor_execute", lambda *a: ran.append((a[2], a[3])))
        with opened.read() as session:
            refs.me(session, opened.owner_id)
            refs.person(session, opened.owner_id, "me")
        detail.person_detail(opened, "me")
        finding_me = [(sql, args) for sql, args in ran if "is_me" in sql.partition("WHERE")[2]]
        # and the plain read that path and the snapshot use (storage/plain.py), traced
        traced: list[str] = []
        raw = plain.connect_sqlite(Path(sqlite_url.removeprefix("sqlite:///")))
        raw.set_trace_callback(traced.append)
        with plain.read(raw) as reader:
            assert plain.state(reader, opened.owner_id).me_id is not None
        raw.close()
        finding_me += [(sql, ()) for sql in traced if "is_me" in sql.partition("WHERE")[2]]
        assert len(finding_me) >= 2
        with opened.engine.connect() as connection:
            for sql, args in finding_me:
                plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", args).all()
                assert "ix_people_one_me" in str(plan), sql


def test_an_owner_has_one_me_on_every_backend(store: Store) -> None:
    """The partial unique index holds (its PostgreSQL condition lives in the migrations)."""
    with store.write() as session:
        session.execute(insert(s.Person), [{"name": "Sam", "name_key": "sam", "is_me": True}])
        session.execute(insert(s.Person), [{"name": f"P{i}", "name_key": f"p{i}"} for i in (1, 2)])
    with pytest.raises(Conflict), store.write() as session:
        session.execute(insert(s.Person), [{"name": "Kim", "name_key": "kim", "is_me": True}])
