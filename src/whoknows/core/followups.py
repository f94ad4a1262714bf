"""The follow-up queue: who is due or overdue, why, what to do, and in which order.

Pure: the services pass in what is stored (each person's history in brief, the pending
thanks and report-backs, advocate potential) and ``today``; nothing here reads a clock.

The rules (docs/follow-up.md says the same for users):

- **Keep in touch.** Each stage has a cadence in days (``Cadence``); my own cadence for a
  person replaces their stage's. Any logged interaction resets the clock:
  due = last interaction + cadence. Dormant has no cadence (no reminders) unless I set
  one for the person.
- **After an event.** Someone at stage met whose last interaction is meeting them at an
  event must be followed up within ``Cadence.met`` days of it. Once followed up, a met
  person is kept in touch at the connected cadence until their stage moves on.
- **One cup of coffee is never enough.** In a new relationship (met, connected,
  one-to-one), after the first 1-to-1 (kind one-to-one or coffee) a second touch is
  due within ``Cadence.second_touch`` days, unless something was logged since.
- **Obligations.** Thank for a referral or for anything else they gave me within
  ``Cadence.thank`` days; report back the outcome of their referral within
  ``Cadence.report_back`` days of it closing; report back on an introduction they made
  for me within ``Cadence.report_back`` days of its recorded outcome, or
  ``Cadence.intro_report`` days after it was made when no outcome is recorded.
- **Snoozed** people are left out until the day their snooze ends.

- **Lapsed.** A met or connected relationship untouched for ``Cadence.lapse`` days gets no
  keep-in-touch reminder; lapsed() says when it would be worth reconnecting instead.

Which of the people due come first, and how many a week holds, is the plan's business
(core/plan.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from whoknows.core.models import InteractionKind, Stage

DEFAULT_WITHIN = 7  # the queue looks a week ahead unless told otherwise
ONE_TO_ONE_KINDS = frozenset({InteractionKind.ONE_TO_ONE, InteractionKind.COFFEE})
NEW_STAGES = frozenset({Stage.MET, Stage.CONNECTED, Stage.ONE_TO_ONE})


@dataclass(frozen=True)
class Cadence:
    """Days between touches per stage, and the deadlines of the other rules (None: off)."""

    met: int | None = 3  # follow up within this many days of meeting someone at an event
    connected: int | None = 90
    one_to_one: int | None = 60
    trusted: int | None = 45
    advocate: int | None = 30
    dormant: int | None = None  # dormant relationships get no reminders by default
    second_touch: int | None = 30  # after a first 1-to-1 in a new relationship
    thank: int | None = 2  # thank for a referral or anything given
    report_back: int | None = 7  # after a referral closes or an introduction's outcome
    intro_report: int | None = 30  # on an introduction with no outcome recorded yet
    # A met or connected relationship untouched this long has lapsed: like a dormant one it
    # gets no keep-in-touch reminder (thanks and report-backs still come) until the next
    # interaction, a stage change or a cadence of its own. Keeps years-old one-off meetings
    # from burying the people worth following up this week.
    lapse: int | None = 365

    def for_stage(self, stage: Stage) -> int | None:
        """The keep-in-touch cadence of STAGE (met: the connected one, see the module doc)."""
        return {
            Stage.MET: self.connected,
            Stage.CONNECTED: self.connected,
            Stage.ONE_TO_ONE: self.one_to_one,
            Stage.TRUSTED: self.trusted,
            Stage.ADVOCATE: self.advocate,
            Stage.DORMANT: self.dormant,
        }[stage]


# The names of Cadence fields as users write them in config.toml [cadence].
CADENCE_KEYS: dict[str, str] = {
    "met": "met",
    "connected": "connected",
    "one-to-one": "one_to_one",
    "one_to_one": "one_to_one",
    "trusted": "trusted",
    "advocate": "advocate",
    "dormant": "dormant",
    "second-touch": "second_touch",
    "second_touch": "second_touch",
    "thank": "thank",
    "report-back": "report_back",
    "report_back": "report_back",
    "intro-report": "intro_report",
    "intro_report": "intro_report",
    "lapse": "lapse",
}


@dataclass(frozen=True)
class Touch:
    """One interaction with me, as far as follow-ups care."""

    on: dt.date
    kind: InteractionKind
    event: str | None = None  # the event's name, for an event meeting


@dataclass(frozen=True)
class History:
    """A person's interactions with me, in brief."""

    last: Touch
    first_one_to_one: dt.date | None = None
    touches_after_one_to_one: int = 0  # interactions logged after the first 1-to-1


def summarize(touches: Iterable[Touch]) -> History | None:
    """The brief history of TOUCHES, given oldest first (same day: in the order logged)."""
    last: Touch | None = None
    first_one_to_one: dt.date | None = None
    after = 0
    for touch in touches:
        if first_one_to_one is not None:
            after += 1
        elif touch.kind in ONE_TO_ONE_KINDS:
            first_one_to_one = touch.on
        last = touch
    if last is None:
        return None
    return History(last, first_one_to_one, after)


@dataclass(frozen=True)
class Relation:
    """What the queue knows of one person I know."""

    id: int
    name: str
    stage: Stage | None = None
    history: History | None = None  # None: nothing logged with them yet
    cadence_days: int | None = None  # my own cadence for them; None = their stage's
    snoozed_until: dt.date | None = None
    asks: str | None = None
    needs_brief: bool = False  # a brief exists and they do not hold its current version
    gets_it: bool = False  # marked at an event as someone who gets Give to Get


class Duty(StrEnum):
    """Something I owe someone."""

    THANK_REFERRAL = "thank-referral"
    THANK_GIFT = "thank-gift"
    REPORT_REFERRAL = "report-referral"
    REPORT_INTRODUCTION = "report-introduction"


@dataclass(frozen=True)
class Obligation:
    """A pending thank-you or report-back to PERSON_ID, arisen on SINCE.

    WHAT says what it is about ("the referral about Omar Khan"); OUTCOME_KNOWN tells an
    introduction whose outcome is recorded (report within report_back days) from one
    still open (intro_report days after it was made).
    """

    person_id: int
    duty: Duty
    since: dt.date
    what: str
    outcome_known: bool = True


@dataclass(frozen=True)
class Reason:
    kind: str  # follow-up, second-touch, keep-in-touch, reconnect, or a Duty value
    due: dt.date
    text: str
    action: str


class Tier(IntEnum):
    """Where an item stands in the weekly plan (core/plan.py), first things first."""

    OWED = 1  # a thank-you or a report-back
    AFTER_EVENT = 2  # the 1-to-1 after an event with a giver; the second cup of coffee
    ADVOCATE = 3  # keeping in touch with an advocate or a potential one
    KEEP = 4  # keeping in touch with everyone else
    RECONNECT = 5  # long lapsed: a list of its own, not the week's plan

    @property
    def label(self) -> str:
        return _TIER_LABELS[self]


_TIER_LABELS = {
    Tier.OWED: "thank or report back",
    Tier.AFTER_EVENT: "after an event",
    Tier.ADVOCATE: "advocate",
    Tier.KEEP: "keep in touch",
    Tier.RECONNECT: "reconnect",
}


@dataclass(frozen=True)
class Item:
    """One person in the plan: when they are due, why, and what to do.

    REASONS come most important first: WHY and WHAT are the first one's in one line each,
    REASON and ACTION every reason's, joined.
    """

    id: int
    name: str
    due: dt.date
    overdue_days: int  # days past due; 0 when due today or later
    reason: str
    action: str
    potential: float
    priority: float
    reasons: tuple[Reason, ...]
    tier: Tier = Tier.KEEP

    @property
    def why(self) -> str:
        more = len(self.reasons) - 1
        return self.reasons[0].text + (f" (and {more} more)" if more > 0 else "")

    @property
    def what(self) -> str:
        return self.reasons[0].action


def _phrase(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def _keep_in_touch_action(relation: Relation, stage: Stage, had_one_to_one: bool) -> str:
    if stage in {Stage.MET, Stage.CONNECTED} and not had_one_to_one:
        action = "propose a 1-to-1"
    elif relation.asks:
        action = f"send them something that matches their asks ({relation.asks.strip()})"
    elif stage is Stage.DORMANT:
        action = "reconnect: ask how they are and what they are working on"
    else:
        action = "check in: ask what they are working on and how you can help"
    if relation.needs_brief and stage in {Stage.TRUSTED, Stage.ADVOCATE}:
        action += "; send them your current referral brief"
    return action


def keep_in_touch(
    relation: Relation, rules: Cadence, today: dt.date | None = None
) -> Reason | None:
    """The earliest of the event follow-up, second-touch and cadence rules for RELATION.

    With TODAY, a met or connected relationship that has lapsed (see Cadence.lapse) has none.
    """
    history = relation.history
    if history is None:
        return None  # the clock starts at the first logged interaction
    stage = relation.stage or Stage.MET
    last = history.last
    if (
        today is not None
        and rules.lapse is not None
        and relation.cadence_days is None
        and stage in (Stage.MET, Stage.CONNECTED)
        and (today - last.on).days > rules.lapse
    ):
        return None
    found: list[Reason] = []
    if rules.met is not None and stage is Stage.MET and last.kind is InteractionKind.EVENT:
        where = last.event or "an event"
        found.append(
            Reason(
                "follow-up",
                last.on + dt.timedelta(days=rules.met),
                f"met at {where} on {last.on}; not followed up yet",
                "follow up: thank them for the conversation and propose a 1-to-1",
            )
        )
    first = history.first_one_to_one
    if (
        rules.second_touch is not None
        and stage in NEW_STAGES
        and first is not None
        and history.touches_after_one_to_one == 0
    ):
        found.append(
            Reason(
                "second-touch",
                first + dt.timedelta(days=rules.second_touch),
                f"first 1-to-1 on {first}; one cup of coffee is never enough",
                "make a second touch: send something useful or propose the next step",
            )
        )
    days = relation.cadence_days or rules.for_stage(stage)
    if days:
        whose = "your cadence for them" if relation.cadence_days else f"{stage.value} cadence"
        found.append(
            Reason(
                "keep-in-touch",
                last.on + dt.timedelta(days=days),
                f"{whose}: every {_phrase(days)}; last in touch {last.on} ({last.kind.value})",
                _keep_in_touch_action(relation, stage, first is not None),
            )
        )
    return min(found, key=lambda r: r.due) if found else None


def lapsed(relation: Relation, rules: Cadence, today: dt.date) -> Reason | None:
    """A reason to reconnect with RELATION when the lapse rule silenced their keep-in-touch
    reminder (see Cadence.lapse); None otherwise."""
    history = relation.history
    stage = relation.stage or Stage.MET
    if (
        history is None
        or rules.lapse is None
        or relation.cadence_days is not None
        or stage not in (Stage.MET, Stage.CONNECTED)
        or (today - history.last.on).days <= rules.lapse
    ):
        return None
    last = history.last
    return Reason(
        "reconnect",
        last.on + dt.timedelta(days=rules.lapse),
        f"last in touch {last.on} ({last.kind.value}), over {_years(today - last.on)} ago",
        "reconnect: ask how they are and what they are working on",
    )


def _years(gap: dt.timedelta) -> str:
    years = gap.days // 365
    return "a year" if years <= 1 else f"{years} years"


def obligation_reason(obligation: Obligation, rules: Cadence) -> Reason | None:
    """The reason, due date and action of one pending thank-you or report-back (None: the
    rule is turned off)."""
    duty, since, what = obligation.duty, obligation.since, obligation.what
    if duty is Duty.THANK_REFERRAL:
        days, text, action = (
            rules.thank,
            f"passed you {what} on {since}; not thanked yet",
            "thank them for the referral",
        )
    elif duty is Duty.THANK_GIFT:
        days, text, action = (
            rules.thank,
            f"gave you {what} on {since}; not thanked yet",
            "thank them for what they gave you",
        )
    elif duty is Duty.REPORT_REFERRAL:
        days, text, action = (
            rules.report_back,
            f"{what} closed on {since}; they have not heard how it went",
            "report back the outcome of their referral",
        )
    else:
        days = rules.report_back if obligation.outcome_known else rules.intro_report
        text = f"introduced you to {what} on {since}; they have not heard how it went"
        action = "report back the outcome of their introduction"
    if days is None:
        return None
    return Reason(duty.value, since + dt.timedelta(days=days), text, action)
