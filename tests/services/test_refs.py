"""Names resolve the way a person means them: accents and case aside, the one I know first."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whoknows.errors import Ambiguous, NotFound, UserError
from whoknows.services import network, organizations, people, refs
from whoknows.services.organizations import OrgInput
from whoknows.services.people import PersonInput
from whoknows.services.store import Store


def _resolve(store: Store, ref: str) -> str:
    with store.read() as session:
        return refs.person(session, store.owner_id, ref).name


def _org(store: Store, ref: str) -> str:
    with store.read() as session:
        return refs.organization(session, store.owner_id, ref).name


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("Tomás Shevchenko", "Tomas"),
        ("Tomás Shevchenko", "tomas shevchenko"),
        ("Søren Harris", "SOREN"),
        ("Łukasz Ó Briain", "lukasz o briain"),
        ("Zoë  Adler", "zoe adler"),
        ("François Nguyễn", "francois nguyen"),
        ("e\u0301mile Brun", "Émile"),  # a combining accent stored, a composed one typed
        ("Ana Lima", "ANA LIMA"),
    ],
)
def test_names_match_without_accents_or_case(store: Store, stored: str, typed: str) -> None:
    people.set_me(store, PersonInput(name="Sam"))
    people.add_person(store, PersonInput(name=stored))
    people.add_person(store, PersonInput(name="Someone Else"))
    assert _resolve(store, typed) == stored


def test_an_exact_name_wins_over_the_same_name_with_accents_and_over_a_part(store: Store) -> None:
    people.set_me(store, PersonInput(name="Sam"))
    for name in ("José Ruiz", "Jose Ruiz", "Jose Ruizova"):
        people.add_person(store, PersonInput(name=name))
    assert _resolve(store, "jose ruiz") == "Jose Ruiz"
    assert _resolve(store, "José Ruiz") == "José Ruiz"
    people.add_person(store, PersonInput(name="Renée Dubois"))
    people.add_person(store, PersonInput(name="Renee Dubois-Marchal"))
    assert _resolve(store, "renee dubois") == "Renée Dubois"  # accents aside, exact beats a part


def test_a_part_of_a_name_is_the_start_of_its_words(store: Store) -> None:
    people.set_me(store, PersonInput(name="Sam"))
    for name in ("Dana Okafor", "Ana Lima", "Tomás Shevchenko"):
        people.add_person(store, PersonInput(name=name))
    network.know(store, "me", "Dana Okafor")  # knowing Dana does not make "ana" mean her
    assert _resolve(store, "ana") == "Ana Lima"
    assert _resolve(store, "tom shev") == "Tomás Shevchenko"
    assert _resolve(store, "okaf") == "Dana Okafor"
    with pytest.raises(NotFound):
        _resolve(store, "hevchenko")


def test_of_several_people_with_one_name_the_one_i_know_is_meant(store: Store) -> None:
    people.set_me(store, PersonInput(name="Sam"))
    for org in ("Ferro Ltd", "Brown Foods", "Leeds Council"):
        people.add_person(store, PersonInput(name="David Jones", organization=org))
    network.know(store, "me", "#3", strength=0.8)  # the David Jones at Brown Foods
    with store.read() as session:
        found = refs.person(session, store.owner_id, "David Jones")
        assert (found.id, found.organization.name if found.organization else None) == (
            3,
            "Brown Foods",
        )


def test_when_i_know_several_of_them_the_candidates_say_who_is_who(store: Store) -> None:
    people.set_me(store, PersonInput(name="Sam"))
    people.add_person(store, PersonInput(name="David Jones", organization="Ferro", role="CFO"))
    people.add_person(store, PersonInput(name="David Jones", organization="Acme", role="COO"))
    people.add_person(store, PersonInput(name="David Jones"))
    network.know(store, "me", "#2", strength=0.4)
    network.know(store, "me", "#3", strength=0.9)
    with pytest.raises(Ambiguous) as raised, store.read() as session:
        refs.person(session, store.owner_id, "david jones")
    error = raised.value
    assert [c.id for c in error.choices] == [3, 2, 4]  # the stronger tie first, strangers last
    assert (error.choices[0].organization, error.choices[0].role) == ("Acme", "COO")
    assert "COO at Acme" in error.message
    assert "you know them" in error.message
    assert "email" in (error.hint or "")
    assert error.exit_code == 2


def test_organizations_resolve_by_name_preferring_the_one_where_i_know_people(
    store: Store,
) -> None:
    people.set_me(store, PersonInput(name="Sam"))
    organizations.add_org(store, OrgInput("Ryan Plastics GmbH", city="Berlin"))
    organizations.add_org(store, OrgInput("Ryan Plastics Inc.", city="Chicago"))
    with pytest.raises(Ambiguous) as raised:
        _org(store, "org:ryan plastics")
    assert "org:#" in (raised.value.hint or "")
    assert "email" not in (raised.value.hint or "")  # an email makes no sense for a company
    people.add_person(store, PersonInput(name="Ana Lima", organization="Ryan Plastics Inc."))
    network.know(store, "me", "Ana Lima", strength=0.7)
    assert _org(store, "org:Ryan Plastics") == "Ryan Plastics Inc."
    assert _org(store, "ryan plastics gmbh") == "Ryan Plastics GmbH"
    organizations.add_org(store, OrgInput("Café Noir Ltd"))
    assert _org(store, "cafe noir") == "Café Noir Ltd"


def test_events_resolve_without_accents(store: Store) -> None:
    import datetime as dt

    from whoknows.services import events

    people.set_me(store, PersonInput(name="Sam"))
    events.add_event(store, "Réseau Entreprendre, mars", dt.date(2026, 3, 2))
    with store.read() as session:
        assert refs.event(session, store.owner_id, "reseau entreprendre").name.startswith("Réseau")


def test_a_name_nobody_has_is_not_found_and_a_too_short_part_says_so(store: Store) -> None:
    people.set_me(store, PersonInput(name="Sam"))
    people.add_person(store, PersonInput(name="Ana Lima"))
    with pytest.raises(NotFound):
        _resolve(store, "Zebedee")
    with pytest.raises(UserError):
        _resolve(store, "   ")


@given(st.text(min_size=1, max_size=30))
def test_folding_is_idempotent_and_ignores_case_and_accents(text: str) -> None:
    folded = refs.fold(text)
    assert refs.fold(folded) == folded
    assert refs.fold(text.upper()) == refs.fold(text.lower()) or not text.isascii()
    assert folded == folded.strip()


@given(st.text(alphabet="aeiouycnszlbdkmpqrt%_\\ ", min_size=1, max_size=20))
def test_the_database_pattern_never_misses_a_name_fold_would_match(typed: str) -> None:
    import re

    folded = refs.fold(typed)
    pattern = refs._pattern(folded)
    # LIKE as a regular expression: "_" one character, "%" anything, "\\" escapes.
    regex = ""
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            regex += re.escape(pattern[i + 1])
            i += 2
            continue
        regex += {"%": ".*", "_": "."}.get(c, re.escape(c))
        i += 1
    accented = folded.translate(str.maketrans("aeiouycnszl", "áéíóúýçñšžł"))
    spread = " x ".join(accented.split())  # words apart, as in "tomás shevchenko" for "tom shev"
    for stored in (folded, accented, f"x {accented} y", spread):
        assert re.fullmatch(regex, stored, flags=re.S), (pattern, stored)
