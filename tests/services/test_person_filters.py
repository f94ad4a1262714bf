"""Introductions and referrals of one person are filtered in SQL, and give what filtering the
whole list would (the person page used to read every introduction and referral)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from whoknows.config import load_settings
from whoknows.demo.build import build_demo
from whoknows.services import introductions, referrals
from whoknows.services.store import Store


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("filters") / "demo.db"
    with Store(load_settings(str(path))) as store:
        build_demo(store, "small", 11, today=dt.date(2026, 6, 1))
        yield store


def test_one_persons_introductions_and_referrals_are_those_of_the_whole_lists(
    demo: Store,
) -> None:
    every_intro = introductions.list_introductions(demo)
    every_referral = referrals.list_referrals(demo)
    people = {p.id for i in every_intro for p in (i.a, i.b, i.introducer) if p is not None}
    people |= {p.id for r in every_referral for p in (r.from_, r.to, r.about) if p is not None}
    assert len(people) > 20, "the demo has introductions and referrals among many people"
    for person in [*sorted(people)[:: max(1, len(people) // 25)], 10**6]:
        wanted = [
            i.id
            for i in every_intro
            if person in (i.a.id, i.b.id) or (i.introducer and i.introducer.id == person)
        ]
        assert [i.id for i in introductions.list_introductions(demo, person=person)] == wanted
        wanted = [
            r.id
            for r in every_referral
            if person in (r.from_.id, r.to.id) or (r.about and r.about.id == person)
        ]
        assert [r.id for r in referrals.list_referrals(demo, person=person)] == wanted
