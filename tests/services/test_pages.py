"""Page-level reads (services/pages.py): each equals what the web composed itself before, on
the demo; the pipeline is what a count over every referral gives; one_read is one transaction."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from whoknows.config import load_settings
from whoknows.core import models
from whoknows.core.acquaintance import STATUSES
from whoknows.demo.build import build_demo
from whoknows.errors import UserError
from whoknows.services import (
    detail,
    events,
    introductions,
    ledger,
    pages,
    paging,
    people,
    plan,
    reach,
    referrals,
)
from whoknows.services.people import PersonInput
from whoknows.services.store import Store
from whoknows.storage import schema as s

TODAY = dt.date(2025, 6, 2)


@pytest.fixture
def demo(db_url: str) -> Iterator[Store]:
    with Store(load_settings(db_url)) as store:
        build_demo(store, "small", 7, today=TODAY)
        yield store


def _old_person_page(store: Store, person_id: int) -> dict[str, object]:
    """The person page as web/pages/people.py composed it before services/pages.py."""
    found = detail.person_detail(store, str(person_id), max_ties=60)
    person = found.person
    balance = None
    if not person.is_me:
        try:
            balance = ledger.balance(store, str(person_id), today=TODAY)
        except UserError:
            balance = None
    advocate = None
    if not person.is_me:
        try:
            _, ranked = reach.advocates(store, top=pages.EVERYONE, today=TODAY)
            advocate = next((a for a in ranked if a.person.id == person_id), None)
        except UserError:
            advocate = None
    return {
        "detail": found,
        "balance": balance,
        "introductions": introductions.list_introductions(store, person=person_id),
        "referrals": referrals.list_referrals(store, person=person_id),
        "advocate": advocate,
        "cadence": plan.rules(store.settings).for_stage(person.stage or models.Stage.MET),
    }


def _chosen(store: Store) -> list[int]:
    """Me, someone with referrals and introductions, an advocate, and someone with neither."""
    intros = introductions.list_introductions(store)
    leads = referrals.list_referrals(store)
    both = {i.a.id for i in intros} & {r.from_.id for r in leads}
    _, ranked = reach.advocates(store, top=pages.EVERYONE, today=TODAY)
    involved = {i.a.id for i in intros} | {i.b.id for i in intros}
    involved |= {r.from_.id for r in leads} | {r.to.id for r in leads}
    ranked_ids = {a.person.id for a in ranked}
    everyone = [p.id for p in people.list_people(store, limit=400)]
    plain_person = next(p for p in everyone if p not in involved and p not in ranked_ids)
    me = people.get_person(store, "me").id
    assert both, "the demo has someone who referred and was introduced"
    return [me, min(both), ranked[0].person.id, ranked[-1].person.id, plain_person]


def test_the_person_page_is_what_the_web_composed_before(demo: Store) -> None:
    chosen = _chosen(demo)
    for person_id in chosen:
        page = pages.person_page(demo, str(person_id), today=TODAY)
        old = _old_person_page(demo, person_id)
        assert page.person.id == person_id
        for field, value in old.items():
            assert getattr(page, field) == value, (person_id, field)
    me, busy, top = (pages.person_page(demo, str(i), today=TODAY) for i in chosen[:3])
    assert me.advocate is None
    assert me.balance is None
    assert busy.referrals
    assert busy.introductions
    assert busy.balance is not None
    assert top.advocate is not None
    assert top.advocate.person.id == chosen[2]


def test_the_dashboard_is_what_the_web_composed_before(demo: Store) -> None:
    page = pages.dashboard(demo, today=TODAY)
    views = referrals.list_referrals(demo)
    counts = Counter(v.status for v in views)
    won: dict[str, Decimal] = {}
    for v in views:
        if v.status == "won" and v.value is not None and v.currency:
            won[v.currency] = won.get(v.currency, Decimal(0)) + v.value
    assert [(p.status, p.count, p.won) for p in page.pipeline] == [
        (status, counts.get(status, 0), won if status == "won" else {}) for status in STATUSES
    ]
    assert sum(counts.values()) == len(views) > 0
    assert won, "the demo has won referrals"
    assert all(isinstance(v, Decimal) for v in page.pipeline[STATUSES.index("won")].won.values())
    assert page.week == plan.page(demo, today=TODAY)
    assert page.due_error is None
    assert page.balance == ledger.balance(demo, today=TODAY)
    assert page.balance_error is None
    assert page.advocates == reach.advocates(demo, top=5, today=TODAY)[1]
    assert page.events == events.events_page(demo, paging.Window(5)).items
    assert page.people_count == people.count_people(demo)


def test_a_dashboard_without_me_says_why_per_section(db_url: str) -> None:
    with Store(load_settings(db_url)) as store:
        page = pages.dashboard(store, today=TODAY)
    assert page.due_error
    assert page.advocates_error
    assert page.advocates == []
    assert [p.count for p in page.pipeline] == [0] * len(STATUSES)
    assert page.people_count == 0


def test_the_pipeline_sums_cents_exactly_per_currency(db_url: str) -> None:
    with Store(load_settings(db_url)) as store:
        people.set_me(store, PersonInput(name="Me Myself"))
        people.add_person(store, PersonInput(name="Ada Advocate", organization="Acme"))
        values = ["0.10", "0.20", "1000000.05"]
        for value in values:
            view = referrals.add(store, "Ada", "org:Acme", value=f"{value} EUR", on=TODAY)
            referrals.won(store, view.id, None, on=TODAY)
        dollars = referrals.add(store, "Ada", "org:Acme", value="7.01 USD", on=TODAY)
        referrals.won(store, dollars.id, None, on=TODAY)
        referrals.add(store, "Ada", "org:Acme", value="7 USD", on=TODAY)
        found = {p.status: p for p in pages.pipeline(store)}
    assert found["won"].won == {"EUR": Decimal("1000000.35"), "USD": Decimal("7.01")}
    assert found["won"].count == 4
    assert found["received"].count == 1
    assert found["received"].won == {}


def test_one_read_is_one_transaction(db_url: str) -> None:
    with Store(load_settings(db_url)) as store, Store(load_settings(db_url)) as other:
        people.add_person(store, PersonInput(name="First One"))

        def counted() -> tuple[int, int]:
            with store.read() as session:
                orm = session.scalar(select(func.count()).select_from(s.Person))
            with store.plain() as reader:
                row = reader.one("SELECT count(*) FROM people")
            assert orm is not None
            assert row is not None
            return int(orm), int(row[0])

        with store.one_read():
            assert counted() == (1, 1)
            people.add_person(other, PersonInput(name="Second One"))
            assert counted() == (1, 1)  # the same state, through SQLAlchemy and plain SQL
            with ThreadPoolExecutor(1) as pool:  # another thread (a rebuild) reads on its own
                assert pool.submit(counted).result() == (2, 2)
            assert counted() == (1, 1)
        assert counted() == (2, 2)


def test_the_boards_are_a_page_of_each_column_read_in_one_transaction(
    demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    statuses = [v.status for v in referrals.list_referrals(demo)]
    big = Counter(statuses).most_common(1)[0][0]
    board = dict(pages.referral_board(demo, shown=big, offset=1))
    assert list(board) == list(STATUSES)
    for status, page in board.items():
        window = paging.Window(pages.BOARD_PAGE, 1 if status == big else 0)
        assert page == referrals.referrals_page(demo, window, status=status)
        assert page.total == statuses.count(status)  # each column says how many in all

    intros = pages.introduction_board(demo, today=TODAY)
    assert [state for state, _ in intros.columns] == list(introductions.STATES)
    for state, page in intros.columns:
        assert page == introductions.introductions_page(
            demo, paging.Window(pages.BOARD_PAGE), state=state
        )
    assert intros.ideas  # the demo has someone to give an introduction to

    opened: list[bool] = []  # the transactions a board opens: one, whatever its columns
    real = Store._session

    def counting(self: Store, **kwargs: bool):  # type: ignore[no-untyped-def]
        opened.append(True)
        return real(self, **kwargs)

    monkeypatch.setattr(Store, "_session", counting)
    with Store(load_settings(str(demo.settings.database_url))) as fresh:
        pages.referral_board(fresh)
    assert len(opened) == 1
