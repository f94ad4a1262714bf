"""A chapter's week from the members' machines, through the CLI: slips given once per id,
the close, the receiver's moves, thanks by slip, and the report as CSV."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import httpx
import pytest
from team_world import World

from whoknows.config import load_settings
from whoknows.services import people
from whoknows.services.people import PersonInput
from whoknows.services.store import Store
from whoknows.services.team import client
from whoknows.teamserver import chapters

pytestmark = pytest.mark.postgres


@pytest.fixture
def transport(team_client) -> httpx.BaseTransport:  # type: ignore[no-untyped-def]
    found: httpx.BaseTransport = team_client._transport  # the app, in-process
    return found


def test_a_week_of_a_chapter_from_the_command_line(  # type: ignore[no-untyped-def]
    tmp_path: Path,
    world: World,
    transport: httpx.BaseTransport,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from whoknows.cli.main import main

    monkeypatch.setattr(client, "DEFAULT_TRANSPORT", transport)
    monkeypatch.setattr(chapters, "today", lambda: dt.date(2026, 12, 2))
    vp = world.account(name="Vic VP")
    space = world.space(vp, kind="group")
    dbs = {}
    for name, account in (
        ("vic", vp),
        ("ana", world.member(space, account=world.account(name="Ana Member"))),
        ("ben", world.member(space, account=world.account(name="Ben Member"))),
    ):
        path = tmp_path / f"{name}.db"
        opened = Store(load_settings(f"sqlite:///{path}"))
        people.set_me(opened, PersonInput(name=account.name, emails=[account.email]))
        opened.close()
        dbs[name] = str(path)
        token = world.token(space, account)
        assert main(["team", "join", "http://testserver", "--token", token, "--db", dbs[name]]) == 0
    capsys.readouterr()

    def run(who: str, *args: str) -> str:
        code = main(["team", *args, "--db", dbs[who]])
        out, err = capsys.readouterr()
        assert code == 0, err
        return out

    give = ("slip", "give", "Ben", "--about", "Dana Doe <dana@acme.test> @Acme", "--hot", "4")
    first = json.loads(run("ana", *give, "--id", "tap-1", "--note", "needs a quote", "--json"))
    again = json.loads(run("ana", *give, "--id", "tap-1", "--note", "needs a quote", "--json"))
    assert first["id"] == again["id"]
    assert first["receiver"]["name"] == "Ben Member"
    assert "Slip" in run("ana", *give)  # a fresh id: a second slip
    listed = json.loads(run("ben", "slip", "list", "--json"))["slips"]
    assert len(listed) == 2
    assert {s["giver"]["name"] for s in listed} == {"Ana Member"}

    assert "present" in run("vic", "week", "attend", "Ana", "present")
    assert "Closed the week of 2026-11-30" in run("vic", "week", "close")
    # After the close: the author's edit is refused in one line, with a non-zero exit.
    code = main(["team", "slip", "edit", str(first["id"]), "--hot", "1", "--db", dbs["ana"]])
    _out, err = capsys.readouterr()
    assert code != 0
    assert "closed" in err
    assert "Traceback" not in err
    assert "won" in run("ben", "slip", "move", str(first["id"]), "won")
    thanked = json.loads(
        run("ben", "thanks", "give", "EUR 2,500", "--slip", str(first["id"]), "--json")
    )
    assert (thanked["to"]["name"], thanked["amount"], thanked["week"]) == (
        "Ana Member",
        "2500.00",
        "2026-12-07",  # after the close: next week's
    )
    # Ana sees nothing of it until next week's close, then only her total.
    assert json.loads(run("ana", "thanks", "list", "--json"))["received"] == []
    monkeypatch.setattr(chapters, "today", lambda: dt.date(2026, 12, 9))
    run("vic", "week", "close")
    assert "you were thanked EUR 2500.00 in all" in run("ana", "thanks", "list")
    csv = run("ana", "week", "report", "--csv")
    assert '2026-12-07,Ana Member,not recorded,0,0,"EUR 2,500.00"' in csv.splitlines()
    first_week = run("ana", "week", "report", "--week", "2026-12-01", "--csv")
    assert "2026-11-30,Ana Member,present,2,0," in first_week.splitlines()
    code = main(["team", "slip", "give", "Nobody", "--about", "X", "--db", dbs["ana"]])
    assert code != 0
    assert "no colleague" in capsys.readouterr().err
