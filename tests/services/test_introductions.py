"""Introductions: the reputation guard, double opt-in states, drafts, gives and outcomes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from whoknows.errors import Conflict, NotFound, Refused, UserError
from whoknows.services import introductions as intros
from whoknows.services import ledger, network, people, refs
from whoknows.services.people import PersonInput
from whoknows.services.store import Store
from whoknows.storage import schema as s

TODAY = dt.date(2026, 6, 30)


def _ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def _known_well(store: Store, name: str, **fields: str) -> None:
    people.add_person(store, PersonInput(name=name, trust=4, **fields))  # type: ignore[arg-type]


def _network(store: Store) -> None:
    people.set_me(store, PersonInput(name="Sam Stone", emails=["sam@example.com"]))
    _known_well(
        store,
        "Priya Shah",
        role="Founder",
        organization="Lumen",
        asks="looking for a fractional CFO",
        emails=["priya@lumen.example"],  # type: ignore[arg-type]
    )
    _known_well(store, "Tomás Ruiz", offers="fractional finance leadership")
    _known_well(store, "Dana Okafor", serves="family-owned manufacturers")
    for days in (700, 400, 200, 60, 20):
        network.log(store, "coffee", ["Priya", "Tomás", "Dana"], on=_ago(days))
    people.add_person(store, PersonInput(name="Omar Haddad"))
    network.log(store, "event", ["Omar"], on=_ago(2))


def _intro_count(store: Store) -> int:
    with store.read() as session:
        return int(session.scalar(select(func.count()).select_from(s.Introduction)) or 0)


def test_someone_met_two_days_ago_is_refused_naming_them_and_nothing_is_written(
    store: Store,
) -> None:
    _network(store)
    with pytest.raises(Refused) as refused:
        intros.propose(store, "Priya", "Omar", today=TODAY)
    message = refused.value.message
    assert "Omar Haddad: you met them 2 days ago (under 90 days)" in message
    assert "1 interaction with you (fewer than 3)" in message
    assert "no trust recorded" in message
    assert "Priya Shah:" not in message
    assert refused.value.go_ahead == "force"  # each adapter says how: the CLI, --force
    assert "--force" not in (refused.value.hint or "")
    assert refused.value.exit_code == 3
    assert _intro_count(store) == 0


def test_a_refusal_carries_the_guards_reasons_one_each(store: Store) -> None:
    # Every adapter can list them without asking the guard again.
    _network(store)
    with pytest.raises(Refused) as refused:
        intros.propose(store, "Priya", "Omar", today=TODAY)
    expected = [str(w) for w in intros.check(store, "Priya", "Omar", today=TODAY)]
    assert list(refused.value.reasons) == expected
    assert any(r.startswith("Omar Haddad: you met them 2 days ago") for r in expected)


def test_with_force_it_proceeds_and_keeps_the_warnings(store: Store) -> None:
    _network(store)
    found = intros.propose(store, "Priya", "Omar", force=True, today=TODAY)
    assert found.state == "proposed"
    assert found.forced
    assert any(w.startswith("Omar Haddad: you met them 2 days ago") for w in found.warnings)
    assert _intro_count(store) == 1


def test_people_i_know_well_pass_the_guard(store: Store) -> None:
    _network(store)
    assert intros.check(store, "Priya", "Tomás", today=TODAY) == []
    found = intros.propose(store, "Priya", "Tomás", why="a CFO for Lumen", today=TODAY)
    assert (found.forced, found.warnings) == (False, [])


def test_a_full_double_opt_in_run_ends_made_with_a_give_to_both(store: Store) -> None:
    _network(store)
    proposed = intros.propose(store, "Priya", "Tomás", why="Lumen needs a CFO", today=TODAY)
    asked = intros.ask(store, proposed.id, today=TODAY)
    assert asked.introduction.state == "asked"
    assert [d.to[0].name for d in asked.drafts] == ["Priya Shah", "Tomás Ruiz"]
    to_priya, to_tomas = asked.drafts
    assert to_priya.subject == "Would you like an introduction to Tomás Ruiz?"
    assert "Lumen needs a CFO" in to_priya.body
    assert "offers fractional finance leadership" in to_priya.body
    assert "Tomás Ruiz" in to_priya.body
    assert "Priya Shah, Founder at Lumen" in to_tomas.body
    assert "is looking for a fractional CFO" in to_tomas.body
    assert asked.sender is not None
    assert asked.sender.email == "sam@example.com"

    assert intros.accept(store, proposed.id, "a").state == "asked"
    accepted = intros.accept(store, proposed.id, "B")
    assert accepted.state == "accepted"
    made = intros.make(store, proposed.id, today=TODAY)
    assert made.introduction.state == "made"
    assert made.introduction.made_on == TODAY
    (draft,) = made.drafts
    assert [r.name for r in draft.to] == ["Priya Shah", "Tomás Ruiz"]
    assert "Lumen needs a CFO" in draft.body
    assert "Priya, meet Tomás Ruiz." in draft.body
    assert "Tomás, meet Priya Shah, Founder at Lumen." in draft.body

    with store.read() as session:
        gives = session.execute(
            select(s.Exchange.receiver_id, s.Exchange.other_id, s.Exchange.kind).where(
                s.Exchange.introduction_id == proposed.id
            )
        ).all()
        me = refs.me(session, store.owner_id).id
        givers = set(session.scalars(select(s.Exchange.giver_id)))
    assert sorted((r, o) for r, o, _ in gives) == sorted(
        [(proposed.a.id, proposed.b.id), (proposed.b.id, proposed.a.id)]
    )
    assert {k for _, _, k in gives} == {"introduction"}
    assert givers == {me}


@pytest.mark.parametrize(
    ("steps", "action", "message"),
    [
        ([], lambda st, i: intros.accept(st, i, "A"), "is proposed: it cannot be accepted"),
        ([], lambda st, i: intros.make(st, i), "is proposed: it cannot be made"),
        (["ask"], lambda st, i: intros.make(st, i), "is asked: it cannot be made"),
        (["ask"], lambda st, i: intros.outcome(st, i, "good"), "cannot be given an outcome"),
        (["decline"], lambda st, i: intros.ask(st, i), "is declined: it cannot be asked"),
        (["ask"], lambda st, i: intros.accept(st, i, "C"), "side 'C' is not A or B"),
    ],
)
def test_illegal_transitions_are_refused_clearly(
    store: Store, steps: list[str], action: object, message: str
) -> None:
    _network(store)
    intro = intros.propose(store, "Priya", "Tomás", today=TODAY)
    for step in steps:
        getattr(intros, step)(store, intro.id)
    with pytest.raises(UserError, match=message):
        action(store, intro.id)  # type: ignore[operator]


def test_a_bad_outcome_makes_the_next_introduction_involving_that_person_warn(
    store: Store,
) -> None:
    _network(store)
    intro = intros.propose(store, "Priya", "Tomás", today=TODAY)
    intros.ask(store, intro.id, today=TODAY)
    intros.accept(store, intro.id, "A")
    intros.accept(store, intro.id, "B")
    intros.make(store, intro.id, today=TODAY)
    done = intros.outcome(store, intro.id, "bad", note="Tomás never replied", today=TODAY)
    assert (done.outcome, done.outcome_note) == ("bad", "Tomás never replied")
    with pytest.raises(Refused) as refused:
        intros.propose(store, "Tomás", "Dana", today=TODAY)
    assert "Tomás Ruiz: your introduction of them to Priya Shah" in refused.value.message
    assert "went badly: Tomás never replied" in refused.value.message
    assert "Dana Okafor:" not in refused.value.message


def test_a_good_outcome_counts_as_a_service_returned(store: Store) -> None:
    _network(store)
    intro = intros.propose(store, "Priya", "Tomás", today=TODAY)
    intros.ask(store, intro.id, today=TODAY)
    intros.accept(store, intro.id, "A")
    intros.accept(store, intro.id, "B")
    intros.make(store, intro.id, today=TODAY)
    intros.outcome(store, intro.id, "good", today=TODAY)
    with store.read() as session:
        me = refs.me(session, store.owner_id).id
        services = ledger.services_by_person(session, store.owner_id, me)
    assert sorted(x.given for x in services[intro.a.id]) == [False, True]


def test_the_same_pair_cannot_have_two_open_introductions(store: Store) -> None:
    _network(store)
    first = intros.propose(store, "Priya", "Tomás", today=TODAY)
    with pytest.raises(Conflict, match=f"already have introduction #{first.id}"):
        intros.propose(store, "Tomás", "Priya", today=TODAY)
    intros.decline(store, first.id, today=TODAY)
    assert intros.propose(store, "Tomás", "Priya", today=TODAY).id != first.id


def test_introducing_someone_to_themselves_or_to_me_is_bad_input(store: Store) -> None:
    _network(store)
    with pytest.raises(UserError, match="to themselves"):
        intros.propose(store, "Priya", "Priya Shah", today=TODAY)
    with pytest.raises(UserError, match="two other people"):
        intros.propose(store, "me", "Priya", today=TODAY)
    with pytest.raises(NotFound):
        intros.ask(store, 99)


def test_list_filters_by_state_newest_first(store: Store) -> None:
    _network(store)
    first = intros.propose(store, "Priya", "Tomás", today=TODAY)
    second = intros.propose(store, "Priya", "Dana", today=TODAY)
    intros.ask(store, second.id, today=TODAY)
    assert [i.id for i in intros.list_introductions(store)] == [second.id, first.id]
    assert [i.id for i in intros.list_introductions(store, state="asked")] == [second.id]
    with pytest.raises(UserError, match="state 'sent' is not known"):
        intros.list_introductions(store, state="sent")
    assert intros.counts(store) == {"proposed": 1, "asked": 1}


def test_an_introduction_asked_for_runs_double_opt_in_through_the_introducer(
    store: Store,
) -> None:
    """Asking Priya (whom I know well) to introduce me to Dana: the draft goes to Priya, my
    side is accepted, Dana's yes makes it accepted, and made it is Priya's give to me."""
    _network(store)
    asked = intros.request(store, "Priya", "Dana", why="on my path to Ferro", today=TODAY)
    assert asked.state == "proposed"
    assert asked.introducer is not None
    assert asked.introducer.name == "Priya Shah"
    assert (asked.a.name, asked.b.name, asked.a_accepted) == ("Sam Stone", "Dana Okafor", True)
    drafts = intros.ask(store, asked.id, today=TODAY)
    assert [d.to[0].name for d in drafts.drafts] == ["Priya Shah"]
    assert drafts.drafts[0].subject == "Would you introduce me to Dana Okafor?"
    assert "on my path to Ferro" in drafts.drafts[0].body
    assert intros.accept(store, asked.id, "B").state == "accepted"
    made = intros.make(store, asked.id, today=TODAY)
    assert made.introduction.state == "made"
    assert made.drafts == [], "Priya writes it, not me"
    with store.read() as session:
        gift = session.scalars(
            select(s.Exchange).where(s.Exchange.introduction_id == asked.id)
        ).one()
        me = refs.me(session, store.owner_id)
        assert (gift.receiver_id, gift.kind) == (me.id, "introduction")
        assert gift.giver_id == asked.introducer.id


def test_asking_someone_i_barely_know_for_an_introduction_is_guarded(store: Store) -> None:
    _network(store)
    warnings = intros.check_request(store, "Omar", "Dana", today=TODAY)
    assert any("Omar Haddad" in str(w) for w in warnings)
    with pytest.raises(Refused):
        intros.request(store, "Omar", "Dana", today=TODAY)
    assert _intro_count(store) == 0
    forced = intros.request(store, "Omar", "Dana", force=True, today=TODAY)
    assert forced.forced
    with pytest.raises(Conflict):
        intros.request(store, "Priya", "Dana", today=TODAY)
    with pytest.raises(UserError):
        intros.request(store, "Priya", "Sam", today=TODAY)
