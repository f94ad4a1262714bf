"""Asking the firm from a member's machine (services/team/questions.py) against a real server:
a local person becomes their key here, and the answers come back as the levels allow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from team_world import World

from whoknows.config import load_settings
from whoknows.core.sharing import Level
from whoknows.errors import UserError
from whoknows.services import network, people
from whoknows.services.people import PersonInput
from whoknows.services.store import Store
from whoknows.services.team import link, questions, settings
from whoknows.services.team import push as pushing

pytestmark = pytest.mark.postgres
TODAY = dt.date(2026, 11, 30)


@pytest.fixture
def transport(team_client) -> httpx.BaseTransport:  # type: ignore[no-untyped-def]
    found: httpx.BaseTransport = team_client._transport  # the app, in-process
    return found


def _store(path: Path, me: str, email: str) -> Store:
    opened = Store(load_settings(f"sqlite:///{path}"))
    people.set_me(opened, PersonInput(name=me, emails=[email]))
    return opened


@pytest.fixture
def members(
    tmp_path: Path,
    world: World,
    transport: httpx.BaseTransport,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Store, Store]]:
    monkeypatch.setenv("WHOKNOWS_TEAM_CACHE", str(tmp_path / "cache"))
    space = world.space()
    sam_account = world.member(space, account=world.account(name="Sam"))
    kim_account = world.member(space, account=world.account(name="Kim"))
    sam = _store(tmp_path / "sam.db", "Sam Member", sam_account.email)
    kim = _store(tmp_path / "kim.db", "Kim Colleague", kim_account.email)
    # Sam knows Kim; Kim knows Dana at Target Co; Sam has Dana's card but no tie.
    people.add_person(sam, PersonInput(name="Kim Colleague", emails=[kim_account.email]))
    network.know(sam, "Sam Member", "Kim Colleague", strength=0.8)
    people.add_person(sam, PersonInput(name="Dana Target", emails=["dana@target.test"]))
    people.add_person(
        kim,
        PersonInput(
            name="Dana Target", emails=["dana@target.test"], organization="Target Co", role="CTO"
        ),
    )
    network.know(kim, "Kim Colleague", "Dana Target", strength=0.9)
    settings.set_level(kim, Level.NAME)
    for store, account in ((sam, sam_account), (kim, kim_account)):
        link.join(store, "http://testserver", world.token(space, account), transport=transport)
        pushing.push(store, today=TODAY, transport=transport)
    yield sam, kim
    sam.close()
    kim.close()


def test_who_knows_path_and_an_introduction_from_the_members_machines(
    members: tuple[Store, Store], transport: httpx.BaseTransport
) -> None:
    sam, kim = members
    found = questions.who_knows(sam, "target co", transport=transport)
    [colleague] = found["colleagues"]
    assert (colleague["name"], colleague["band"], colleague["count"]) == ("Kim", "strong", 1)
    assert colleague["contacts"][0]["name"] == "Dana Target"
    paths = questions.path(sam, "Dana Target", transport=transport)
    assert paths["to"] == "Dana Target"
    [way] = paths["paths"]
    assert way["colleague"]["name"] == "Kim"
    assert [s["kind"] for s in way["steps"]] == ["you", "colleague", "contact"]
    made = questions.ask(sam, "kim", "Dana Target", "we sell CTOs training", transport=transport)
    assert made["status"] == "asked"
    [asked] = questions.intros(kim, transport=transport)["intros"]
    assert (asked["role"], asked["why"]) == ("colleague", "we sell CTOs training")
    questions.decide(kim, asked["id"], "accept", transport=transport)
    [mine] = questions.intros(sam, transport=transport)["intros"]
    assert mine["status"] == "accepted"
    assert "email" in mine["colleague"]


def test_a_person_without_an_email_or_phone_cannot_be_asked_about(
    members: tuple[Store, Store], transport: httpx.BaseTransport
) -> None:
    sam, _ = members
    people.add_person(sam, PersonInput(name="No Contact"))
    with pytest.raises(UserError, match="no email, LinkedIn profile or phone"):
        questions.path(sam, "No Contact", transport=transport)
    with pytest.raises(UserError, match="no colleague"):
        questions.ask(sam, "nobody", "Dana Target", "x", transport=transport)


def test_a_person_known_by_a_linkedin_profile_alone_is_asked_about_by_it(
    members: tuple[Store, Store], transport: httpx.BaseTransport
) -> None:
    from whoknows.storage import schema as s

    sam, kim = members
    profile = "https://www.linkedin.com/in/lee-linked"
    for store in (sam, kim):  # no email, no phone: the profile is the key, as a push makes it
        people.add_person(store, PersonInput(name="Lee Linked", organization="Hooli"))
        with store.write() as session:
            lee = session.query(s.Person).filter_by(name="Lee Linked").one()
            session.add(s.PersonLink(person_id=lee.id, kind="linkedin", url=profile))
    network.know(kim, "Kim Colleague", "Lee Linked", strength=0.9)
    pushing.push(kim, today=TODAY, transport=transport)
    [way] = questions.path(sam, "Lee Linked", transport=transport)["paths"]
    assert way["colleague"]["name"] == "Kim"
    assert way["steps"][-1]["name"] == "Lee Linked"
