"""What an interaction with me changes on a person: a stage once we have met, and when (and
where) we first met. One rule for everything that records interactions: `log`, event capture,
imports."""

from __future__ import annotations

import datetime as dt

from whoknows.core.models import Stage


def after_meeting(
    stage: str | None,
    met_on: dt.date | None,
    met_where: str | None,
    on: dt.date,
    where: str | None = None,
) -> dict[str, object]:
    """The person's fields that change, and their new values, when we interact ON a day (at
    WHERE): 'met' when no stage was set; an earlier first meeting moves met_on, and met_where
    with it (when and where we first met go together). Only fields that really change."""
    changes: dict[str, object] = {}
    if stage is None:
        changes["stage"] = Stage.MET.value
    if met_on is None or on < met_on:
        changes["met_on"] = on
        if met_where != where:
            changes["met_where"] = where
    return changes
