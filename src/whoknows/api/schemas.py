"""The REST API's shapes: pydantic In (what a client sends) and Out (what it gets), never ORM."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

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
    """What the API answers, built from a service's result: every field of the result is
    declared here, or named in LEFT_OUT with the reason beside it. A field the model does
    not know is an error (tests/api/test_api_shapes.py), never silently dropped."""

    model_config = ConfigDict(extra="forbid")
    left_out: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _leave_out(cls, data: Any) -> Any:
        if cls.left_out and isinstance(data, dict):
            return {k: v for k, v in data.items() if k not in cls.left_out}
        return data

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


class TieLineOut(TieOut):
    """A tie of a person's, flat: the other person's id and name, the tie, and where a tie
    of mine has its evidence from."""

    id: int
    name: str
    sources: list[str] = []


class InteractionLineOut(Out):
    id: int
    kind: str
    date: dt.date
    note: str | None
    with_people: list[str]


class AttendedOut(Out):
    id: int
    name: str
    date: dt.date
    gets_it: bool


class PersonDetailOut(PersonOut):
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


class OrganizationRowOut(OrganizationOut):
    people: int


class OrganizationDetailOut(OrganizationOut):
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
    met: int = Field(description="How many people I met there")


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


class RecognizedOut(Out):
    id: int
    reason: str  # why a capture was taken to be them ("they share the email …")


class MetOut(Out):
    event: EventOut
    people: list[PersonOut]
    created: list[int]
    recognized: list[RecognizedOut] = []


class WarmPathOut(Out):
    strength: float
    people: list[PersonRefOut]
    explanation: str
    hops: list[str]
    target_is: str = ""  # the target's role and organization: "Plant Manager at Ferro Ltd"


class PathsOut(Out):
    target: dict[str, Any]
    paths: list[WarmPathOut]
    message: str | None = None
    closest: dict[str, Any] | None = None


class ProspectOut(Out):
    id: int
    name: str
    reachability: float
    hops: int
    advocate: PersonRefOut | None


class AdvocateOut(Out):
    id: int
    name: str
    score: float
    parts: dict[str, float]
    reaches: int
    reaches_indirect: int
    explanation: str


class DueReasonOut(Out):
    kind: str  # follow-up, second-touch, keep-in-touch, reconnect, or what I owe them
    due: dt.date
    reason: str
    action: str


class DueOut(Out):
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
