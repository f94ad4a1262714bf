"""Create-or-get at the same moment from many writers: one row, and nobody told "conflict".

Finding 4: on PostgreSQL, 8 simultaneous creates of one new organization answered 409 to most
of them (duplicate key … ix_organizations_owner_name), and the same tie 8× gave 3 conflicts.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import func, select

from whoknows.config import load_settings
from whoknows.core.models import TieSource
from whoknows.services import network, people
from whoknows.services.people import PersonInput
from whoknows.services.store import Store
from whoknows.storage import schema as s

WRITERS = 8
ROUNDS = 3


def _at_once(db_url: str, work: Callable[[Store, int], Any]) -> list[Any]:
    """WORK run by WRITERS threads released together, each with its own store (connection)."""
    start = threading.Barrier(WRITERS)
    stores = [Store(load_settings(db_url), upgrade=False) for _ in range(WRITERS)]

    def run(number: int) -> Any:
        start.wait()
        return work(stores[number], number)

    try:
        with ThreadPoolExecutor(WRITERS) as pool:
            return list(pool.map(run, range(WRITERS)))
    finally:
        for opened in stores:
            opened.close()


def _count(store: Store, query: Any) -> int:
    with store.read() as session:
        return int(session.scalar(query) or 0)


def test_people_added_at_once_at_one_new_organization_all_succeed(
    store: Store, db_url: str
) -> None:
    for round_ in range(ROUNDS):
        org = f"Brand New Ltd {round_}"
        made = _at_once(
            db_url,
            lambda opened, n, org=org: people.add_person(  # type: ignore[misc]
                opened, PersonInput(name=f"{org} person {n}", organization=org)
            ),
        )
        assert {p.organization for p in made} == {org}
        orgs = select(func.count()).select_from(s.Organization).where(s.Organization.name == org)
        assert _count(store, orgs) == 1


def test_the_same_tie_recorded_at_once_is_one_tie(store: Store, db_url: str) -> None:
    people.add_person(store, PersonInput(name="Ada"))
    for round_ in range(ROUNDS):
        other = f"Ben {round_}"
        people.add_person(store, PersonInput(name=other))
        _at_once(
            db_url,
            lambda opened, _n, other=other: network.know(opened, "Ada", other),  # type: ignore[misc]
        )
        ties = select(func.count()).select_from(s.Tie)
        assert _count(store, ties) == round_ + 1


def test_a_tie_seen_at_once_on_many_days_keeps_the_widest_span(store: Store, db_url: str) -> None:
    ada = people.add_person(store, PersonInput(name="Ada"))
    ben = people.add_person(store, PersonInput(name="Ben"))
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=30 * n) for n in range(WRITERS)]

    def seen(opened: Store, n: int) -> None:
        with opened.write() as session:
            network.upsert_tie(
                session,
                opened.owner_id,
                ada.id,
                ben.id,
                source=TieSource.EMAIL,
                on=days[n],
            )

    _at_once(db_url, seen)
    with store.read() as session:
        tie = session.scalars(select(s.Tie)).one()
        assert (tie.since, tie.last_seen) == (days[0], days[-1])


def test_the_same_tag_added_at_once_is_one_tag(store: Store, db_url: str) -> None:
    people.add_person(store, PersonInput(name="Ada"))
    for round_ in range(ROUNDS):
        tag = f"vip-{round_}"
        _at_once(
            db_url,
            lambda opened, _n, tag=tag: people.edit_person(  # type: ignore[misc]
                opened, "Ada", PersonInput(tags=[tag])
            ),
        )
        assert tag in people.get_person(store, "Ada").tags
    tags = select(func.count()).select_from(s.PersonTag)
    assert _count(store, tags) == ROUNDS
