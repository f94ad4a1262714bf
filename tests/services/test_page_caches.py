"""The answers pages reuse between writes: the same until the data changes, then fresh."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from whoknows.services import (
    charts,
    events,
    followups,
    people,
    referrals,
    report,
    report_view,
    suggest,
)
from whoknows.services.people import PersonInput
from whoknows.services.store import Store

TODAY = dt.date(2026, 3, 10)


def _met_at_an_event(store: Store) -> None:
    people.set_me(store, PersonInput(name="Sam Jones", emails=["sam@jones.test"]))
    events.add_event(store, "Leeds Breakfast", TODAY - dt.timedelta(days=3))
    events.met(store, "Leeds Breakfast", ["Ada Brown <ada@brown.test>", "Ben Li <ben@li.test>"])


def test_the_due_list_is_reused_until_a_write_then_recomputed(store: Store) -> None:
    _met_at_an_event(store)
    first = followups.due(store, today=TODAY)
    assert {item.name for item in first} >= {"Ada Brown", "Ben Li"}
    assert followups.due(store, today=TODAY) == first
    followups.done(store, "Ada Brown", on=TODAY)
    after = followups.due(store, today=TODAY)
    assert "Ada Brown" not in {item.name for item in after}, "the write is seen at once"


def test_events_list_every_attendee_of_every_event(store: Store) -> None:
    _met_at_an_event(store)
    events.add_event(store, "Empty Lunch", TODAY - dt.timedelta(days=1))
    listed = {e.name: e for e in events.list_events(store)}
    shown = events.show_event(store, "Leeds Breakfast")
    assert listed["Leeds Breakfast"].attendees == shown.attendees
    assert len(shown.attendees) == 2
    assert listed["Empty Lunch"].attendees == ()


def test_suggestions_follow_a_change_of_asks_and_offers(store: Store) -> None:
    _met_at_an_event(store)
    assert suggest.suggest(store, today=TODAY, held=True) == []
    people.edit_person(store, "Ada Brown", PersonInput(asks="a bookkeeper for the bakery"))
    people.edit_person(store, "Ben Li", PersonInput(offers="bookkeeper for small bakery firms"))
    # (both just met at the event: the reputation guard holds the introduction back)
    found = suggest.suggest(store, today=TODAY, held=True)
    assert [{x.a.name, x.b.name} for x in found] == [{"Ada Brown", "Ben Li"}]
    assert suggest.suggest(store, today=TODAY, held=True) == found


def test_charts_are_drawn_once_per_distinct_report_data(store: Store) -> None:
    _met_at_an_event(store)
    data = report_view.as_json(report.build(store, today=TODAY))
    drawn = charts.charts(store.cache, data)
    again = charts.charts(store.cache, data)
    assert [c.svg for c in again] == [c.svg for c in drawn]
    assert again[0].svg is drawn[0].svg, "the same data is not drawn twice"
    other = charts.charts(
        store.cache, {**data, "currency": "USD" if data["currency"] != "USD" else "EUR"}
    )
    assert other[0].svg is not drawn[0].svg


def test_the_lists_a_page_reads_are_kept_until_a_write_and_current_at_once_after_it(
    store: Store,
) -> None:
    """Under load every request read the referrals, the people and the ledger again; kept per
    data version, they are read once, and a write shows at once even on a server that serves
    its rankings a moment stale."""
    _met_at_an_event(store)
    store.cache.stale_wait = 60  # as on a server: rankings may be served a moment stale
    referrals.add(store, "Ada Brown", "Ben Li", on=TODAY)
    first = referrals.list_referrals(store)
    assert referrals.list_referrals(store) is first
    assert people.count_people(store) == people.count_people(store) == 3
    assert store.cache.stats("referrals.list_referrals").builds == 1
    assert store.cache.stats("people.count_people").builds == 1
    referrals.add(store, "Ben Li", "Ada Brown", on=TODAY)
    assert len(referrals.list_referrals(store)) == 2, "the write is seen at once"
    people.add_person(store, PersonInput(name="Cleo Moss"))
    assert people.count_people(store) == 4
    store.cache.close()


def test_a_request_reads_the_data_version_once_and_again_after_its_own_write(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _met_at_an_event(store)
    reads: list[int] = []
    real = store.read

    def counted(**kwargs: Any) -> Any:
        reads.append(1)
        return real(**kwargs)

    monkeypatch.setattr(store, "read", counted)
    with store.one_version():
        before = store.data_version()
        assert store.data_version() == store.data_version() == before
        assert len(reads) == 1
        people.add_person(store, PersonInput(name="Cleo Moss"))
        assert store.data_version() != before
    assert len(reads) == 2
    store.data_version()
    assert len(reads) == 3, "outside a request, every call reads it"
