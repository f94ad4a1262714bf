"""The demo network: realistic, reproducible, written in one go, and refused where data lives."""

from __future__ import annotations

import datetime as dt
import json
import shlex
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import numpy as np
import phonenumbers
import pytest
import typer
from sqlalchemy import func, inspect, select
from typer.testing import CliRunner

from whoknows.cli.demo import demo
from whoknows.config import Settings
from whoknows.core.models import TieSource
from whoknows.core.tiestrength import unheard_strength
from whoknows.demo import build as demo_service
from whoknows.demo import generator
from whoknows.demo.build import DemoSummary, build_demo
from whoknows.demo.tour import tour
from whoknows.errors import UserError
from whoknows.services import icp, people, refs
from whoknows.services.people import PersonInput
from whoknows.services.store import Store
from whoknows.storage import schema as s

TODAY = dt.date(2026, 3, 2)


def _open(path: Path) -> Store:
    return Store(
        Settings(database_url=f"sqlite:///{path}", data_dir=path.parent, config_dir=path.parent)
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    """One small demo in a SQLite file, shared by the tests that only read it."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with _open(path) as store:
        summary = build_demo(store, "small", 7, today=TODAY, with_features=False)
    return path, summary


@pytest.fixture
def db(built: tuple[Path, DemoSummary]) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(built[0])
    yield connection
    connection.close()


def _ties(db: sqlite3.Connection) -> np.ndarray:
    return np.array(db.execute("SELECT person_a_id, person_b_id FROM ties").fetchall())


def test_small_demo_builds_in_seconds_with_every_part(
    built: tuple[Path, DemoSummary], db: sqlite3.Connection
) -> None:
    _, summary = built
    assert summary.generate_seconds + summary.write_seconds < 10
    assert (summary.people, summary.first_degree, summary.ties) == (2_301, 300, 15_000)
    assert summary.second_degree > 1_800
    count = {
        table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("people", "ties", "organizations", "events", "interactions")
    }
    assert count == {
        "people": summary.people,
        "ties": summary.ties,
        "organizations": summary.organizations,
        "events": summary.events,
        "interactions": summary.interactions,
    }
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT name FROM people WHERE is_me").fetchall() == [("Jordan Ashworth",)]


def test_same_seed_gives_the_same_network_and_another_seed_another(
    built: tuple[Path, DemoSummary], db: sqlite3.Connection, tmp_path: Path
) -> None:
    with _open(tmp_path / "again.db") as store:
        build_demo(store, "small", 7, today=TODAY, with_features=False)
    again = sqlite3.connect(tmp_path / "again.db")
    for query in (
        "SELECT id, name, organization_id, role, stage FROM people ORDER BY id",
        "SELECT person_a_id, person_b_id, strength, source, since FROM ties ORDER BY id",
        "SELECT person_id, email FROM person_emails ORDER BY id",
    ):
        assert again.execute(query).fetchall() == db.execute(query).fetchall()
    again.close()
    other = generator.generate(generator.SIZES["small"], 8, TODAY)
    assert not np.array_equal(other.ties.b, _ties(db)[:, 1] - 1)
    assert not np.array_equal(
        other.world.first, generator.generate(generator.SIZES["small"], 7, TODAY).world.first
    )


def test_ties_are_ordered_unique_pairs_with_strengths_in_range(db: sqlite3.Connection) -> None:
    ties = _ties(db)
    assert (ties[:, 0] < ties[:, 1]).all()
    assert len(np.unique(ties, axis=0)) == len(ties)
    low, high = db.execute("SELECT min(strength), max(strength) FROM ties").fetchone()
    assert 0 < low
    assert high <= 1
    sources = {row[0] for row in db.execute("SELECT DISTINCT source FROM ties")}
    assert {"linkedin", "told", "colleague", "email", "event"} <= sources
    weak, strong = (
        db.execute("SELECT avg(strength) FROM ties WHERE source = ?", (source,)).fetchone()[0]
        for source in ("linkedin", "told")
    )
    assert weak < 0.35 < 0.6 < strong


def test_close_ties_between_others_were_mostly_seen_lately_and_some_stay_strong(
    db: sqlite3.Connection,
) -> None:
    # Ties age from when they were last seen (core/tiestrength.py); with last sightings drawn
    # at random over a tie's life, a third of the demo's strong ties lay years back and aged
    # into the dormant band, leaving hardly a strong tie between others.
    rows = db.execute(
        "SELECT strength, julianday(?) - julianday(last_seen) FROM ties "
        "WHERE person_a_id <> 1 AND person_b_id <> 1 AND strength IS NOT NULL",
        (TODAY.isoformat(),),
    ).fetchall()
    strength, age = np.array(rows, dtype=np.float64).T
    assert np.median(age[strength >= 0.75]) < 0.6 * np.median(age[strength < 0.5])
    aged = np.array(
        [
            unheard_strength(TieSource.TOLD, s, TODAY - dt.timedelta(days=d), TODAY)
            for s, d in zip(strength, age, strict=True)
        ]
    )
    assert np.mean(aged >= 0.745) > 0.04  # "strong" as shown, to two decimals


def test_degrees_have_a_heavy_tail(db: sqlite3.Connection) -> None:
    ties = _ties(db)
    others = ties[(ties != 1).all(axis=1)]  # leave my own 300 ties out of it
    degree = np.bincount(others.ravel())[2:]
    assert degree.max() >= 8 * np.median(degree)
    assert np.percentile(degree, 99) >= 3 * np.median(degree)


def test_clustering_is_far_above_a_random_graph_of_the_same_density(db: sqlite3.Connection) -> None:
    ties = _ties(db)
    graph = nx.Graph(ties.tolist())
    n = graph.number_of_nodes()
    density = 2 * graph.number_of_edges() / (n * (n - 1))
    sample = np.random.default_rng(0).choice(list(graph.nodes), 500, replace=False).tolist()
    assert nx.average_clustering(graph, sample) > 10 * density


def test_first_degree_people_have_two_to_five_years_of_interactions(db: sqlite3.Connection) -> None:
    rows = db.execute(
        "SELECT p.stage, min(i.date), max(i.date), count(*) FROM interaction_people ip "
        "JOIN interactions i ON i.id = ip.interaction_id JOIN people p ON p.id = ip.person_id "
        "GROUP BY p.id"
    ).fetchall()
    assert len(rows) == 300  # every contact, and nobody else
    first = min(dt.date.fromisoformat(r[1]) for r in rows)
    last = max(dt.date.fromisoformat(r[2]) for r in rows)
    assert 2 * 365 <= (last - first).days <= 5 * 365 + 30
    assert last <= TODAY
    by_stage: dict[str, list[int]] = {}
    for stage, _, _, count in rows:
        by_stage.setdefault(stage, []).append(count)
    assert set(by_stage) == {"met", "connected", "one-to-one", "trusted", "advocate", "dormant"}
    assert np.mean(by_stage["advocate"]) > 3 * np.mean(by_stage["connected"])
    kinds = {row[0] for row in db.execute("SELECT DISTINCT kind FROM interactions")}
    assert kinds == {"event", "one-to-one", "coffee", "call", "meeting", "email", "message"}
    orphans = db.execute(
        "SELECT count(*) FROM interactions "
        "WHERE id NOT IN (SELECT interaction_id FROM interaction_people)"
    ).fetchone()[0]
    assert orphans == 0


def test_events_have_people_met_some_who_get_give_to_get(db: sqlite3.Connection) -> None:
    events = db.execute(
        "SELECT e.id, e.date, count(a.person_id), sum(a.gets_it) FROM events e "
        "JOIN event_attendees a ON a.event_id = e.id GROUP BY e.id"
    ).fetchall()
    assert len(events) == 30
    assert all(met >= 1 for _, _, met, _ in events)
    total, getting = sum(e[2] for e in events), sum(e[3] for e in events)
    assert 0.1 * total < getting < 0.9 * total
    for event_id, date, met, _ in events:
        logged = db.execute(
            "SELECT i.date, count(*) FROM interactions i JOIN interaction_people ip "
            "ON ip.interaction_id = i.id WHERE i.event_id = ? AND i.kind = 'event' GROUP BY i.id",
            (event_id,),
        ).fetchall()
        assert logged == [(date, met)]
        assert dt.date.fromisoformat(date).weekday() < 5


def test_contacts_are_described_and_reachable_by_email(
    built: tuple[Path, DemoSummary], db: sqlite3.Connection
) -> None:
    names = db.execute("SELECT name, name_key FROM people").fetchall()
    assert all(key == refs.name_key(name) for name, key in names)
    assert any(any("\u0590" <= c <= "\u06ff" for c in name) for name, _ in names)  # RTL
    assert any(not name.isascii() for name, _ in names)
    emails = [row[0] for row in db.execute("SELECT email FROM person_emails")]
    assert len(emails) > 250
    assert len(set(emails)) == len(emails)
    phones = [row[0] for row in db.execute("SELECT phone FROM person_phones")]
    valid = [phonenumbers.is_valid_number(phonenumbers.parse(p)) for p in phones]
    assert len(phones) > 100
    assert all(valid)
    described = db.execute(
        "SELECT count(serves), count(asks), count(offers), count(trust) FROM people "
        "WHERE id IN (SELECT person_b_id FROM ties WHERE person_a_id = 1)"
    ).fetchone()
    assert all(count > 60 for count in described)
    with _open(built[0]) as store:
        found = people.get_person(store, emails[5])
    assert found.emails[0] == emails[5]


def test_tour_names_real_people_and_events(built: tuple[Path, DemoSummary]) -> None:
    with _open(built[0]) as store:
        shown = tour(store, today=TODAY)
        assert (shown.people, shown.first_degree, shown.ties) == (2_301, 300, 15_000)
        assert shown.second_degree == built[1].second_degree
        assert icp.get_profile(store) == demo_service.ideal_client()
        assert shown.ideal_client is not None
        assert "Manufacturing" in shown.ideal_client
        assert shown.me is not None
        assert shown.me.is_me
        assert len(shown.strongest) == len(shown.busiest_events) == 5
        assert shown.strongest[0].interactions >= shown.strongest[-1].interactions // 3
        show = shlex.split(shown.try_commands[0])
        assert show[:3] == ["whoknows", "person", "show"]
        with store.read() as session:
            person = refs.person(session, store.owner_id, show[3])
            assert person.id in {r.id for r in shown.strongest}
            refs.event(session, store.owner_id, shown.busiest_events[0].name)


def _schema(store: Store) -> dict[str, tuple[object, ...]]:
    found = inspect(store.engine)
    return {
        table: (
            sorted((i["name"], i["column_names"], i["unique"]) for i in found.get_indexes(table)),
            sorted(str(k) for k in found.get_foreign_keys(table)),
            sorted(str(c) for c in found.get_check_constraints(table)),
        )
        for table in found.get_table_names()
    }


def test_demo_writes_on_every_backend_and_leaves_the_schema_as_it_was(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _schema(store)
    # Take the large-table path (indexes and foreign keys dropped and put back) on every table.
    monkeypatch.setattr(demo_service, "_DEFER_INDEXES", 0)
    summary = build_demo(store, "small", 3, today=TODAY, with_features=False)
    assert _schema(store) == before
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(s.Tie)) == summary.ties
        assert session.scalar(select(s.Account.data_version)) >= 1
    added = people.add_person(store, PersonInput(name="New Person"))
    assert added.id == summary.people + 1


def test_refuses_a_database_that_already_holds_people(store: Store) -> None:
    people.add_person(store, PersonInput(name="Dana Okafor"))
    with pytest.raises(UserError, match="not empty"):
        build_demo(store, "small", 7, today=TODAY)
    assert [p.name for p in people.list_people(store)] == ["Dana Okafor"]


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("demo")(demo)

    @app.callback()
    def _root() -> None:
        """A tiny app: the real one registers demo the same way."""

    return app


def test_cli_builds_its_own_database_and_prints_the_tour(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An exported database must not become the demo's target: only --db says where.
    monkeypatch.setenv("WHOKNOWS_DATABASE_URL", str(tmp_path / "real.db"))
    runner = CliRunner()
    first = runner.invoke(_app(), ["demo", "--size", "small"])
    assert first.exit_code == 0, first.output
    demo_db = tmp_path / "data" / "demo.db"
    assert demo_db.exists()
    assert not (tmp_path / "real.db").exists()
    assert "Strongest relationships" in first.output
    assert f"export WHOKNOWS_DATABASE_URL={demo_db}" in first.output
    again = runner.invoke(_app(), ["demo", "--size", "small", "--json"])
    assert again.exit_code == 0, again.output
    shown = json.loads(again.output)
    # the features (ledger, referrals, follow-ups) add interactions and ties on top
    assert shown["summary"]["people"] == shown["tour"]["people"] >= 2_301
    assert shown["tour"]["first_degree"] > 300
    assert [x["title"] for x in shown["tour"]["sections"]] == [
        "Give and get",
        "Referrals and the business they brought",
        "Follow up",
        "Your best advocates, and a warm path",
    ]
    assert shown["tour"]["strongest"][0]["name"] in first.output


def test_cli_refuses_a_non_empty_database_given_with_db(tmp_path: Path) -> None:
    target = tmp_path / "mine.db"
    with _open(target) as store:
        people.add_person(store, PersonInput(name="Dana Okafor"))
    result = CliRunner().invoke(_app(), ["demo", "--size", "small", "--db", str(target)])
    assert isinstance(result.exception, UserError)
    assert result.exception.exit_code == 2
