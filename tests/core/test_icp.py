"""The ideal client profile matches people on meaning, per criterion."""

from __future__ import annotations

import numpy as np

from whoknows.core.icp import Attributes, Profile, match_mask, reasons, text_matches


def _attributes() -> Attributes:
    # four people: a CFO at a 120-person manufacturer in Ohio; a finance manager at a bank;
    # an owner of a 40-person food manufacturer in Ohio (tagged family); someone unknown.
    return Attributes(
        industry=np.array([0, 1, 2, -1], np.int32),
        industries=("Industrial Manufacturing", "Banking", "Food manufacturing"),
        role=np.array([0, 1, 2, -1], np.int32),
        roles=("Chief Financial Officer", "Finance Manager", "Owner"),
        city=np.array([0, 1, 0, -1], np.int32),
        cities=("Columbus", "New York"),
        org_size=np.array([120, 5000, 40, -1], np.int32),
        tag_nodes=np.array([2], np.int64),
        tag_codes=np.array([0], np.int32),
        tags=("Family-Business",),
    )


def test_an_empty_profile_matches_nobody() -> None:
    assert not match_mask(Profile(), _attributes()).any()


def test_industry_matches_on_meaning() -> None:
    mask = match_mask(Profile(industries=("manufacturers",)), _attributes())
    assert mask.tolist() == [True, False, True, False]


def test_a_title_abbreviation_matches_the_title_but_not_a_looser_role() -> None:
    mask = match_mask(Profile(roles=("CFO",)), _attributes())
    assert mask.tolist() == [True, False, False, False]


def test_every_criterion_must_hold_and_any_value_within_one() -> None:
    profile = Profile(
        industries=("manufacturing",), roles=("CFO", "owner"), min_org_size=50, max_org_size=500
    )
    assert match_mask(profile, _attributes()).tolist() == [True, False, False, False]
    wider = Profile(industries=("manufacturing",), roles=("CFO", "owner"), cities=("columbus",))
    assert match_mask(wider, _attributes()).tolist() == [True, False, True, False]


def test_tags_match_case_insensitively() -> None:
    mask = match_mask(Profile(tags=("family-business",)), _attributes())
    assert mask.tolist() == [False, False, True, False]


def test_reasons_name_the_parts_that_match() -> None:
    profile = Profile(industries=("manufacturing",), roles=("CFO",), cities=("Columbus",))
    found = reasons(
        profile, industry="Food manufacturing", role="CFO", city="columbus", org_size=None
    )
    assert found == ["a CFO", "in Food manufacturing", "in columbus"]
    assert not text_matches(["CFO"], None)


def test_describe_reads_as_a_sentence() -> None:
    profile = Profile(roles=("CFO",), industries=("manufacturing",), min_org_size=50)
    assert profile.describe() == "CFO, in manufacturing, at organizations of 50–∞ people"
