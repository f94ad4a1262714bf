"""Contact spheres and power teams: a member shares whom they serve and their ideal clients
by choice with `team push`; the server suggests the members whose clients overlap (the
advocate ranking's contact sphere, both ways) and who knows their ideal clients, with the
band; choosing to keep it removes it at the next push; a firm keeps nothing of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text
from team_world import World, bearer

from whoknows.config import load_settings
from whoknows.services import brief, icp, network, people
from whoknows.services.people import PersonInput
from whoknows.services.store import Store
from whoknows.services.team import link, sphere
from whoknows.services.team import push as pushing

pytestmark = pytest.mark.postgres
TODAY = dt.date(2026, 11, 30)
MEMBERS = {  # name: (whom they serve, ideal clients (industries, roles), contacts' role, tie)
    "Ana": ("owners of family restaurants and cafés", (["hospitality"], ["CFO"]), None, 0.0),
    "Ben": (
        "restaurant owners, hotels and hospitality businesses",
        (["restaurants"], ["Owner"]),
        "CFO",
        0.9,
    ),
    "Cy": ("software startups", (["software"], ["CTO"]), "Developer", 0.8),
    "Dee": ("hotel groups", (["hotels"], ["Owner"]), "Group CFO", 0.4),  # never shares
}


@pytest.fixture
def transport(team_client) -> httpx.BaseTransport:  # type: ignore[no-untyped-def]
    found: httpx.BaseTransport = team_client._transport  # the app, in-process
    return found


@pytest.fixture
def chapter(
    tmp_path: Path, world: World, transport: httpx.BaseTransport
) -> Iterator[tuple[object, dict[str, Store], dict[str, str]]]:
    space = world.space(world.account(name="Vic VP"), kind="group")
    stores, tokens = {}, {}
    for name, (serves, (industries, roles), role, tie) in MEMBERS.items():
        account = world.member(space, account=world.account(name=f"{name} Member"))
        opened = Store(load_settings(f"sqlite:///{tmp_path / name}.db"))
        people.set_me(opened, PersonInput(name=account.name, emails=[account.email]))
        if role:
            for i in range(2):
                people.add_person(
                    opened,
                    PersonInput(name=f"{name} Client {i}", emails=[f"{name}{i}@x.test"], role=role),
                )
                network.know(opened, account.name, f"{name} Client {i}", strength=tie)
        brief.set_brief(opened, for_whom=serves, offer="private notes stay here")
        icp.set_profile(opened, icp.make_profile(industries=industries, roles=roles))
        token = world.token(space, account)
        link.join(opened, "http://testserver", token, transport=transport)
        if name != "Dee":
            sphere.choose(opened, share=True)
        pushing.push(opened, today=TODAY, transport=transport)
        stores[name], tokens[name] = opened, token
    yield space, stores, tokens
    for opened in stores.values():
        opened.close()


def test_power_teams_from_the_spheres_members_chose_to_share(  # type: ignore[no-untyped-def]
    chapter, transport: httpx.BaseTransport, owner_engine: Engine, team_client
) -> None:
    space, stores, tokens = chapter
    with owner_engine.connect() as conn:
        kept = conn.execute(
            text(
                "SELECT a.name, c.serves, c.ideal FROM chapter_sphere c "
                "JOIN account a ON a.id = c.account_id WHERE c.space_id = :s ORDER BY a.name"
            ),
            {"s": space.id},
        ).all()
    assert [r.name for r in kept] == ["Ana Member", "Ben Member", "Cy Member"]  # Dee did not
    assert (kept[0].serves, kept[0].ideal) == (
        "owners of family restaurants and cafés",
        {"industries": ["hospitality"], "roles": ["CFO"], "tags": []},
    )  # whom she serves and her ideal clients; nothing else of her brief

    ana = sphere.power_team(stores["Ana"], transport=transport)
    assert ana["shared"] is True
    [ben] = ana["team"]  # Cy's clients overlap nobody's
    assert ben["member"]["name"] == "Ben Member"
    assert ben["they_serve_your_clients"] > 0
    assert ben["you_serve_their_clients"] > 0
    assert "hospitality" in ben["in_common"]  # words as written, not stems
    # Who knows Ana's ideal clients (CFOs) among the pooled ties, strongest band first; Dee
    # did not share her sphere, but her pooled ties count.
    knows = [(k["member"]["name"], k["people"], k["band"]) for k in ana["know_your_clients"]]
    assert knows == [("Ben Member", 2, "strong"), ("Dee Member", 2, "weak")]
    assert sphere.power_team(stores["Dee"], transport=transport) == {
        "shared": False,
        "serves": None,
        "ideal": None,
        "team": [],
        "know_your_clients": [],
    }
    assert sphere.power_team(stores["Cy"], transport=transport)["team"] == []

    page = team_client.get(
        f"/s/{space.slug}/chapter/me", headers=bearer(tokens["Ana"]) | {"Accept": "text/html"}
    )
    assert page.status_code == 200
    assert "<title>" + space.name + ": my chapter · whoknows team</title>" in page.text
    assert page.text.count('id="power-team"') == 1
    section = page.text[page.text.index('id="power-team"') :]
    assert "<strong>Ben Member</strong>, serves restaurant owners" in section
    assert "Dee Member: 2 people, weak tie at best" in section
    me = team_client.get(
        f"/api/v1/spaces/{space.slug}/chapter/me", headers=bearer(tokens["Ana"])
    ).json()
    assert me["power_team"] == ana

    sphere.choose(stores["Ana"], share=False)  # the next push removes it
    pushing.push(stores["Ana"], today=TODAY, transport=transport)
    assert sphere.power_team(stores["Ana"], transport=transport)["shared"] is False
    assert sphere.power_team(stores["Ben"], transport=transport)["team"] == []


def test_a_firm_keeps_no_sphere(  # type: ignore[no-untyped-def]
    tmp_path: Path, world: World, transport: httpx.BaseTransport, owner_engine: Engine
) -> None:
    space = world.space()
    account = world.member(space)
    opened = Store(load_settings(f"sqlite:///{tmp_path / 'firm.db'}"))
    people.set_me(opened, PersonInput(name="Sam Member", emails=["sam@firm.test"]))
    brief.set_brief(opened, for_whom="dentists")
    link.join(opened, "http://testserver", world.token(space, account), transport=transport)
    sphere.choose(opened, share=True)
    pushing.push(opened, today=TODAY, transport=transport)
    opened.close()
    with owner_engine.connect() as conn:
        found = conn.execute(
            text("SELECT count(*) FROM chapter_sphere WHERE space_id = :s"), {"s": space.id}
        )
        assert found.scalar_one() == 0
