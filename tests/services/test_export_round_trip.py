"""Exports lose nothing: vCard and CSV carry every field whoknows keeps and read back; a
re-import into the same database changes nothing; into an empty one, it gives the same
people with the same fields."""

from __future__ import annotations

import datetime as dt
import shutil
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from whoknows.config import load_settings
from whoknows.core import models
from whoknows.services import backup, exports, imports, people
from whoknows.services.store import Store
from whoknows.storage import schema as s

TODAY = dt.date(2026, 11, 30)
FIELDS = (
    "name", "emails", "phones", "organization", "role", "industry", "city", "tags", "notes",
    "serves", "asks", "offers", "stage", "trust", "met_where", "met_on",
)  # fmt: skip


def everyone(store: Store) -> list[tuple[object, ...]]:
    """Every whoknows field of everyone but me, and their birthdays and kept properties."""
    found = []
    with store.read() as session:
        extras: dict[int, list[tuple[str, str]]] = {}
        for pid, key, value in session.execute(
            select(s.PersonExtra.person_id, s.PersonExtra.key, s.PersonExtra.value)
        ):
            extras.setdefault(pid, []).append((key, value))
        links: dict[int, list[str]] = {}
        for pid, url in session.execute(select(s.PersonLink.person_id, s.PersonLink.url)):
            links.setdefault(pid, []).append(url)
    for person in people.list_people(store, limit=100_000):
        if person.is_me:
            continue
        found.append(
            (
                *(getattr(person, f) for f in FIELDS),
                tuple(sorted(extras.get(person.id, []))),
                tuple(sorted(links.get(person.id, []))),
            )
        )
    return sorted(found, key=repr)


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated empty database, copied for each example (migrating is the slow part)."""
    path = tmp_path_factory.mktemp("empty") / "empty.db"
    Store(load_settings(f"sqlite:///{path}")).close()
    return path


def fresh(empty: Path, folder: Path, name: str) -> Store:
    shutil.copy(empty, folder / name)
    return Store(load_settings(f"sqlite:///{folder / name}"))


# values as people type them (surrounding spaces are not kept by a round trip)
words = st.text(alphabet=string.ascii_letters + "éß,;\\:\"' =+-@", min_size=1, max_size=12).filter(
    lambda t: t.strip() == t and t != ""
)
people_data = st.lists(
    st.fixed_dictionaries(
        {
            "name": words,
            "organization": st.none() | words,
            "role": st.none() | words,
            "industry": st.none() | words,
            "city": st.none() | words,
            "notes": st.none() | st.text(alphabet="ab \n,;", min_size=1, max_size=20),
            "serves": st.none() | words,
            "asks": st.none() | words,
            "offers": st.none() | words,
            "stage": st.none() | st.sampled_from([s.value for s in models.Stage]),
            "trust": st.none() | st.integers(1, 5),
            "met_where": st.none() | words,
            "met_on": st.none() | st.dates(dt.date(1950, 1, 1), dt.date(2030, 1, 1)),
            "tags": st.lists(st.sampled_from(["ICP", "Warm, very", "=x"]), unique=True),
        }
    ),
    min_size=1,
    max_size=6,
)


def _add(store: Store, rows: list[dict[str, object]]) -> None:
    for i, row in enumerate(rows):
        data = {k: v for k, v in row.items() if k != "tags"}
        people.add_person(
            store,
            people.PersonInput(
                **data,  # type: ignore[arg-type]
                tags=row["tags"],  # type: ignore[arg-type]
                emails=[f"p{i}@example.com"] if i % 2 else [],
            ),
        )


@pytest.mark.parametrize("form", ["vcard", "csv"])
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=people_data)
def test_an_export_reads_back_whole_into_an_empty_database_and_changes_nothing_at_home(
    tmp_path_factory: pytest.TempPathFactory,
    empty: Path,
    form: str,
    rows: list[dict[str, object]],
) -> None:
    folder = tmp_path_factory.mktemp("round")
    home = fresh(empty, folder, "home.db")
    _add(home, rows)
    with home.write() as session:
        first = session.scalars(select(s.Person).order_by(s.Person.id)).first()
        assert first is not None
        session.add(s.PersonExtra(owner_id=1, person_id=first.id, key="birthday", value="--02-29"))
        session.add(s.PersonExtra(owner_id=1, person_id=first.id, key="X-SKYPE", value="zoe.o"))
    path = folder / f"out.{'vcf' if form == 'vcard' else 'csv'}"
    (exports.export_vcard if form == "vcard" else exports.export_csv)(home, path)
    before = everyone(home)
    again = imports.import_file(home, path, today=TODAY)
    assert (again.created, again.updated, again.merged, again.queued) == (0, 0, 0, 0)
    assert everyone(home) == before
    elsewhere = fresh(empty, folder, "elsewhere.db")
    report = imports.import_file(elsewhere, path, today=TODAY)
    assert report.errors == []
    expected = before
    if form == "csv":  # a CSV has a birthday column, not other vCard properties
        expected = [
            (*row[:-2], tuple(e for e in row[-2] if e[0] == "birthday"), row[-1]) for row in before
        ]  # type: ignore[index]
    assert everyone(elsewhere) == expected
    home.close()
    elsewhere.close()


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=people_data)
def test_a_json_export_restores_whole_into_an_empty_database(
    tmp_path_factory: pytest.TempPathFactory, empty: Path, rows: list[dict[str, object]]
) -> None:
    folder = tmp_path_factory.mktemp("json")
    home = fresh(empty, folder, "home.db")
    _add(home, rows)
    exports.export_json(home, folder / "out.json")
    elsewhere = fresh(empty, folder, "elsewhere.db")
    backup.restore(elsewhere, folder / "out.json")
    assert everyone(elsewhere) == everyone(home)
    home.close()
    elsewhere.close()
