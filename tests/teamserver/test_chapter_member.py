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
    # One thanks alone is held: no total of Ana's tells its amount (chapter_held.py).
    listed = run("ana", "thanks", "list")
    assert "1 thanks held" in listed
    assert "2500" not in listed
    csv = run("ana", "week", "report", "--csv")
    assert "2026-12-07,Ana Member,not recorded,0,0,0,,0" in csv.splitlines()
    assert "2,500" not in csv
    # The week against the ones before it: Ana's two slips and her presence, a week earlier.
    shown = run("ana", "week", "report")
    assert (
        "Against the 1 closed week(s) before it, a week held on average 1.0 present, "
        "2.0 slip(s), 0.0 1-to-1(s), 0.0 visitor(s)." in " ".join(shown.split())
    )
    latest = json.loads(run("ana", "week", "report", "--json"))
    assert latest["six_months"] == {
        "weeks": 1,
        "present_per_week": 1.0,
        "slips_per_week": 2.0,
        "one_to_ones_per_week": 0.0,
        "visitors_per_week": 0.0,
        "thanks_per_week": {},
    }
    first_week = run("ana", "week", "report", "--week", "2026-12-01", "--csv")
    assert "2026-11-30,Ana Member,present,2,0,0,,0" in first_week.splitlines()
    # The traffic lights: leaders set a part's thresholds, a member reads them in words.
    assert "amber 1, green 2" in run(
        "vic", "lights", "set", "referrals", "--amber", "1", "--green", "2"
    )
    shown = run("ana", "lights", "show")
    assert "Referrals given: 2 in 6 months; amber from 1, green from 2" in shown
    assert "Ben Member" not in shown  # a member sees their own light only
    assert "You are on it" in run("ana", "lights", "board", "--join")
    assert "1. Ana Member: 2 referral(s)" in run("ben", "lights", "board")
    code = main(["team", "slip", "give", "Nobody", "--about", "X", "--db", dbs["ana"]])
    assert code != 0
    assert "no colleague" in capsys.readouterr().err


def test_a_pulled_slip_is_a_referral_from_its_member_in_the_local_report(  # type: ignore[no-untyped-def]
    tmp_path: Path, world: World, transport: httpx.BaseTransport, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whoknows.services import ledger, referrals, report_view
    from whoknows.services import report as reports
    from whoknows.services.team import chapter, link
    from whoknows.services.team import pull as pulling

    monkeypatch.setattr(chapters, "today", lambda: dt.date(2026, 12, 2))
    space = world.space(kind="group")
    stores = {}
    for name in ("Ana Member", "Ben Member"):
        account = world.member(space, account=world.account(name=name))
        opened = Store(load_settings(f"sqlite:///{tmp_path / name.split()[0]}.db"))
        people.set_me(opened, PersonInput(name=name, emails=[account.email]))
        link.join(opened, "http://testserver", world.token(space, account), transport=transport)
        stores[name.split()[0].lower()] = opened
    ana, ben = stores["ana"], stores["ben"]
    about = "Dana Doe <dana@acme.test> @Acme / CFO"
    made = chapter.give(ana, "Ben", about, 5, "needs a quote", transport=transport)
    withdrawn = chapter.give(ana, "Ben", "Eve Gone <eve@gone.test>", 2, transport=transport)
    chapter.withdraw(ana, withdrawn["id"], transport=transport)

    today = dt.date(2026, 12, 3)
    pulled = pulling.pull(ben, today=today, transport=transport)
    assert [s["slip"] for s in pulled.slips] == [made["id"]]  # the withdrawn one never
    assert pulling.pull(ben, today=today, transport=transport).slips == []  # once
    [received] = referrals.list_referrals(ben)
    assert (received.direction, received.from_.name, received.about.name) == (
        "received",
        "Ana Member",
        "Dana Doe",
    )
    assert received.note == "chapter slip, hot 5: needs a quote"
    report = report_view.as_json(reports.build(ben, today=today))
    advocates = {a["name"]: a["referrals"] for a in report["advocates"]}
    assert advocates == {"Ana Member": 1}
    # The giver's pull records the give: a referral given, and the ledger's give to Ben.
    assert [s["what"] for s in pulling.pull(ana, today=today, transport=transport).slips] == [
        "you referred Dana Doe to Ben Member"
    ]
    [given] = referrals.list_referrals(ana)
    assert (given.direction, given.to.name) == ("given", "Ben Member")
    rows = {r.name: (r.given, r.received) for r in ledger.balance(ana, today=today).people}
    assert rows == {"Ben Member": (1, 0)}
    rows = {r.name: (r.given, r.received) for r in ledger.balance(ben, today=today).people}
    assert rows["Ana Member"] == (0, 1)
    for opened in stores.values():
        opened.close()
