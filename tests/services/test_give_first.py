"""Give first, consistently: suggestions the guard would stop are held back; drafts read as
sentences whatever was typed; a missing email is said when the draft is made."""

from __future__ import annotations

import datetime as dt

import pytest

from whoknows.errors import Refused
from whoknows.services import events, network, people, suggest
from whoknows.services import introductions as intros
from whoknows.services.drafts import missing_emails, sayings
from whoknows.services.people import PersonInput
from whoknows.services.store import Store

TODAY = dt.date.today()  # suggestions read the snapshot of today


def _ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def _network(store: Store) -> None:
    """Chris needs CNC operators; Ines (known well) and Omar (met last week) offer CNC work."""
    people.set_me(store, PersonInput(name="Sam Stone", emails=["sam@example.com"]))
    people.add_person(
        store,
        PersonInput(
            name="Chris Smith",
            asks="Can't find skilled CNC operators",
            trust=4,
            emails=["chris@smith.test"],
        ),
    )
    people.add_person(store, PersonInput(name="Ines Lopez", offers="CNC machining", trust=4))
    people.add_person(store, PersonInput(name="Omar Haddad", offers="CNC machining and tooling"))
    for days in (700, 400, 200, 60, 20):
        network.log(store, "coffee", ["Chris", "Ines"], on=_ago(days))
    network.log(store, "event", ["Omar"], on=_ago(5))


def test_suggest_leaves_out_what_the_guard_would_refuse_and_can_show_why(store: Store) -> None:
    _network(store)
    shown = suggest.suggest(store, today=TODAY)
    pairs = [{x.a.name, x.b.name} for x in shown]
    assert {"Chris Smith", "Ines Lopez"} in pairs
    assert {"Chris Smith", "Omar Haddad"} not in pairs
    for x in shown:  # every suggestion shown passes the guard that `intro` applies
        assert intros.check(store, str(x.a.id), str(x.b.id), today=TODAY) == []
    held = [x for x in suggest.suggest(store, today=TODAY, held=True) if x.guard]
    assert [{x.a.name, x.b.name} for x in held] == [{"Chris Smith", "Omar Haddad"}]
    assert "Omar Haddad: you met them 5 days ago" in held[0].guard
    with pytest.raises(Refused):
        intros.propose(store, "Chris", "Omar", today=TODAY)


@pytest.mark.parametrize(
    ("asks", "offers", "need", "thing"),
    [
        (
            "Looking for a bookkeeper.",
            "Offers payroll services",
            "a bookkeeper",
            "payroll services",
        ),
        ("a lawyer to check a lease", "R&D tax credit claims", "a lawyer to check a lease", None),
        ("Can't find skilled CNC operators", "We build websites", None, None),
    ],
)
def test_asks_and_offers_read_after_looking_for_and_offers_or_are_quoted(
    asks: str, offers: str, need: str | None, thing: str | None
) -> None:
    said = sayings(asks, offers, None)
    assert said["asks_need"] is (need is not None)
    assert said["asks"] == (need or asks.rstrip("."))
    if offers.startswith("We "):
        assert said["offers_thing"] is False
        assert said["offers"] == offers
    else:
        assert said["offers_thing"] is True
        assert said["offers"] == (thing or offers)


def test_introduction_drafts_read_as_sentences_and_say_when_an_email_is_missing(
    store: Store,
) -> None:
    _network(store)
    found = intros.propose(store, "Chris", "Ines", today=TODAY)
    drafts = intros.ask(store, found.id, today=TODAY)
    to_ines = next(d for d in drafts.drafts if d.to[0].name == "Ines Lopez")
    assert "is looking for can't" not in to_ines.body.casefold()
    assert "“Can't find skilled CNC operators”" in to_ines.body
    assert missing_emails(to_ines) == ["Ines Lopez"]
    to_chris = next(d for d in drafts.drafts if d.to[0].name == "Chris Smith")
    assert missing_emails(to_chris) == []
    assert "- offers CNC machining" in to_chris.body


def test_an_event_follow_up_reads_as_a_sentence(store: Store) -> None:
    people.set_me(store, PersonInput(name="Sam Stone"))
    events.add_event(store, "Leeds Breakfast Club", _ago(2))
    events.met(store, "Leeds Breakfast Club", ["Ada Brown", "Ben Li"])
    people.edit_person(store, "Ada", PersonInput(asks="Looking for a bigger warehouse"))
    people.edit_person(store, "Ben", PersonInput(asks="Can't find drivers"))
    from whoknows.services import followups

    bodies = {d.name: d.draft.body for d in followups.event_followup(store, "Leeds").drafts}
    assert "You mentioned you are looking for a bigger warehouse" in bodies["Ada Brown"]
    assert "looking for Looking" not in bodies["Ada Brown"]
    assert "You mentioned “Can't find drivers”" in bodies["Ben Li"]
