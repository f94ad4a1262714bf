"""The contact sphere (core.advocates): one function for the advocate ranking and a chapter's
power teams; several profiles at once give what each alone gives."""

from __future__ import annotations

import numpy as np

from whoknows.core.advocates import contact_sphere, contact_spheres
from whoknows.core.icp import Profile

SERVES = ["restaurant owners and hotels", "software startups", "family restaurants and cafés"]


def test_whom_they_serve_near_my_ideal_clients() -> None:
    hospitality = Profile(industries=("restaurants",), roles=("Owner",))
    found = contact_sphere(SERVES, hospitality)
    assert found[1] == 0.0  # software startups: nothing in common
    assert found[0] > 0.0
    assert found[2] > 0.0
    assert np.all(contact_sphere(SERVES, Profile()) == 0.0)  # no ideal clients: no sphere
    assert contact_sphere([], hospitality).shape == (0,)


def test_several_profiles_at_once_are_each_alone() -> None:
    profiles = [
        Profile(industries=("restaurants",)),
        Profile(),
        Profile(roles=("CTO",), tags=("software",)),
    ]
    together = contact_spheres(SERVES, profiles)
    assert together.shape == (3, 3)
    for row, profile in enumerate(profiles):
        assert np.array_equal(together[row], contact_sphere(SERVES, profile))
