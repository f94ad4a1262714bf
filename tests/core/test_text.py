"""Matching on meaning, not on equal strings."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from whoknows.core.text import TfIdf, shared_terms, terms

WORDS = "tax advice small firms bookkeeping payroll bookkeeper web design startups the".split()
TEXTS = st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join) | st.none()


@pytest.mark.parametrize(
    ("ask", "offer"),
    [
        ("looking for a bookkeeper", "bookkeeping and payroll for small firms"),
        ("need a fractional CFO", "fractional finance leadership"),
        ("an employment lawyer", "legal advice on hiring and contracts"),
        ("someone to redo our website", "web design for startups"),
        ("introductions to manufacturers", "we serve family-owned manufacturing firms"),
    ],
)
def test_an_ask_finds_the_offer_worded_differently(ask: str, offer: str) -> None:
    space = TfIdf([offer, "commercial cleaning services", "wedding photography"])
    scores = space.similarity(space.query([ask]))[0]
    assert int(np.argmax(scores)) == 0
    assert scores[0] > 0.2
    assert scores[1] == 0.0


def test_stop_words_and_ask_phrasing_do_not_count() -> None:
    assert terms("I am looking for someone who can help with the") == ["am"]
    assert shared_terms("looking for help", "help wanted") == []


def test_abbreviated_titles_expand() -> None:
    assert terms("CFO") == terms("Chief Financial Officer")
    assert terms("VP Sales")[:2] == terms("Vice President")


def test_empty_texts_have_no_terms_and_no_similarity() -> None:
    space = TfIdf(["", None, "tax advice"])
    assert space.similarity(space.query([None]))[0].tolist() == [0.0, 0.0, 0.0]


@given(st.lists(TEXTS, max_size=8), TEXTS)
def test_one_text_is_scored_as_the_matrices_score_it(
    documents: list[str | None], text: str | None
) -> None:
    space = TfIdf(documents)
    expected = space.similarity(space.query([text]))[0] if documents else np.zeros(0)
    assert np.allclose(space.similarity_to(text), expected, rtol=1e-12, atol=1e-12)
