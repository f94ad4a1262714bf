"""Finding, listing, editing and removing people."""

from __future__ import annotations

import pytest

from whoknows.errors import Ambiguous, NotFound, UserError
from whoknows.services import network, organizations, paging, people
from whoknows.services.organizations import OrgInput
from whoknows.services.people import PersonInput
from whoknows.services.store import Store


def _network(store: Store) -> None:
    people.set_me(store, PersonInput(name="Sam"))
    people.add_person(
        store,
        PersonInput(
            name="Dana Okafor",
            organization="Acme",
            role="COO",
            tags=["cfo"],
            serves="family-owned manufacturers",
        ),
    )
    people.add_person(store, PersonInput(name="Dana Li", organization="acme", stage="trusted"))
    people.add_person(store, PersonInput(name="Priya Shah", emails=["priya@gamma.test"]))


def test_find_matches_names_organizations_roles_and_forgives_typos(store: Store) -> None:
    _network(store)
    assert {p.name for p in people.find_people(store, "acme")} == {"Dana Okafor", "Dana Li"}
    assert [p.name for p in people.find_people(store, "coo")] == ["Dana Okafor"]
    assert [p.name for p in people.find_people(store, "manufacturers")] == ["Dana Okafor"]
    assert [p.name for p in people.find_people(store, "gamma.test")] == ["Priya Shah"]
    assert "Priya Shah" in {p.name for p in people.find_people(store, "Pryia Shah")}


def test_organizations_match_case_insensitively_and_keep_their_first_spelling(
    store: Store,
) -> None:
    _network(store)
    rows = organizations.orgs_page(store, paging.Window()).items
    assert [(r.organization.name, r.people) for r in rows] == [("Acme", 2)]
    assert [p.name for p in people.list_people(store, organization="ACME")] == [
        "Dana Li",
        "Dana Okafor",
    ]


def test_list_filters_by_tag_and_stage(store: Store) -> None:
    _network(store)
    assert [p.name for p in people.list_people(store, tag="cfo")] == ["Dana Okafor"]
    assert [p.name for p in people.list_people(store, stage="trusted")] == ["Dana Li"]
    with pytest.raises(UserError, match="stage"):
        people.list_people(store, stage="bestie")


def test_exact_name_wins_over_a_longer_one(store: Store) -> None:
    people.add_person(store, PersonInput(name="Ann Lee"))
    people.add_person(store, PersonInput(name="Ann Leeds"))
    assert people.get_person(store, "ann lee").name == "Ann Lee"
    with pytest.raises(Ambiguous):
        people.get_person(store, "Ann")


def test_edit_adds_and_drops_emails_and_tags(store: Store) -> None:
    _network(store)
    people.edit_person(store, "Priya", PersonInput(emails=["p@home.test"], tags=["golf"]))
    edited = people.edit_person(
        store, "Priya", PersonInput(drop_emails=["priya@gamma.test"], name="Priya S. Shah")
    )
    assert edited.emails == ("p@home.test",)
    assert edited.tags == ("golf",)
    assert edited.name == "Priya S. Shah"


def test_remove_deletes_the_person_and_their_ties_but_not_me(store: Store) -> None:
    _network(store)
    network.know(store, "Dana Li", "Priya", strength=0.5)
    network.log(store, "call", ["Priya", "Dana Li"], on=__import__("datetime").date(2026, 1, 2))
    people.remove_person(store, "Priya")
    with pytest.raises(NotFound):
        people.get_person(store, "Priya")
    assert people.get_person(store, "Dana Li").name == "Dana Li"
    with pytest.raises(UserError, match="yourself"):
        people.remove_person(store, "me")


def test_an_organization_cannot_be_added_twice(store: Store) -> None:
    organizations.add_org(store, OrgInput(name="Acme", domain="https://www.Acme.test/"))
    shown = organizations.show_org(store, "acme")
    assert shown.organization.domain == "acme.test"
    with pytest.raises(UserError, match="exists"):
        organizations.add_org(store, OrgInput(name="ACME"))


def test_my_own_card_from_an_address_book_becomes_me_when_i_say_who_i_am(
    store: Store,
) -> None:
    card = people.add_person(
        store, PersonInput(name="J. Ashworth", emails=["jordan@ashworth.test"], role="Founder")
    )
    me = people.set_me(store, PersonInput(name="Jordan Ashworth", emails=["Jordan@Ashworth.test"]))
    assert (me.id, me.name, me.is_me, me.role) == (card.id, "Jordan Ashworth", True, "Founder")
    assert len(people.list_people(store)) == 1  # one of me, not two


def test_emails_of_two_people_are_not_taken_for_me(store: Store) -> None:
    people.add_person(store, PersonInput(name="Ann Lee", emails=["ann@x.test"]))
    people.add_person(store, PersonInput(name="Bo Ng", emails=["bo@x.test"]))
    with pytest.raises(UserError):
        people.set_me(store, PersonInput(name="Me", emails=["ann@x.test", "bo@x.test"]))
    assert not any(p.is_me for p in people.list_people(store))
