"""give, got and balance over the store; the inputs tie strength and advocates read; the demo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from sqlalchemy import func, select

from whoknows.core.tiestrength import Service
from whoknows.demo import ledger as demo_ledger
from whoknows.errors import UserError
from whoknows.services import ledger, network, people, refs
from whoknows.services.people import PersonInput
from whoknows.services.store import Store
from whoknows.storage import schema as s

TODAY = dt.date(2026, 6, 30)


def _ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def _network(store: Store) -> None:
    people.set_me(store, PersonInput(name="Sam Stone"))
    for name in ("Dana Okafor", "Omar Haddad", "Priya Shah", "Ben Ode"):
        people.add_person(store, PersonInput(name=name, trust=4))


def _count(store: Store) -> int:
    with store.read() as session:
        return int(session.scalar(select(func.count()).select_from(s.Exchange)) or 0)


def test_give_and_got_record_one_entry_each_with_exact_money(store: Store) -> None:
    _network(store)
    gave = ledger.give(store, "Dana", "introduction", to="Omar", note="to a CFO", on=_ago(3))
    assert (gave.giver.name, gave.receiver.name, gave.other and gave.other.name) == (
        "Sam Stone",
        "Dana Okafor",
        "Omar Haddad",
    )
    got = ledger.got(store, "Priya", "Business", value="EUR 1,200.50", on=_ago(2))
    assert (got.giver.name, got.kind, got.value, got.currency) == (
        "Priya Shah",
        "business",
        "1200.50",
        "EUR",
    )
    with store.read() as session:
        row = session.get(s.Exchange, got.id)
        assert row is not None
        assert row.value == Decimal("1200.50")
    assert _count(store) == 2


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda st: ledger.give(st, "Dana", "gift", on=TODAY), "kind 'gift' is not known"),
        (
            lambda st: ledger.give(st, "Dana", "help", to="Dana", on=TODAY),
            "to=Dana must name someone other",
        ),
        (lambda st: ledger.got(st, "Dana", "help", value="lots", on=TODAY), "is not money"),
        (lambda st: ledger.got(st, "me", "help", on=TODAY), "cannot give to themselves"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(store: Store, call: object, message: str) -> None:
    _network(store)
    with pytest.raises(UserError, match=message):
        call(store)  # type: ignore[operator]
    assert _count(store) == 0


def test_balance_flags_give_give_give_after_twelve_gives_and_one_receive_in_six_months(
    store: Store,
) -> None:
    _network(store)
    for i in range(12):
        ledger.give(store, ("Dana", "Omar", "Priya")[i % 3], "help", on=_ago(5 + 14 * i))
    ledger.got(store, "Ben", "referral", on=_ago(100))
    found = ledger.balance(store, today=TODAY)
    assert (found.given, found.received) == (12, 1)
    giving = [f for f in found.flags if f.kind == "give, give, give"]
    assert len(giving) == 1
    assert giving[0].person is None
    assert {p.name for p in giving[0].ask} == {"Dana Okafor", "Omar Haddad", "Priya Shah"}
    assert [p.name for p in found.people][:3] == ["Dana Okafor", "Omar Haddad", "Priya Shah"]


def test_the_brief_says_what_to_ask_for(store: Store) -> None:
    _network(store)
    with store.write() as session:
        session.add(
            s.Brief(
                owner_id=store.owner_id,
                version=1,
                created_on=TODAY,
                wanted_intros="- CFOs\n- Ferro Ltd\n",
            )
        )
    for i in range(6):
        ledger.give(store, "Dana", "help", on=_ago(5 + i))
    reason = ledger.balance(store, today=TODAY).flags[0].reason
    assert reason.endswith("ask Dana Okafor for introductions to CFOs or Ferro Ltd")


def test_balance_flags_a_taker_and_someone_to_thank(store: Store) -> None:
    _network(store)
    for days in (150, 90, 40):
        ledger.give(store, "Omar", "introduction", on=_ago(days))
    ledger.got(store, "Priya", "referral", on=_ago(6))
    thanked = ledger.got(store, "Dana", "referral", on=_ago(8))
    with store.write() as session:
        row = session.get(s.Exchange, thanked.id)
        assert row is not None
        row.thanked_on = _ago(7)  # what the follow-up area does when I thank them
    flags = {
        (f.kind, f.person.name if f.person else None)
        for f in ledger.balance(store, today=TODAY).flags
    }
    assert flags == {("taker", "Omar Haddad"), ("to thank", "Priya Shah")}


def test_one_persons_balance_lists_their_exchanges_and_since_narrows_it(store: Store) -> None:
    _network(store)
    ledger.give(store, "Dana", "help", on=_ago(200))
    ledger.got(store, "Dana", "referral", on=_ago(20))
    ledger.give(store, "Omar", "help", on=_ago(10))
    found = ledger.balance(store, "Dana", today=TODAY)
    assert found.person is not None
    assert (found.person.name, found.given, found.received) == ("Dana Okafor", 1, 1)
    assert [x.kind for x in found.exchanges] == ["help", "referral"]
    assert ledger.balance(store, "Dana", since=_ago(30), today=TODAY).given == 0
    with pytest.raises(UserError, match="in the future"):
        ledger.balance(store, since=TODAY + dt.timedelta(days=1), today=TODAY)


def test_services_and_give_get_scores_feed_tie_strength_and_advocates(store: Store) -> None:
    _network(store)
    ledger.give(store, "Dana", "help", on=_ago(30))
    ledger.got(store, "Dana", "referral", on=_ago(10))
    ledger.give(store, "Omar", "help", on=_ago(5))
    with store.read() as session:
        me = refs.me(session, store.owner_id).id
        dana = refs.person(session, store.owner_id, "Dana").id
        omar = refs.person(session, store.owner_id, "Omar").id
        services = ledger.services_by_person(session, store.owner_id, me)
        scores = ledger.give_get_scores(session, store.owner_id, me, today=TODAY)
    assert services[dana] == [
        Service(_ago(30), "help", True),
        Service(_ago(10), "referral", False),
    ]
    assert 0 < scores[dana] < 1
    assert scores[omar] == 0


def test_the_demo_adds_a_ledger_introductions_and_a_tour(store: Store) -> None:
    _network(store)
    for name, stage in (
        ("Dana", "advocate"),
        ("Omar", "advocate"),
        ("Priya", "trusted"),
        ("Ben", "trusted"),
    ):
        people.edit_person(store, name, PersonInput(stage=stage))
        network.log(store, "coffee", [name], on=_ago(400))
    people.edit_person(store, "Dana", PersonInput(asks="looking for a bookkeeper"))
    people.edit_person(store, "Omar", PersonInput(offers="bookkeeping and payroll"))
    added = demo_ledger.add(store, np.random.default_rng(3), TODAY)
    assert added["exchanges"] > 0
    assert added["introductions"] >= 4
    with store.read() as session:
        states = set(session.scalars(select(s.Introduction.state)))
        outcomes = set(session.scalars(select(s.Introduction.outcome)))
    assert {"made", "declined", "proposed"} <= states
    assert "bad" in outcomes
    lines = demo_ledger.tour(store, TODAY)
    assert lines[0].startswith("Over the last 12 months you gave")
