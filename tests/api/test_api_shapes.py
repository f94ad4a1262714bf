"""The API's response models keep every field of the service results they are built from
(issue 16: the `Out` classes ignored what they did not name, so new fields vanished)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from pydantic import ValidationError

from whoknows.api import ledger_schemas as ls
from whoknows.api import schemas
from whoknows.core import followups, models
from whoknows.services import drafts, events, intro_steps, ledger, warm_paths
from whoknows.storage import introductions, referrals

# Each response model built from a service's value, and that value's type.
SHAPES: list[tuple[type[schemas.Out], type]] = [
    (schemas.PersonRefOut, models.PersonRef),
    (schemas.PersonOut, models.Person),
    (schemas.TieOut, models.Tie),
    (schemas.InteractionOut, models.Interaction),
    (schemas.AttendeeOut, models.Attendee),
    (schemas.EventOut, models.Event),
    (schemas.OrganizationOut, models.Organization),
    (schemas.WarmPathOut, warm_paths.WarmPath),
    (schemas.PathsOut, warm_paths.PathAnswer),
    (ls.ExchangeOut, ledger.ExchangeView),
    (ls.FlagOut, ledger.FlagView),
    (ls.BalanceRowOut, ledger.PersonRow),
    (ls.BalanceOut, ledger.BalanceView),
    (ls.IntroOut, introductions.IntroView),
    (ls.RecipientOut, drafts.Recipient),
    (ls.DraftOut, drafts.Draft),
    (ls.IntroDraftsOut, intro_steps.IntroDrafts),
    (schemas.MetOut, events.MetResult),
    (schemas.DueOut, followups.Item),
    (ls.ReferralOut, referrals.ReferralView),
    (ls.PartyOut, referrals.Party),
    (ls.StepOut, referrals.Step),
]
# Response models that are not built from one dataclass (a service's dict view, or
# several values put together by the route), and what checks their fields instead.
COMPOSED = {
    schemas.PersonDetailOut: "views.person_detail, with extra='forbid'",
    schemas.TieLineOut: "views.person_detail, with extra='forbid'",
    schemas.InteractionLineOut: "views.person_detail, with extra='forbid'",
    schemas.AttendedOut: "views.person_detail, with extra='forbid'",
    schemas.RecognizedOut: "MetResult.as_json, with extra='forbid'",
    schemas.OrganizationRowOut: "views.org_row, with extra='forbid'",
    schemas.OrganizationDetailOut: "views.org_detail, with extra='forbid'",
    schemas.ProspectOut: "reach.Prospect.as_json, with extra='forbid'",
    schemas.AdvocateOut: "views.advocate, with extra='forbid'",
    schemas.DueReasonOut: "views.plan_item (a Reason's text as reason), with extra='forbid'",
}


def _outs(cls: type[schemas.Out]) -> set[type[schemas.Out]]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _outs(sub)
    return found


@pytest.mark.parametrize(("out", "source"), SHAPES, ids=[o.__name__ for o, _ in SHAPES])
def test_no_field_of_a_service_result_vanishes_from_its_response_model(
    out: type[schemas.Out], source: type
) -> None:
    declared = set(out.model_fields) | {f.alias for f in out.model_fields.values() if f.alias}
    declared |= set(out.model_computed_fields)
    fields = {f.name for f in dataclasses.fields(source)}
    assert fields - declared - out.left_out == set(), f"{out.__name__} drops them"
    assert out.left_out <= fields, "what is left out is a field of the source"


def test_every_response_model_is_checked_against_its_source() -> None:
    checked = {o for o, _ in SHAPES} | set(COMPOSED)
    assert _outs(schemas.Out) - checked == set(), "add them to SHAPES or COMPOSED"
    assert all(o.model_config.get("extra") == "forbid" for o in _outs(schemas.Out))


def test_a_field_a_response_model_does_not_know_is_an_error() -> None:
    @dataclasses.dataclass
    class Grown:
        id: int
        name: str
        since: dt.date

    with pytest.raises(ValidationError, match="since"):
        schemas.PersonRefOut.of(Grown(1, "Dana", dt.date(2026, 1, 1)))


def test_what_a_model_leaves_out_it_leaves_out_deep_down() -> None:
    made = drafts.Draft((drafts.Recipient("Dana", None),), "Hello", "Dear Dana", "intro-dana")
    assert ls.DraftOut.of(made).model_dump() == {
        "to": [{"name": "Dana", "email": None}],
        "missing_email": ["Dana"],
        "subject": "Hello",
        "body": "Dear Dana",
    }
