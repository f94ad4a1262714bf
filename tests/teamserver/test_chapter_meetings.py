"""1-to-1s: logged by one member once per client id, confirmed by the other only, counted in
the week's report once confirmed, and pulled into both members' networks as interactions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest
from team_world import World

from whoknows.config import load_settings
from whoknows.services import people
from whoknows.services.people import PersonInput
from whoknows.services.store import Store
from whoknows.services.team import chapter, link
from whoknows.services.team import pull as pulling
from whoknows.teamserver import chapters

pytestmark = pytest.mark.postgres


@pytest.fixture
def transport(team_client) -> httpx.BaseTransport:  # type: ignore[no-untyped-def]
    found: httpx.BaseTransport = team_client._transport  # the app, in-process
    return found


def test_a_confirmed_one_to_one_counts_and_becomes_an_interaction_for_both(  # type: ignore[no-untyped-def]
    tmp_path: Path, world: World, transport: httpx.BaseTransport, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whoknows.errors import NotFound, UserError

    monkeypatch.setattr(chapters, "today", lambda: dt.date(2026, 12, 2))
    vp = world.account(name="Vic VP")
    space = world.space(vp, kind="group")
    stores = {}
    for name, account in (
        ("vic", vp),
        ("ana", world.member(space, account=world.account(name="Ana Member"))),
        ("ben", world.member(space, account=world.account(name="Ben Member"))),
    ):
        opened = Store(load_settings(f"sqlite:///{tmp_path / name}.db"))
        people.set_me(opened, PersonInput(name=account.name, emails=[account.email]))
        link.join(opened, "http://testserver", world.token(space, account), transport=transport)
        stores[name] = opened
    ana, ben, vic = stores["ana"], stores["ben"], stores["vic"]
    met = dt.date(2026, 12, 1)
    made = chapter.log_one_to_one(ana, "Ben", met, "plans", client_id="m-1", transport=transport)
    again = chapter.log_one_to_one(ana, "Ben", met, "plans", client_id="m-1", transport=transport)
    assert made["id"] == again["id"]
    assert (made["with"]["name"], made["confirmed"]) == ("Ben Member", False)
    with pytest.raises(UserError, match="future"):
        chapter.log_one_to_one(ana, "Ben", dt.date(2026, 12, 5), transport=transport)
    unconfirmed = chapter.log_one_to_one(ana, "Vic", met, transport=transport)
    with pytest.raises(NotFound):  # only the other member confirms
        chapter.confirm_one_to_one(ana, made["id"], transport=transport)
    assert chapter.confirm_one_to_one(ben, made["id"], transport=transport)["confirmed"]
    [seen] = chapter.one_to_ones(ben, transport=transport)["one_to_ones"]
    assert (seen["role"], seen["with"]["name"], seen["client_id"]) == ("other", "Ana Member", None)

    body = chapter.close(vic, transport=transport)
    counts = {r["member"]["name"]: r["one_to_ones"] for r in body["members"]}
    assert counts == {"Ana Member": 1, "Ben Member": 1, "Vic VP": 0}  # Vic never confirmed
    assert body["totals"]["one_to_ones"] == 1
    assert unconfirmed["confirmed"] is False

    for mine, other in ((ana, "Ben Member"), (ben, "Ana Member")):
        pulled = pulling.pull(mine, transport=transport)
        assert [m["with"] for m in pulled.one_to_ones] == [other]
        assert pulling.pull(mine, transport=transport).one_to_ones == []  # once
        with mine.read() as session:
            from sqlalchemy import select

            from whoknows.storage import schema as s

            rows = session.execute(
                select(s.Interaction.kind, s.Interaction.date, s.Person.name)
                .join(s.InteractionPerson, s.InteractionPerson.interaction_id == s.Interaction.id)
                .join(s.Person, s.Person.id == s.InteractionPerson.person_id)
                .where(s.Interaction.owner_id == mine.owner_id)
            ).all()
        assert [tuple(r) for r in rows] == [("one-to-one", met, other)]
    for opened in stores.values():
        opened.close()
