"""person merge keeps everything from both records."""

from __future__ import annotations

import datetime as dt

from whoknows.services import detail, events, merge, network, people
from whoknows.services.people import PersonInput
from whoknows.services.store import Store
from whoknows.storage import schema

D = dt.date(2026, 10, 1)


def _two_danas(store: Store) -> None:
    people.set_me(store, PersonInput(name="Sam"))
    people.add_person(
        store,
        PersonInput(
            name="Dana Okafor",
            emails=["dana@acme.test"],
            tags=["cfo"],
            organization="Acme",
            notes="Met at the chamber",
        ),
    )
    people.add_person(
        store,
        PersonInput(
            name="D. Okafor",
            emails=["dana@gmail.test"],
            phones=["+14155552671"],
            tags=["golf", "cfo"],
            role="COO",
            notes="Plays golf",
            trust=4,
        ),
    )
    people.add_person(store, PersonInput(name="Priya"))
    people.add_person(store, PersonInput(name="Omar"))


def test_merge_keeps_emails_phones_tags_notes_and_fields(store: Store) -> None:
    _two_danas(store)
    merged = merge.merge_people(store, "dana@acme.test", "dana@gmail.test")
    assert merged.name == "Dana Okafor"
    assert merged.emails == ("dana@acme.test", "dana@gmail.test")
    assert merged.phones == ("+14155552671",)
    assert merged.tags == ("cfo", "golf")
    assert merged.organization == "Acme"
    assert merged.role == "COO"
    assert merged.trust == 4
    assert merged.notes == "Met at the chamber\nPlays golf"
    assert [p.name for p in people.list_people(store)].count("D. Okafor") == 0


def test_merge_repoints_interactions_ties_and_events(store: Store) -> None:
    _two_danas(store)
    network.know(store, "dana@acme.test", "Priya", strength=0.4)
    network.know(store, "dana@gmail.test", "Priya", strength=0.9)  # the same peer twice
    network.know(store, "dana@gmail.test", "Omar", strength=0.5)
    network.know(store, "dana@gmail.test", "dana@acme.test", strength=0.3)  # each other
    network.log(store, "coffee", ["dana@acme.test", "dana@gmail.test"], on=D)  # both in one
    network.log(store, "call", ["dana@gmail.test"], on=D + dt.timedelta(days=3))
    events.add_event(store, "Mixer", D)
    events.met(store, "Mixer", ["dana@gmail.test"], giver=True)
    events.met(store, "Mixer", ["dana@acme.test"])

    merge.merge_people(store, "dana@acme.test", "dana@gmail.test")
    shown = detail.person_detail(store, "dana@acme.test")
    peers = {t.other_name: t.tie for t in shown.ties}
    assert set(peers) == {"Sam", "Priya", "Omar"}
    assert peers["Priya"].strength == 0.9
    assert sorted(i.kind for i in shown.interactions) == ["call", "coffee", "event", "event"]
    assert shown.events == [(1, "Mixer", D, True)]


def test_merging_into_me_keeps_me(store: Store) -> None:
    _two_danas(store)
    people.add_person(store, PersonInput(name="Sam R.", emails=["sam@work.test"]))
    merged = merge.merge_people(store, "Sam R.", "me")
    assert merged.is_me
    assert people.get_person(store, "me").emails == ("sam@work.test",)


def test_every_foreign_key_to_people_is_handled_by_merge() -> None:
    """A table a later issue adds is re-pointed generically; the special ones by hand."""
    names = {table.name for table, _column in merge.people_foreign_keys()}
    assert names <= set(schema.Base.metadata.tables)
    assert {"person_emails", "ties", "interaction_people", "event_attendees"} <= names


def test_merging_a_person_with_themselves_is_refused(store: Store) -> None:
    _two_danas(store)
    import pytest

    from whoknows.errors import UserError

    with pytest.raises(UserError, match="same person"):
        merge.merge_people(store, "Priya", "Priya")
