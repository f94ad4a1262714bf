"""`prep PERSON`: one sheet before a 1-to-1, on a handmade network and on the demo."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from whoknows.config import Settings
from whoknows.core import prep as core
from whoknows.demo.build import build_demo
from whoknows.errors import UserError
from whoknows.services import brief, network, people, plan, prep, reach, referrals
from whoknows.services.people import PersonInput
from whoknows.services.store import Store

TODAY = dt.date.today()  # the sheet reads the snapshot of today


def _ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def _network(store: Store) -> None:
    """Dana (an advocate) needs a bookkeeper; Ben keeps books; Dana knows Ana, an operations
    director at a food manufacturer, whom my brief is looking for."""
    people.set_me(store, PersonInput(name="Sam Stone", emails=["sam@example.com"]))
    brief.set_brief(
        store,
        offer="Lean manufacturing",
        wanted_intros="Operations directors at food manufacturers",
        on=_ago(30),
    )
    people.add_person(
        store,
        PersonInput(
            name="Dana Okafor",
            role="Partner",
            organization="Okafor Law",
            asks="Looking for a bookkeeper",
            serves="family-owned manufacturers",
            trust=5,
        ),
    )
    people.add_person(store, PersonInput(name="Ben Li", offers="bookkeeping and payroll", trust=4))
    people.add_person(
        store,
        PersonInput(
            name="Ana Lima",
            role="Operations Director",
            organization="Brown Foods",
            industry="food manufacturing",
        ),
    )
    people.add_person(store, PersonInput(name="Carl Nobody", role="Barista"))
    network.know(store, "me", "Dana", source="linkedin", since=_ago(1200))
    for days in (700, 400, 200, 60, 20):
        network.log(store, "coffee", ["Dana", "Ben"], on=_ago(days))
    network.know(store, "Dana", "Ana Lima", strength=0.8)
    network.know(store, "Dana", "Carl", strength=0.9)
    referrals.add(store, "Dana", "Carl", on=_ago(10))


def test_the_sheet_says_what_to_give_what_to_ask_for_and_what_is_open(store: Store) -> None:
    _network(store)
    sheet = prep.sheet(store, "Dana", today=TODAY)
    assert sheet.person.name == "Dana Okafor"
    assert f"known since {_ago(1200)}" in sheet.met  # the LinkedIn connection, not the coffees
    assert sheet.interactions == 5
    [give] = sheet.give
    assert give.what == "introduce them to Ben Li"
    assert "Dana Okafor is looking for a bookkeeper" in give.why
    assert (give.command or "").startswith("whoknows intro")
    [ask] = sheet.ask
    assert ask.what.startswith("ask for an introduction to Ana Lima (Operations Director at")
    assert "Operations directors at food manufacturers" in ask.why
    assert "Dana Okafor knows them well (0.80)" in ask.why
    assert any("referral" in loop and "Carl Nobody" in loop for loop in sheet.open_loops)
    assert any("you owe them" in loop for loop in sheet.open_loops)  # the referral's thanks
    text = prep.render(sheet, "txt")
    assert text.startswith("Prep: Dana Okafor\n")
    assert "they are looking for: a bookkeeper" in text
    md = prep.render(sheet, "md")
    assert md.startswith("# Prep: Dana Okafor\n")
    assert "## Give first" in md
    assert "- **introduce them to Ben Li**" in md


def test_without_a_brief_their_contacts_who_are_ideal_clients_stand_in(store: Store) -> None:
    from whoknows.services import icp

    _network(store)
    brief.set_brief(store, wanted_intros="", on=TODAY)
    icp.set_profile(store, icp.make_profile(roles=["Operations Director"]))
    [ask] = prep.sheet(store, "Dana", today=TODAY).ask
    assert ask.what.startswith("ask for an introduction to Ana Lima")
    assert "an ideal client of yours" in ask.why


def test_a_sheet_for_myself_or_in_an_unknown_format_is_a_clear_error(store: Store) -> None:
    _network(store)
    with pytest.raises(UserError, match="someone else"):
        prep.sheet(store, "me", today=TODAY)
    with pytest.raises(UserError, match="format"):
        prep.render(prep.sheet(store, "Dana", today=TODAY), "pdf")


def test_wanted_lines_match_on_meaning_weighed_by_their_tie() -> None:
    contacts = [
        core.Contact(1, "Ana", "Operations Director at Brown Foods (food manufacturing)", 0.8),
        core.Contact(2, "Bo", "Head of Operations at Ferro Foods (food manufacturing)", 0.3),
        core.Contact(3, "Cy", "Partner at Lee Accountants (accounting), Leeds", 0.9),
    ]
    found = core.wanted(["Operations directors at food manufacturers in Leeds"], contacts)
    assert [w.contact.name for w in found] == ["Ana", "Bo"]  # a city alone is not enough
    assert core.wanted([], contacts) == []


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("prep")
    opened = Store(
        Settings(
            database_url=f"sqlite:///{folder / 'demo.db'}",
            data_dir=folder,
            config_dir=folder / "config",
        )
    )
    build_demo(opened, "small", 7, today=TODAY)
    return opened


def test_on_the_demo_the_best_advocate_gets_an_introduction_and_an_ask_with_reasons(
    demo: Store,
) -> None:
    _, ranked = reach.advocates(demo, top=1, today=TODAY)
    sheet = prep.sheet(demo, f"#{ranked[0].person.id}", today=TODAY)
    assert sheet.give
    assert all(idea.why for idea in sheet.give)
    assert any(idea.what.startswith("introduce them to") for idea in sheet.give)
    assert sheet.ask
    assert all(idea.why for idea in sheet.ask)
    payload = json.loads(json.dumps(_as_json(sheet)))
    assert set(payload) >= {"person", "met", "tie", "give", "ask", "open_loops", "balance"}


def test_the_plan_leads_to_each_sheet(demo: Store) -> None:
    first = plan.page(demo, today=TODAY).items[0]
    assert prep.sheet(demo, f"#{first.id}", today=TODAY).person.id == first.id


def _as_json(sheet: prep.Sheet) -> object:
    from whoknows.services import views

    return views.as_json(sheet)


def test_the_cli_prints_text_markdown_and_json(
    demo: Store, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from whoknows.cli.main import main

    url = demo.settings.database_url
    _, ranked = reach.advocates(demo, top=1, today=TODAY)
    who = f"#{ranked[0].person.id}"
    capsys.readouterr()
    assert main(["prep", who, "--db", url]) == 0
    assert capsys.readouterr().out.startswith(f"Prep: {ranked[0].person.name}")
    assert main(["prep", who, "--format", "md", "--db", url]) == 0
    assert capsys.readouterr().out.startswith("# Prep:")
    assert main(["prep", who, "--json", "--db", url]) == 0
    assert json.loads(capsys.readouterr().out)["person"]["id"] == ranked[0].person.id
    assert main(["prep", who, "--format", "pdf", "--db", url]) == 2
