"""The demo tour's part for warm paths and advocates."""

from __future__ import annotations

import datetime as dt

from whoknows.services import reach
from whoknows.services.store import Store


def tour(store: Store, today: dt.date) -> list[str]:
    """The top advocates, and the warmest path to an ideal client."""
    _profile, ranked = reach.advocates(store, top=3, today=today)
    lines = [f"{a.person.name} ({a.score:.2f}): {a.explanation}" for a in ranked]
    answer = reach.find_paths(store, "icp", top=1, today=today)
    if answer.paths:
        best = answer.paths[0]
        lines.append(f"Warm path to an ideal client [{best.strength:.3f}]: {best.explanation}")
    elif answer.message:
        lines.append(f"No warm path to your ideal clients yet: {answer.message}")
    return lines
