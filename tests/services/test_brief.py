"""The referral brief: versions, editing as text, rendering, and who holds the current copy."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from whoknows.errors import NotFound, UserError
from whoknows.services import brief, people
from whoknows.services.people import PersonInput
from whoknows.services.store import Store

DAY = dt.date(2026, 3, 10)
SECTIONS = {
    "offer": "Fractional CFO services for owner-managed manufacturers",
    "problems": "Cash-flow surprises.\n\nBanks saying no to growth.",
    "for_whom": "Owner-managed manufacturers with 50 to 500 staff",
    "results": "A 13-week cash forecast within a month",
    "wanted_intros": (
        "- Operations directors at food manufacturers in Leeds\n- Ferro Ltd\n- Dana Okafor"
    ),
}


def _brief(store: Store) -> None:
    people.set_me(
        store,
        PersonInput(name="Sam Jones", emails=["sam@jones.test"], role="CFO", organization="Jones"),
    )
    for name in ("Dana", "Lee", "Ben"):
        people.add_person(store, PersonInput(name=name))
    brief.set_brief(store, **SECTIONS, on=DAY)


def test_setting_the_brief_makes_a_version_and_keeps_sections_not_given(store: Store) -> None:
    _brief(store)
    view, changed = brief.set_brief(store, results="Cash released in 8 weeks", on=DAY)
    assert changed
    assert view.version == 2
    assert view.results == "Cash released in 8 weeks"
    assert view.offer == SECTIONS["offer"]
    again, changed = brief.set_brief(store, results="Cash released in 8 weeks", on=DAY)
    assert (again.version, changed) == (2, False)
    cleared, _ = brief.set_brief(store, results="", on=DAY)
    assert cleared.results is None
    assert brief.show(store).version == 3


def test_a_brief_needs_something_to_set(store: Store) -> None:
    people.set_me(store, PersonInput(name="Sam"))
    with pytest.raises(UserError, match="nothing to set"):
        brief.set_brief(store)
    with pytest.raises(UserError, match="empty"):
        brief.set_brief(store, offer="  ")
    with pytest.raises(UserError, match="no referral brief yet"):
        brief.show(store)


@pytest.mark.parametrize("fmt", ["md", "html", "txt"])
def test_the_rendered_brief_has_every_section_and_the_help_answer(store: Store, fmt: str) -> None:
    _brief(store)
    text = brief.render(store, fmt)
    for heading in (
        "What I offer",
        "Problems I solve",
        "For whom",
        "Typical results",
        "Introductions I am looking for",
        "How could I help you?",
    ):
        assert heading.casefold() in text.casefold(), heading
    for phrase in (
        "Fractional CFO services",
        "Banks saying no to growth.",
        "Owner-managed manufacturers with 50 to 500 staff",
        "13-week cash forecast",
        "Operations directors at food manufacturers in Leeds",
        "Sam Jones",
        "sam@jones.test",
    ):
        assert phrase in text, phrase
    assert (
        "An introduction would help me most: Operations directors at food manufacturers in "
        "Leeds, Ferro Ltd and Dana Okafor." in text
    )


def test_the_html_brief_is_escaped_and_self_contained(store: Store) -> None:
    _brief(store)
    brief.set_brief(store, offer='<script>alert("x")</script> & more', on=DAY)
    page = brief.render(store, "html")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "&amp; more" in page
    assert not re.search(r"(src|href)=|https?://|@import", page)


def test_an_unknown_format_is_refused(store: Store) -> None:
    _brief(store)
    with pytest.raises(UserError, match="pdf"):
        brief.render(store, "pdf")


def test_the_brief_template_can_be_overridden(store: Store) -> None:
    _brief(store)
    folder = store.settings.config_dir / "templates"
    folder.mkdir(parents=True)
    (folder / "brief.txt").write_text("{{ me.name }}: {{ help_answer }}", encoding="utf-8")
    assert brief.render(store, "txt").startswith("Sam Jones: Thank you for asking!")


def test_brief_sent_changes_who_holds_the_current_version(store: Store) -> None:
    """The advocate ranking's 'briefed' part reads briefed_people (wired in services/reach)."""
    _brief(store)
    with store.read() as session:
        assert brief.briefed_people(session, store.owner_id) == set()
    dana = brief.sent(store, "Dana", on=DAY)
    brief.sent(store, "Lee", on=DAY)
    assert (dana.version, dana.already) == (1, False)
    assert brief.sent(store, "Dana", on=DAY).already
    with store.read() as session:
        assert brief.briefed_people(session, store.owner_id) == {dana.person_id, dana.person_id + 1}


def test_editing_the_brief_makes_earlier_copies_old(store: Store) -> None:
    _brief(store)
    dana = brief.sent(store, "Dana", on=DAY)
    brief.set_brief(store, offer="Interim FD", on=DAY)
    with store.read() as session:
        assert brief.briefed_people(session, store.owner_id) == set()
    [holder] = brief.show(store).holders
    assert (holder.name, holder.version, holder.current) == ("Dana", 1, False)
    brief.sent(store, "Dana", on=DAY)
    with store.read() as session:
        assert brief.briefed_people(session, store.owner_id) == {dana.person_id}
    assert brief.show(store).holders[0].current


def test_sending_needs_a_brief_and_someone_known(store: Store) -> None:
    people.set_me(store, PersonInput(name="Sam"))
    people.add_person(store, PersonInput(name="Dana"))
    with pytest.raises(UserError, match="no referral brief"):
        brief.sent(store, "Dana", on=DAY)
    brief.set_brief(store, offer="x", on=DAY)
    with pytest.raises(NotFound):
        brief.sent(store, "Nobody", on=DAY)
    with pytest.raises(UserError, match="others"):
        brief.sent(store, "me", on=DAY)


def test_the_edit_text_round_trips(store: Store) -> None:
    _brief(store)
    text = brief.as_text(brief.show(store))
    assert brief.parse_text(text) == {
        **SECTIONS,
        "wanted_intros": SECTIONS["wanted_intros"],
    }


def test_editing_saves_a_new_version(store: Store) -> None:
    _brief(store)
    view, changed = brief.edit(
        store, lambda text: text.replace("Ferro Ltd", "Ferro Ltd\n- Brown Foods"), on=DAY
    )
    assert changed
    assert view.version == 2
    assert view.intros[-3:] == ["Ferro Ltd", "Brown Foods", "Dana Okafor"]


def test_an_unsaved_edit_changes_nothing(store: Store) -> None:
    _brief(store)
    view, changed = brief.edit(store, lambda _text: None, on=DAY)
    assert (view.version, changed) == (1, False)


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (lambda t: t.replace("## For whom", "## Whom"), "unknown section"),
        (lambda t: t.replace("## For whom\n", ""), "missing"),
        (lambda t: t + "\n## What I offer\nagain\n", "twice"),
        (lambda t: "stray words\n" + t, "before the first section"),
    ],
)
def test_a_broken_edit_writes_nothing(store: Store, broken: object, message: str) -> None:
    _brief(store)
    with pytest.raises(UserError, match=message):
        brief.edit(store, broken, on=DAY)  # type: ignore[arg-type]
    assert brief.show(store).version == 1


def test_a_first_brief_can_be_written_in_the_editor(store: Store) -> None:
    people.set_me(store, PersonInput(name="Sam"))
    view, changed = brief.edit(
        store, lambda t: t.replace("## What I offer\n", "## What I offer\nBookkeeping\n"), on=DAY
    )
    assert (view.version, view.offer, changed) == (1, "Bookkeeping", True)
