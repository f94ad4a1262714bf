"""A person's page: my own ties show the strength scored from our history and its sources."""

from __future__ import annotations

import datetime as dt

from whoknows.services import detail, network, people
from whoknows.services.people import PersonInput
from whoknows.services.store import Store

TODAY = dt.date.today()


def test_my_tie_shows_its_scored_strength_and_where_the_evidence_came_from(store: Store) -> None:
    people.set_me(store, PersonInput(name="Sam Stone"))
    people.add_person(store, PersonInput(name="Dana Okafor"))
    people.add_person(store, PersonInput(name="Ben Li"))
    network.know(store, "Dana", "Ben", strength=0.6)
    for days in (300, 200, 90, 30, 10):
        network.log(store, "coffee", ["Dana"], on=TODAY - dt.timedelta(days=days))
    network.log(store, "email", ["Dana"], on=TODAY - dt.timedelta(days=5))
    found = detail.person_detail(store, "Dana")
    mine = found.ties[0]  # my tie first
    assert mine.other_name == "Sam Stone"
    assert mine.tie.strength is not None
    assert mine.tie.strength > 0.3
    assert mine.sources == ("5 coffees", "1 email")
    other = next(t for t in found.ties if t.other_name == "Ben Li")
    assert (other.tie.strength, other.sources) == (0.6, ())
    shown_me = detail.person_detail(store, "me")
    [to_dana] = [t for t in shown_me.ties if t.other_name == "Dana Okafor"]
    assert to_dana.tie.strength == mine.tie.strength


def test_known_since_runs_from_the_earliest_evidence_not_the_first_logged_contact(
    store: Store,
) -> None:
    from whoknows.services import reach

    people.set_me(store, PersonInput(name="Sam Stone"))
    # connected on LinkedIn in March 2024 (as a LinkedIn import records it), in touch lately
    people.add_person(
        store, PersonInput(name="Dana Okafor", met_on=TODAY - dt.timedelta(days=2 * 365 + 100))
    )
    for days in (60, 30, 10):
        network.log(store, "coffee", ["Dana"], on=TODAY - dt.timedelta(days=days))
    _, ranked = reach.advocates(store, today=TODAY)
    [dana] = ranked
    assert "known 2 years" in dana.explanation
    assert "known 2 months" not in dana.explanation
