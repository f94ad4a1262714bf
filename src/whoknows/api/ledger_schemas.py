"""The shapes of the give/get routes (api/ledger.py): exchanges, the balance, introductions
and referrals. The shared ones (people, text limits, `Out`) are in api/schemas.py."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from whoknows.api.schemas import Day, Out, PersonRefOut, Ref, Str, Text


class ExchangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    direction: Literal["gave", "got"]
    person: Ref
    kind: Str
    to: Ref | None = None
    note: Text | None = None
    value: Str | None = None
    date: Day | None = None


class ExchangeOut(Out):
    id: int
    giver: PersonRefOut
    receiver: PersonRefOut
    other: PersonRefOut | None
    kind: str
    date: dt.date
    note: str | None
    value: str | None
    currency: str | None
    introduction_id: int | None
    thanked_on: dt.date | None


class FlagOut(Out):
    kind: str
    person: PersonRefOut | None
    reason: str
    ask: list[PersonRefOut]


class BalanceRowOut(Out):
    id: int
    name: str
    given: int
    received: int
    unthanked: int
    last: dt.date | None


class BalanceOut(Out):
    since: dt.date
    until: dt.date
    person: PersonRefOut | None
    given: int
    received: int
    flags: list[FlagOut]
    people: list[BalanceRowOut]
    exchanges: list[ExchangeOut]


class IntroIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    a: Ref
    b: Ref
    why: Text | None = None
    force: bool = False


class IntroOut(Out):
    id: int
    a: PersonRefOut
    b: PersonRefOut
    why: str | None
    state: str
    a_accepted: bool
    b_accepted: bool
    proposed_on: dt.date
    asked_on: dt.date | None
    made_on: dt.date | None
    declined_on: dt.date | None
    outcome: str | None
    outcome_note: str | None
    outcome_on: dt.date | None
    forced: bool
    warnings: list[str]
    introducer: PersonRefOut | None = None  # who makes it, when not me (one I asked for)


class RecipientOut(Out):
    name: str
    email: str | None


class DraftOut(Out):
    # name: the stem of the .eml file `intro ask --out` writes; the API writes no files
    left_out = frozenset({"name"})

    to: list[RecipientOut]
    missing_email: list[str]  # the recipients it has no email address for
    subject: str
    body: str


class IntroDraftsOut(Out):
    # sender: me, the From: of the .eml files `intro ask --out` writes
    left_out = frozenset({"sender"})

    introduction: IntroOut
    drafts: list[DraftOut]


class IntroStepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["ask", "accept", "make", "decline", "outcome"]
    side: Literal["a", "b", "A", "B"] | None = None
    result: Literal["good", "neutral", "bad"] | None = None
    note: Text | None = None


class PartyOut(Out):
    id: int
    name: str
    kind: str = "person"


class StepOut(Out):
    status: str
    date: dt.date


class ReferralOut(Out):
    id: int
    direction: str
    from_: PartyOut = Field(alias="from")
    to: PartyOut
    about: PartyOut | None
    status: str
    value: str | None
    currency: str | None
    note: str | None
    lost_reason: str | None
    date: dt.date
    closed_on: dt.date | None
    thanked_on: dt.date | None
    reported_on: dt.date | None
    steps: list[StepOut]

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)


class ReferralIn(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: Ref | None = Field(default=None, alias="from")
    about: Ref
    to: Ref | None = None
    value: Str | None = None
    note: Text | None = None
    date: Day | None = None


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Str
    value: Str | None = None
    reason: Text | None = None
