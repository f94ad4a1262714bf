"""Give-first suggestions: matches on meaning, weighed by trust and ties, never known pairs."""

from __future__ import annotations

from whoknows.core.suggest import (
    ASK_OFFER,
    IDEAL_CLIENT,
    Candidate,
    need_phrase,
    offer_phrase,
    suggest,
)


def _people() -> list[Candidate]:
    return [
        Candidate(1, "Priya", tie=0.8, trust=4, asks="looking for a fractional CFO"),
        Candidate(2, "Tomás", tie=0.9, trust=5, offers="fractional finance leadership"),
        Candidate(3, "Dana", tie=0.6, trust=4, asks="Looking for a bookkeeper."),
        Candidate(4, "Ben", tie=0.7, trust=3, offers="bookkeeping and payroll for small firms"),
        Candidate(5, "Lea", tie=0.7, trust=4, offers="wedding photography"),
    ]


def test_asks_and_offers_in_different_words_for_the_same_need_match() -> None:
    found = suggest(_people())
    pairs = {(s.a, s.b) for s in found}
    assert (3, 4) in pairs  # a bookkeeper ↔ bookkeeping and payroll
    assert (1, 2) in pairs  # a fractional CFO ↔ fractional finance leadership
    assert all(5 not in (s.a, s.b) for s in found)


def test_the_suggestion_is_explained_in_a_sentence() -> None:
    first = next(s for s in suggest(_people()) if (s.a, s.b) == (1, 2))
    assert first.kind == ASK_OFFER
    assert first.explanation == (
        "Priya is looking for a fractional CFO; Tomás offers fractional finance leadership; "
        "you know both well"
    )
    assert "financ" in " ".join(first.shared)


def test_pairs_that_already_know_each_other_are_never_suggested() -> None:
    found = suggest(_people(), exclude={frozenset((3, 4))})
    assert all({s.a, s.b} != {3, 4} for s in found)
    assert any({s.a, s.b} == {1, 2} for s in found)


def test_trust_and_tie_weigh_the_suggestions() -> None:
    people = _people()
    trusted = suggest(people)
    weak = [*people[:3], Candidate(4, "Ben", tie=0.1, trust=1, offers=people[3].offers)]
    before = next(s.score for s in trusted if s.b == 4)
    after = next(s.score for s in suggest(weak) if s.b == 4)
    assert after < before
    explanation = next(s.explanation for s in suggest(weak) if s.b == 4)
    assert explanation.endswith("you know Dana well and Ben barely")


def test_someone_who_is_the_kind_of_client_another_serves_is_suggested() -> None:
    people = [
        Candidate(1, "Ana", tie=0.8, trust=4, serves="family-owned manufacturers"),
        Candidate(2, "Omar", tie=0.7, trust=4, profile="Operations Director at Ferro (factory)"),
        Candidate(3, "Lea", tie=0.7, trust=4, profile="Photographer"),
    ]
    found = suggest(people)
    assert [(s.a, s.b, s.kind) for s in found] == [(1, 2, IDEAL_CLIENT)]
    assert found[0].explanation.startswith(
        "Ana serves family-owned manufacturers; Omar is Operations Director at Ferro"
    )


def test_nobody_is_matched_with_themselves_and_top_limits_the_list() -> None:
    solo = [Candidate(1, "Ben", tie=0.7, asks="a bookkeeper", offers="bookkeeping")]
    assert suggest(solo) == []
    assert len(suggest(_people(), top=1)) == 1


def test_one_suggestion_per_pair() -> None:
    people = [
        Candidate(1, "Ana", tie=0.8, asks="a bookkeeper", offers="payroll"),
        Candidate(2, "Ben", tie=0.8, asks="payroll help", offers="bookkeeping"),
    ]
    assert len(suggest(people)) == 1


def test_asks_and_offers_read_naturally_inside_a_sentence() -> None:
    assert need_phrase("Looking for a bookkeeper.") == "a bookkeeper"
    assert need_phrase("CFO for a scale-up") == "CFO for a scale-up"
    assert offer_phrase("Offers payroll services") == "payroll services"
