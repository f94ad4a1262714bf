"""`whoknows team pull`: accepted introduction requests become local introductions, once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from team_world import World

from whoknows.config import load_settings
from whoknows.core.sharing import Level
from whoknows.services import introductions, network, people
from whoknows.services.people import PersonInput
from whoknows.services.store import Store
from whoknows.services.team import link, questions, settings
from whoknows.services.team import pull as pulling
from whoknows.services.team import push as pushing

pytestmark = pytest.mark.postgres
TODAY = dt.date(2026, 11, 30)


@pytest.fixture
def transport(team_client) -> httpx.BaseTransport:  # type: ignore[no-untyped-def]
    found: httpx.BaseTransport = team_client._transport
    return found


@pytest.fixture
def members(
    tmp_path: Path, world: World, transport: httpx.BaseTransport, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Store, Store]]:
    """Sam (has Dana's card, no tie) and Kim (knows Dana well), both pushed, in one space."""
    monkeypatch.setenv("WHOKNOWS_TEAM_CACHE", str(tmp_path / "cache"))
    space = world.space()
    accounts = {n: world.member(space, account=world.account(name=n)) for n in ("Sam", "Kim")}
    stores = {}
    for name, account in accounts.items():
        stores[name] = Store(load_settings(f"sqlite:///{tmp_path / name}.db"))
        people.set_me(stores[name], PersonInput(name=f"{name} Member", emails=[account.email]))
    sam, kim = stores["Sam"], stores["Kim"]
    people.add_person(sam, PersonInput(name="Dana Target", emails=["dana@target.test"]))
    people.add_person(
        kim, PersonInput(name="Dana T.", emails=["dana@target.test"], organization="Target Co")
    )
    network.know(kim, "Kim Member", "Dana T.", strength=0.9)
    settings.set_level(kim, Level.NAME)
    for name, store in stores.items():
        link.join(
            store, "http://testserver", world.token(space, accounts[name]), transport=transport
        )
        pushing.push(store, today=TODAY, transport=transport)
    yield sam, kim
    sam.close()
    kim.close()


def test_an_accepted_request_lands_in_both_ledgers_once(
    members: tuple[Store, Store], transport: httpx.BaseTransport
) -> None:
    sam, kim = members
    asked = questions.ask(
        sam, "Kim", "Dana Target", "we build their data platform", transport=transport
    )
    waiting = pulling.pull(sam, today=TODAY, transport=transport)
    assert (waiting.recorded, waiting.waiting) == ([], 1)
    questions.decide(kim, int(asked["id"]), "accept", transport=transport)

    mine = pulling.pull(sam, today=TODAY, transport=transport)
    [recorded] = mine.recorded
    intro = introductions.list_introductions(sam)[0]
    assert intro.id == recorded["introduction"]
    assert intro.introducer is not None
    assert intro.introducer.name == "Kim"
    assert {intro.a.name, intro.b.name} == {"Sam Member", "Dana Target"}
    assert people.get_person(sam, "Kim").emails  # the colleague became a person here

    theirs = pulling.pull(kim, today=TODAY, transport=transport)
    assert len(theirs.recorded) == 1
    made = introductions.list_introductions(kim)[0]
    assert {made.a.name, made.b.name} == {"Sam", "Dana T."}
    assert made.why == "we build their data platform"

    again = pulling.pull(sam, today=TODAY, transport=transport)
    assert again.recorded == []
    assert len(introductions.list_introductions(sam)) == 1


def test_a_declined_request_records_nothing(
    members: tuple[Store, Store], transport: httpx.BaseTransport
) -> None:
    sam, kim = members
    asked = questions.ask(sam, "Kim", "Dana Target", "a reason", transport=transport)
    questions.decide(kim, int(asked["id"]), "decline", transport=transport)
    found = pulling.pull(sam, today=TODAY, transport=transport)
    assert (found.recorded, found.declined) == ([], 1)
    assert introductions.list_introductions(sam) == []
