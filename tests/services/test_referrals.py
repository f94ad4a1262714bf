"""Referrals: recorded with their ledger entry, moved forward only, money exact, backed up whole."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Row, select

from whoknows.config import load_settings
from whoknows.errors import Conflict, NotFound, UserError
from whoknows.services import backup, events, people, referrals
from whoknows.services.people import PersonInput
from whoknows.services.store import Store
from whoknows.storage import schema as s

D = dt.date


def _network(store: Store) -> None:
    people.set_me(store, PersonInput(name="Sam Me"))
    events.add_event(store, "Chamber Breakfast", D(2024, 1, 10))
    events.met(store, "Chamber Breakfast", ["Alice Advocate <alice@x.test>"])
    people.add_person(store, PersonInput(name="Bob Client", emails=["bob@x.test"]))
    people.add_person(store, PersonInput(name="Carol Client"))


def _exchanges(store: Store) -> list[Row[tuple[int, int, int | None, str, Decimal | None, int]]]:
    x = s.Exchange
    query = select(x.giver_id, x.receiver_id, x.other_id, x.kind, x.value, x.referral_id)
    with store.read() as session:
        return list(session.execute(query.order_by(x.id)).all())


def test_a_received_referral_is_in_the_ledger_and_waits_for_a_thank_you(store: Store) -> None:
    _network(store)
    view = referrals.add(store, "Alice", "Bob", note="needs a CFO", value="4,000", on=D(2024, 3, 1))
    assert (view.direction, view.status, view.from_.name, view.to.name) == (
        "received",
        "received",
        "Alice Advocate",
        "Sam Me",
    )
    assert view.about is not None
    assert view.about.name == "Bob Client"
    assert (view.value, view.currency) == (Decimal("4000.00"), "USD")
    assert view.thanked_on is None
    assert [(x.status, x.date) for x in view.steps] == [("received", D(2024, 3, 1))]
    [entry] = _exchanges(store)
    assert (entry.kind, entry.referral_id, entry.value) == ("referral", view.id, Decimal("4000"))
    assert entry.giver_id == view.from_.id
    assert entry.receiver_id == view.to.id


def test_a_referral_i_give_is_a_give_in_the_ledger(store: Store) -> None:
    _network(store)
    view = referrals.add(store, None, "Carol", to_ref="Alice", on=D(2024, 4, 2))
    assert view.direction == "given"
    assert (view.from_.name, view.to.name) == ("Sam Me", "Alice Advocate")
    [entry] = _exchanges(store)
    assert (entry.giver_id, entry.receiver_id) == (view.from_.id, view.to.id)
    assert entry.other_id == (view.about.id if view.about else None)
    with pytest.raises(UserError, match="it is from you"):
        referrals.add(store, "Bob", "Carol", to_ref="Alice", on=D(2024, 4, 2))


def test_a_referral_can_be_about_an_organization_or_someone_new(store: Store) -> None:
    _network(store)
    people.add_person(store, PersonInput(name="Ann", organization="Acme Corp"))
    org = referrals.add(store, "Alice", "org:acme", on=D(2024, 5, 1))
    assert org.about is not None
    assert (org.about.kind, org.about.name) == ("organization", "Acme Corp")
    new = referrals.add(store, "Alice", "Dana New <dana@new.test> @Globex", on=D(2024, 5, 2))
    assert new.about is not None
    assert people.get_person(store, "dana@new.test").organization == "Globex"
    with pytest.raises(NotFound):
        referrals.add(store, "Alice", "Nobody Known", on=D(2024, 5, 3))


def test_statuses_move_forward_only_and_every_step_is_kept(store: Store) -> None:
    _network(store)
    view = referrals.add(store, "Alice", "Bob", on=D(2024, 3, 1))
    referrals.move(store, view.id, "contacted", on=D(2024, 3, 3))
    referrals.move(store, view.id, "Proposal", on=D(2024, 3, 20))
    with pytest.raises(UserError, match="cannot move back"):
        referrals.move(store, view.id, "meeting", on=D(2024, 3, 21))
    with pytest.raises(UserError, match="before"):
        referrals.move(store, view.id, "won", on=D(2024, 3, 10))
    with pytest.raises(UserError, match="not known"):
        referrals.move(store, view.id, "signed", on=D(2024, 3, 21))
    done = referrals.won(store, view.id, "EUR 4,000.10", on=D(2024, 4, 1))
    assert (done.status, done.closed_on, done.value, done.currency) == (
        "won",
        D(2024, 4, 1),
        Decimal("4000.10"),
        "EUR",
    )
    assert done.reported_on is None  # "report back to the advocate" is due
    assert [x.status for x in done.steps] == ["received", "contacted", "proposal", "won"]
    with pytest.raises(Conflict, match="already won"):
        referrals.lost(store, view.id, "changed their mind", on=D(2024, 4, 2))


def test_lost_keeps_the_reason_and_list_filters_by_status(store: Store) -> None:
    _network(store)
    first = referrals.add(store, "Alice", "Bob", on=D(2024, 3, 1))
    second = referrals.add(store, "Alice", "Carol", on=D(2024, 3, 2))
    gone = referrals.lost(store, first.id, "went with a competitor", on=D(2024, 3, 9))
    assert (gone.status, gone.lost_reason, gone.reported_on) == (
        "lost",
        "went with a competitor",
        None,
    )
    assert [v.id for v in referrals.list_referrals(store, "lost")] == [first.id]
    assert [v.id for v in referrals.list_referrals(store, "open")] == [second.id]
    assert [v.id for v in referrals.list_referrals(store)] == [second.id, first.id]
    with pytest.raises(NotFound):
        referrals.move(store, 999, "won", on=D(2024, 3, 9))


def test_bad_input_writes_nothing(store: Store) -> None:
    _network(store)
    with pytest.raises(UserError, match="not money"):
        referrals.add(store, "Alice", "Bob", value="a lot", on=D(2024, 3, 1))
    with pytest.raises(UserError, match="comes from someone else"):
        referrals.add(store, "me", "Bob", on=D(2024, 3, 1))
    with pytest.raises(UserError, match="about yourself"):
        referrals.add(store, "Alice", "me", on=D(2024, 3, 1))
    assert referrals.list_referrals(store) == []
    assert _exchanges(store) == []


def test_a_client_who_came_directly_has_nobody_to_thank_or_report_to(store: Store) -> None:
    _network(store)
    view = referrals.add(store, "Bob", "Bob", on=D(2024, 3, 1))
    assert view.about is not None
    assert view.about.id == view.from_.id
    assert _exchanges(store) == []
    assert view.thanked_on == D(2024, 3, 1)  # nobody to thank: not on the follow-up list
    done = referrals.won(store, view.id, "2500", on=D(2024, 4, 1))
    assert done.reported_on == D(2024, 4, 1)


def test_the_default_currency_comes_from_config_toml(store: Store) -> None:
    _network(store)
    config = store.settings.config_dir
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text('currency = "gbp"\n', encoding="utf-8")
    view = referrals.add(store, "Alice", "Bob", value="1200", on=D(2024, 3, 1))
    assert (view.value, view.currency) == (Decimal("1200.00"), "GBP")
    (config / "config.toml").write_text("currency = 12\n", encoding="utf-8")
    with pytest.raises(UserError, match="three-letter"):
        referrals.add(store, "Alice", "Bob", value="1200", on=D(2024, 3, 1))


def test_a_backup_round_trips_referral_money_exactly(store: Store, tmp_path: Path) -> None:
    _network(store)
    amounts = ["0.10", "0.20", "123456789012.34", "99999999999.99"]
    ids = []
    for number, amount in enumerate(amounts, start=1):
        view = referrals.add(store, "Alice", "Bob", value=amount, on=D(2024, 3, number))
        referrals.won(store, view.id, amount, on=D(2024, 4, number))
        ids.append(view.id)
    target = tmp_path / "backup.json"
    backup.backup(store, target)
    assert '"123456789012.34"' in target.read_text(encoding="utf-8")  # a string, never a float
    with Store(load_settings(str(tmp_path / "restored.db"))) as fresh:
        backup.restore(fresh, target)
        restored = {v.id: v for v in referrals.list_referrals(fresh)}
        assert [restored[i].value for i in ids] == [Decimal(a) for a in amounts]
        assert restored[ids[0]].value + restored[ids[1]].value == Decimal("0.30")
        assert referrals.list_referrals(fresh) == referrals.list_referrals(store)
        assert [x.value for x in _exchanges(fresh)] == [x.value for x in _exchanges(store)]
