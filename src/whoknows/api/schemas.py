"""The REST API's shapes: pydantic In (what a client sends) and Out (what it gets), never ORM."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, computed_field

from whoknows.services import views
from whoknows.services.validate import FIRST_DAY, LAST_DAY, MAX_LINE, MAX_NAME, MAX_TEXT

# Text a client sends: bounded by the limits every adapter shares (services/validate.py), and
# never a NUL (PostgreSQL cannot store one).
_NO_NUL = r"^[^\x00]*$"
Str = Annotated[str, StringConstraints(max_length=MAX_LINE, pattern=_NO_NUL)]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT, pattern=_NO_NUL)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME, pattern=_NO_NUL)]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME, pattern=_NO_NUL)]
Day = Annotated[dt.date, Field(ge=FIRST_DAY, le=LAST_DAY)]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class Out(BaseModel):
    model_config = ConfigDict(extra="ignore")

    @classmethod
    def of(cls, value: Any) -> Self:
        """Built from a service's dataclass (through its plain JSON view)."""
        return cls.model_validate(views.as_json(value))


class PersonRefOut(Out):
    id: int
    name: str


class PersonOut(Out):
    id: int
    name: str
    emails: list[str] = []
    phones: list[str] = []
    organization: str | None = None
    role: str | None = None
    industry: str | None = None
    city: str | None = None
    tags: list[str] = []
    stage: str | None = None
    notes: str | None = None
    serves: str | None = None
    asks: str | None = None
    offers: str | None = None
    trust: int | None = None
    met_where: str | None = None
    met_on: dt.date | None = None
    is_me: bool = False


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    emails: list[Str] = Field(default=[], max_length=20)
    phones: list[Str] = Field(default=[], max_length=20)
    organization: Str | None = None
    role: Str | None = None
    industry: Str | None = None
    city: Str | None = None
    tags: list[Str] = Field(default=[], max_length=50)
    notes: Text | None = None
    serves: Text | None = None
    asks: Text | None = None
    offers: Text | None = None
    trust: Annotated[int, Field(ge=1, le=5)] | None = None
    stage: Str | None = None


class PersonPatch(BaseModel):
    """Only the fields given change; emails, phones and tags given are added (drop_… removes)."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    emails: list[Str] = Field(default=[], max_length=20)
    phones: list[Str] = Field(default=[], max_length=20)
    tags: list[Str] = Field(default=[], max_length=50)
    drop_emails: list[Str] = Field(default=[], max_length=20)
    drop_phones: list[Str] = Field(default=[], max_length=20)
    drop_tags: list[Str] = Field(default=[], max_length=50)
    organization: Str | None = None
    role: Str | None = None
    industry: Str | None = None
    city: Str | None = None
    notes: Text | None = None
    serves: Text | None = None
    asks: Text | None = None
    offers: Text | None = None
    trust: Annotated[int, Field(ge=1, le=5)] | None = None
    stage: Str | None = None


class TieOut(Out):
    a: int
    b: int
    strength: float | None
    source: str
    since: dt.date | None = None
    last_seen: dt.date | None = None


class TieLineOut(Out):
    other_id: int
    other_name: str
    tie: TieOut


class InteractionLineOut(Out):
    id: int
    kind: str
    date: dt.date
    note: str | None
    with_people: list[str]


class AttendedOut(BaseModel):
    id: int
    name: str
    date: dt.date
    gets_it: bool


class PersonDetailOut(BaseModel):
    person: PersonOut
    ties: list[TieLineOut]
    ties_total: int
    interactions: list[InteractionLineOut]
    events: list[AttendedOut]


class OrganizationOut(Out):
    id: int
    name: str
    domain: str | None = None
    industry: str | None = None
    size: int | None = None
    city: str | None = None


class OrganizationRowOut(BaseModel):
    organization: OrganizationOut
    people: int


class OrganizationDetailOut(BaseModel):
    organization: OrganizationOut
    people: list[PersonOut]


class OrganizationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    domain: Str | None = None
    industry: Str | None = None
    size: Annotated[int, Field(ge=1, le=10_000_000)] | None = None
    city: Str | None = None


class TieIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    a: Ref
    b: Ref
    strength: Annotated[float, Field(gt=0, le=1)] | None = None
    source: Str = "told"
    since: Day | None = None


class InteractionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Str
    people: list[Ref] = Field(min_length=1, max_length=50)
    date: Day | None = None
    note: Text | None = None
    minutes: Annotated[int, Field(ge=1, le=24 * 60)] | None = None


class InteractionOut(Out):
    id: int
    kind: str
    date: dt.date
    people: list[int]
    note: str | None = None
    minutes: int | None = None
    event_id: int | None = None


class AttendeeOut(Out):
    person_id: int
    name: str
    gets_it: bool = False


class EventOut(Out):
    id: int
    name: str
    date: dt.date
    place: str | None = None
    note: str | None = None
    attendees: list[AttendeeOut] = []

    @computed_field  # type: ignore[prop-decorator]
    @property
    def met(self) -> int:
        """How many people I met there (as `event list --json` says)."""
        return len(self.attendees)


class EventIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    date: Day
    place: Str | None = None
    note: Text | None = None


class MetIn(BaseModel):
    """People met: references to known people or capture lines "Name <email> @Org / Role"."""

    model_config = ConfigDict(extra="forbid")

    people: list[Ref] = Field(min_length=1, max_length=50)
    giver: bool = False


class MetOut(BaseModel):
    event: EventOut
    people: list[PersonOut]
    created: list[int]


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
    to: list[RecipientOut]
    subject: str
    body: str


class IntroDraftsOut(BaseModel):
    introduction: IntroOut
    drafts: list[DraftOut]


class IntroStepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["ask", "accept", "make", "decline", "outcome"]
    side: Literal["a", "b", "A", "B"] | None = None
    result: Literal["good", "neutral", "bad"] | None = None
    note: Text | None = None


class PartyOut(BaseModel):
    id: int
    name: str
    kind: str = "person"


class StepOut(BaseModel):
    status: str
    date: dt.date


class ReferralOut(BaseModel):
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

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


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


class WarmPathOut(Out):
    strength: float
    people: list[PersonRefOut]
    explanation: str
    hops: list[str]


class PathsOut(Out):
    target: dict[str, Any]
    paths: list[WarmPathOut]
    message: str | None = None
    closest: dict[str, Any] | None = None


class ProspectOut(BaseModel):
    id: int
    name: str
    reachability: float
    hops: int
    advocate: PersonRefOut | None


class AdvocateOut(BaseModel):
    id: int
    name: str
    score: float
    parts: dict[str, float]
    reaches: int
    reaches_indirect: int
    explanation: str


class DueReasonOut(BaseModel):
    kind: str  # follow-up, second-touch, keep-in-touch, reconnect, or what I owe them
    due: dt.date
    reason: str
    action: str


class DueOut(BaseModel):
    """An item of the follow-up plan: `services/views.py:plan_item`, as `due --json` prints it."""

    id: int
    name: str
    due: dt.date
    overdue_days: int
    reason: str
    action: str
    tier: str  # thank or report back, after an event, advocate, keep in touch, reconnect
    why: str  # the main reason, in one line
    what: str  # what to do about it
    potential: float  # what following up may bring
    priority: float
    reasons: list[DueReasonOut] = []  # every reason they are due, the main one first


class ErrorOut(BaseModel):
    error: str
    hint: str | None = None
    reasons: list[str] = []
