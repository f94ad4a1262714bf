"""Capture's choices: a known name is asked about (with structured candidates), never attached
by itself, and the answer ("this one" or "someone new") is written as chosen."""

from __future__ import annotations

import datetime as dt

import pytest

from whoknows.core.capture import CapturedPerson
from whoknows.errors import Ambiguous, Candidate, Conflict, UserError
from whoknows.services import events, people
from whoknows.services.people import PersonInput
from whoknows.services.store import Store

DAY = dt.date(2025, 6, 2)


@pytest.fixture(autouse=True)
def _me(store: Store) -> None:
    people.set_me(store, PersonInput(name="Me Myself"))


def _two_jos(store: Store) -> tuple[int, int]:
    a = people.add_person(store, PersonInput(name="Jo Smith", organization="Acme", role="COO"))
    b = people.add_person(store, PersonInput(name="Jo Smith"))
    events.add_event(store, "Mixer", DAY)
    return a.id, b.id


def test_confirm_lists_everyone_of_that_name_as_structured_choices(store: Store) -> None:
    a, b = _two_jos(store)
    with pytest.raises(Ambiguous) as asked:
        events.met(store, "Mixer", [CapturedPerson("jo  SMITH")], confirm=True)
    assert asked.value.choices == [
        Candidate(a, "Jo Smith", "Acme", "COO"),
        Candidate(b, "Jo Smith"),
    ]
    assert not events.show_event(store, "Mixer").attendees, "nothing was written"


def test_confirm_asks_about_a_single_known_name_too(store: Store) -> None:
    known = people.add_person(store, PersonInput(name="Dana Okafor"))
    events.add_event(store, "Mixer", DAY)
    for typed in ("Dana Okafor", "Dana Okafor @Zenith", "Dana Okafor <dana@new.test>"):
        with pytest.raises(Ambiguous) as asked:
            events.met(store, "Mixer", [typed], confirm=True)
        assert [c.id for c in asked.value.choices] == [known.id]
    without = events.met(store, "Mixer", ["Dana Okafor"])  # the CLI's reference, as before
    assert without.created == []


def test_this_one_attaches_the_chosen_person_and_fills_in_what_was_typed(store: Store) -> None:
    _, b = _two_jos(store)
    typed = CapturedPerson("Jo Smith", email="jo@cedar.test", organization="Cedar", role="CFO")
    done = events.met(store, "Mixer", [typed], choice=b, giver=True)
    assert done.created == []
    jo = people.get_person(store, f"#{b}")
    assert (jo.organization, jo.role, jo.emails) == ("Cedar", "CFO", ("jo@cedar.test",))
    assert [(x.person_id, x.gets_it) for x in events.show_event(store, "Mixer").attendees] == [
        (b, True)
    ]


def test_someone_new_is_created_beside_the_others(store: Store) -> None:
    _two_jos(store)
    done = events.met(
        store, "Mixer", [CapturedPerson("Jo Smith", organization="Birch")], choice=events.NEW
    )
    assert len(done.created) == 1
    assert len(list(people.find_people(store, "Jo Smith", limit=10))) == 3


def test_a_choice_answers_one_capture_and_an_email_taken_by_someone_else_conflicts(
    store: Store,
) -> None:
    a, b = _two_jos(store)
    people.edit_person(store, f"#{a}", PersonInput(emails=["jo@acme.test"]))
    with pytest.raises(UserError, match="one capture at a time"):
        events.met(store, "Mixer", ["Jo Smith", "Ann"], choice=a)
    with pytest.raises(Conflict):
        events.met(store, "Mixer", [CapturedPerson("Jo Smith", email="jo@acme.test")], choice=b)


def test_the_gets_mark_is_changed_after_the_capture(store: Store) -> None:
    events.add_event(store, "Mixer", DAY)
    met = events.met(store, "Mixer", ["Lena Brandt"])
    person = met.people[0].id
    assert events.mark(store, "Mixer", person, gets_it=True).attendees[0].gets_it
    assert not events.mark(store, "Mixer", person, gets_it=False).attendees[0].gets_it
    with pytest.raises(UserError, match="was not met at Mixer"):
        events.mark(store, "Mixer", 999_999, gets_it=True)


def test_problems_name_each_field(store: Store) -> None:
    found = events.problems(CapturedPerson("", email="bob@x", organization="x" * 201, role="ok"))
    assert set(found) == {"name", "email", "organization"}
    assert events.problems(CapturedPerson("Bob", email="bob@doe.test")) == {}
