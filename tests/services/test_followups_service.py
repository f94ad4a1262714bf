"""Following up through the store: after an event, the queue, done, snooze and cadence."""

from __future__ import annotations

import datetime as dt
import email
from email import policy
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from whoknows.core.followups import Cadence, Tier
from whoknows.core.plan import POTENTIAL_FLOOR
from whoknows.demo import followups as demo
from whoknows.errors import NotFound, UserError
from whoknows.services import (
    brief,
    events,
    followups,
    icp,
    ledger,
    network,
    people,
    reach,
    refs,
)
from whoknows.services.people import PersonInput
from whoknows.services.store import Store
from whoknows.storage import schema as s

TODAY = dt.date(2026, 3, 10)
EVENT_DAY = TODAY - dt.timedelta(days=6)


def _me(store: Store) -> None:
    people.set_me(
        store, PersonInput(name="Sam Jones", emails=["sam@jones.test"], role="Fractional CFO")
    )


def _six_met(store: Store) -> None:
    """An event with six people met; Priya and Omar get Give to Get."""
    _me(store)
    events.add_event(store, "Leeds Breakfast Club", EVENT_DAY, place="The Corn Exchange")
    events.met(
        store,
        "Leeds Breakfast Club",
        [
            "Ada Brown <ada@brown.test> @Brown Foods / Operations Director",
            "Ben Li <ben@li.test>",
            "Carla Diaz @Diaz Law / Partner",
            "Dev Patel <dev@patel.test>",
        ],
    )
    events.met(
        store,
        "Leeds Breakfast Club",
        ["Priya Shah <priya@shah.test> @Shah & Co / Accountant", "Omar Khan <omar@khan.test>"],
        giver=True,
    )
    people.edit_person(
        store,
        "Priya",
        PersonInput(
            serves="family-owned manufacturers",
            asks="a good employment lawyer",
            offers="introductions to family offices",
        ),
    )


def test_an_event_gives_one_draft_per_person_met_those_who_get_it_first(store: Store) -> None:
    _six_met(store)
    result = followups.event_followup(store, "Breakfast")
    assert len(result.drafts) == 6
    assert [d.name for d in result.drafts[:2]] == ["Omar Khan", "Priya Shah"]
    assert [d.gets_it for d in result.drafts] == [True, True, False, False, False, False]
    for found in result.drafts:
        assert "Leeds Breakfast Club" in found.draft.subject
        assert "Leeds Breakfast Club" in found.draft.body
        assert f"Dear {found.name.split()[0]}," in found.draft.body
        assert "1-to-1" in found.draft.body
        assert found.draft.to[0].name == found.name
        assert found.followed_up is False


def test_a_draft_draws_on_what_was_noted_about_the_person(store: Store) -> None:
    _six_met(store)
    drafts = {d.name: d.draft.body for d in followups.event_followup(store, "Breakfast").drafts}
    assert "Accountant at Shah & Co" in drafts["Priya Shah"]
    assert "family-owned manufacturers" in drafts["Priya Shah"]
    assert "a good employment lawyer" in drafts["Priya Shah"]
    assert "introductions to family offices" in drafts["Priya Shah"]
    assert "Operations Director at Brown Foods" in drafts["Ada Brown"]
    assert "gives first" in drafts["Omar Khan"]
    assert "gives first" not in drafts["Ben Li"]
    assert drafts["Ben Li"].rstrip().endswith("Sam Jones\nFractional CFO")


def test_drafts_are_written_as_unsent_eml_files(store: Store, tmp_path: Path) -> None:
    _six_met(store)
    result = followups.event_followup(store, "Breakfast", out_dir=tmp_path / "drafts")
    files = [d.file for d in result.drafts]
    assert all(f is not None and f.suffix == ".eml" for f in files)
    assert sorted(p.name for p in (tmp_path / "drafts").iterdir()) == sorted(
        f.name for f in files if f
    )
    first = files[0]
    assert first is not None
    message = email.message_from_bytes(first.read_bytes(), policy=policy.default)
    assert message["To"] == "Omar Khan <omar@khan.test>"
    assert message["From"] == "Sam Jones <sam@jones.test>"
    assert message["X-Unsent"] == "1"


def test_the_follow_up_template_can_be_overridden_from_the_config_folder(store: Store) -> None:
    _six_met(store)
    folder = store.settings.config_dir / "templates" / "email"
    folder.mkdir(parents=True)
    (folder / "event_followup.txt").write_text(
        "Subject: {{ person.first_name }}, coffee after {{ event.name }}?\n\n"
        "{% if gets_it %}You give first.{% endif %} Cheers, {{ me.name }}\n",
        encoding="utf-8",
    )
    drafts = followups.event_followup(store, "Breakfast").drafts
    assert drafts[0].draft.subject == "Omar, coffee after Leeds Breakfast Club?"
    assert drafts[0].draft.body == "You give first. Cheers, Sam Jones\n"


def test_a_template_added_while_running_is_used_at_once(store: Store) -> None:
    """Templates are compiled once and kept, but not past an override made meanwhile."""
    _six_met(store)
    before = followups.event_followup(store, "Breakfast").drafts[0].draft.subject
    folder = store.settings.config_dir / "templates" / "email"
    folder.mkdir(parents=True)
    assert followups.event_followup(store, "Breakfast").drafts[0].draft.subject == before
    (folder / "event_followup.txt").write_text("Subject: Changed\n\nHello\n", encoding="utf-8")
    assert followups.event_followup(store, "Breakfast").drafts[0].draft.subject == "Changed"


def test_an_unknown_event_is_not_found(store: Store) -> None:
    _me(store)
    with pytest.raises(NotFound):
        followups.event_followup(store, "Nowhere")


def test_people_met_and_not_followed_up_within_three_days_are_overdue(store: Store) -> None:
    _six_met(store)
    items = followups.due(store, within_days=0, today=TODAY)
    assert len(items) == 6
    assert {i.overdue_days for i in items} == {3}
    assert all("met at Leeds Breakfast Club" in i.reason for i in items)
    on_time = followups.due(store, within_days=0, today=EVENT_DAY + dt.timedelta(days=3))
    assert {i.overdue_days for i in on_time} == {0}  # due today: not overdue yet
    assert followups.due(store, within_days=0, today=EVENT_DAY + dt.timedelta(days=2)) == []


def test_a_logged_coffee_removes_the_person_from_the_overdue_list(store: Store) -> None:
    _six_met(store)
    network.log(store, "coffee", ["Ben Li"], on=TODAY)
    overdue = followups.due(store, within_days=0, today=TODAY)
    assert "Ben Li" not in [i.name for i in overdue]
    assert len(overdue) == 5
    followed = {d.name: d.followed_up for d in followups.event_followup(store, "1").drafts}
    assert followed["Ben Li"] is True


def test_the_multi_touch_rule_fires_after_a_first_one_to_one(store: Store) -> None:
    _six_met(store)
    network.log(store, "one-to-one", ["Omar Khan"], on=EVENT_DAY + dt.timedelta(days=2))
    later = EVENT_DAY + dt.timedelta(days=40)
    [omar] = [i for i in followups.due(store, within_days=0, today=later) if i.name == "Omar Khan"]
    assert omar.due == EVENT_DAY + dt.timedelta(days=32)
    assert omar.reasons[0].kind == "second-touch"
    network.log(store, "email", ["Omar Khan"], on=later)
    assert "Omar Khan" not in [i.name for i in followups.due(store, within_days=0, today=later)]


def test_snooze_hides_someone_until_it_ends_and_zero_wakes_them(store: Store) -> None:
    _six_met(store)
    result = followups.snooze(store, "Ada", 5, today=TODAY)
    assert result.until == TODAY + dt.timedelta(days=5)
    assert "Ada Brown" not in [i.name for i in followups.due(store, today=TODAY)]
    back = TODAY + dt.timedelta(days=5)
    assert "Ada Brown" in [i.name for i in followups.due(store, today=back)]
    followups.snooze(store, "Ada", 5, today=TODAY)
    assert followups.snooze(store, "Ada", 0, today=TODAY).until is None
    assert "Ada Brown" in [i.name for i in followups.due(store, today=TODAY)]
    with pytest.raises(UserError, match="out of range"):
        followups.snooze(store, "Ada", -1, today=TODAY)


def test_my_cadence_for_a_person_sets_when_they_are_due(store: Store) -> None:
    _six_met(store)
    network.log(store, "call", ["Dev Patel"], on=TODAY)
    people.set_stage(store, "Dev Patel", "advocate")
    result = followups.set_cadence(store, "Dev", 10)
    assert (result.days, result.stage_default) == (10, 30)
    [dev] = [i for i in followups.due(store, within_days=10, today=TODAY) if i.name == "Dev Patel"]
    assert dev.due == TODAY + dt.timedelta(days=10)
    assert followups.set_cadence(store, "Dev", 0).days is None
    assert "Dev Patel" not in [i.name for i in followups.due(store, within_days=10, today=TODAY)]
    with pytest.raises(UserError):
        followups.set_cadence(store, "Dev", 99_999)


def test_stage_cadences_are_read_from_config_toml(store: Store) -> None:
    config = store.settings.config_dir
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text(
        "[cadence]\nadvocate = 21\none-to-one = 50\nmet = 7\nthank = 0\n", encoding="utf-8"
    )
    rules = followups.rules(store.settings)
    assert rules == Cadence(advocate=21, one_to_one=50, met=7, thank=None)
    _six_met(store)
    assert followups.due(store, within_days=0, today=TODAY) == []  # met 6 days ago; 7 allowed
    assert len(followups.due(store, within_days=0, today=TODAY + dt.timedelta(days=1))) == 6


@pytest.mark.parametrize(
    "text", ["[cadence]\nweekly = 7\n", "[cadence]\nadvocate = 'often'\n", "cadence = 3\n"]
)
def test_a_bad_cadence_setting_is_a_clear_error(store: Store, text: str) -> None:
    config = store.settings.config_dir
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match=r"config\.toml"):
        followups.rules(store.settings)


def _owed(store: Store) -> None:
    """Dana passed me a referral (won), gave me an introduction to Lee and made one for me."""
    _me(store)
    for name in ("Dana Okafor", "Omar Khan", "Lee Chan"):
        people.add_person(store, PersonInput(name=name))
    with store.write() as session:
        me = refs.me(session, store.owner_id)
        dana = refs.person(session, store.owner_id, "Dana")
        omar = refs.person(session, store.owner_id, "Omar")
        lee = refs.person(session, store.owner_id, "Lee")
        referral = s.Referral(
            owner_id=store.owner_id,
            direction="received",
            from_id=dana.id,
            to_id=me.id,
            about_id=omar.id,
            status="won",
            date=TODAY - dt.timedelta(days=20),
            closed_on=TODAY - dt.timedelta(days=9),
        )
        session.add(referral)
        session.flush()
        ledger.record(
            session,
            store,
            giver_id=dana.id,
            receiver_id=me.id,
            kind="referral",
            on=referral.date,
            referral_id=referral.id,
        )
        ledger.record(
            session,
            store,
            giver_id=dana.id,
            receiver_id=me.id,
            kind="introduction",
            on=TODAY - dt.timedelta(days=4),
            other_id=lee.id,
        )
        session.add(
            s.Introduction(
                owner_id=store.owner_id,
                introducer_id=dana.id,
                a_id=me.id,
                b_id=lee.id,
                state="made",
                proposed_on=TODAY - dt.timedelta(days=6),
                made_on=TODAY - dt.timedelta(days=4),
                outcome="good",
                outcome_on=TODAY - dt.timedelta(days=8),
            )
        )


def test_pending_thanks_and_report_backs_are_in_the_queue(store: Store) -> None:
    _owed(store)
    [dana] = followups.due(store, within_days=0, today=TODAY)
    assert dana.name == "Dana Okafor"
    kinds = [r.kind for r in dana.reasons]
    # most important first: the referral's thanks, report-backs, then thanks for the rest
    assert kinds == ["thank-referral", "report-referral", "report-introduction", "thank-gift"]
    assert dana.tier is Tier.OWED
    assert dana.due == TODAY - dt.timedelta(days=18)
    assert "a referral about Omar Khan" in dana.reason
    assert "the referral about Omar Khan (won)" in dana.reason
    assert "an introduction to Lee Chan" in dana.reason
    assert "introduced you to Lee Chan" in dana.reason
    assert "thank them for the referral" in dana.action


def test_done_records_a_follow_up_and_settles_what_was_owed(store: Store) -> None:
    _owed(store)
    result = followups.done(store, "Dana", note="Thanked her", on=TODAY, kind="call")
    assert (result.thanked, result.reported) == (3, 2)  # referral, its entry, the intro entry
    assert result.next_due == TODAY + dt.timedelta(days=90)
    assert followups.due(store, within_days=0, today=TODAY) == []
    with store.read() as session:
        interaction = session.get(s.Interaction, result.interaction_id)
        assert interaction is not None
        assert (interaction.kind, interaction.note, interaction.date) == (
            "call",
            "Thanked her",
            TODAY,
        )
        assert session.scalar(select(s.Referral.reported_on)) == TODAY
        assert session.scalar(select(s.Introduction.reported_on)) == TODAY
        assert set(session.scalars(select(s.Exchange.thanked_on))) == {TODAY}


def test_done_refuses_an_event_and_writes_nothing_on_bad_input(store: Store) -> None:
    _owed(store)
    with pytest.raises(UserError, match="not an event"):
        followups.done(store, "Dana", on=TODAY, kind="event")
    with pytest.raises(UserError, match="not known"):
        followups.done(store, "Dana", on=TODAY, kind="carrier pigeon")
    with pytest.raises(NotFound):
        followups.done(store, "Nobody", on=TODAY)
    with store.read() as session:
        assert session.scalar(select(s.Interaction.id)) is None


def test_the_queue_puts_the_better_advocate_first_when_equally_overdue(store: Store) -> None:
    _me(store)
    people.add_person(store, PersonInput(name="Lee", serves="family-owned manufacturers"))
    people.add_person(store, PersonInput(name="Ben"))
    for name in ("Omar", "Ines"):
        people.add_person(store, PersonInput(name=name, role="CFO"))
        network.know(store, "Lee", name, strength=0.8)
    icp.set_profile(store, icp.make_profile(roles=["CFO"]))
    events.add_event(store, "Expo", EVENT_DAY)
    events.met(store, "Expo", ["Ben", "Lee"])
    items = followups.due(store, within_days=0, today=TODAY)
    assert [i.name for i in items] == ["Lee", "Ben"]
    _, ranked = reach.advocates(store, today=TODAY)
    scores = {a.person.name: a.score for a in ranked}
    for item in items:
        assert item.potential == pytest.approx(scores[item.name], abs=1e-4)
        assert item.priority == pytest.approx(
            (POTENTIAL_FLOOR + item.potential) * item.overdue_days, abs=1e-3
        )


def test_the_queue_needs_to_know_who_i_am(store: Store) -> None:
    with pytest.raises(UserError, match="who you are"):
        followups.due(store, today=TODAY)
    _me(store)
    assert followups.due(store, today=TODAY) == []
    with pytest.raises(UserError, match="out of range"):
        followups.due(store, within_days=-1, today=TODAY)


def test_the_demo_adds_a_recent_event_a_brief_and_shows_them_in_the_tour(store: Store) -> None:
    _me(store)
    for i in range(6):
        people.add_person(store, PersonInput(name=f"Advocate {i}", stage="advocate"))
        network.log(store, "call", [f"Advocate {i}"], on=TODAY - dt.timedelta(days=20 + 9 * i))
    for i in range(10):
        people.add_person(store, PersonInput(name=f"Stranger {i}", role="Plant Manager"))
    added = demo.add(store, np.random.default_rng(3), TODAY)
    assert added == {
        "people_met": 7,
        "givers": 2,
        "brief_copies": 3,
        "snoozed": added["snoozed"],
        "cadences": 2,
    }
    assert added["snoozed"] >= 1
    with store.read() as session:
        assert len(brief.briefed_people(session, store.owner_id)) == 3
    recent = followups.event_followup(store, demo.EVENT_NAME).drafts
    assert len(recent) == 7
    assert [d.gets_it for d in recent[:3]] == [True, True, False]
    lines = demo.tour(store, TODAY)
    assert lines[0].startswith("your plan this week: 10 of ")
    assert any("7 follow-up drafts, the 2 who get Give to Get first" in line for line in lines)
    assert any("referral brief version 1, held by 3 people" in line for line in lines)
