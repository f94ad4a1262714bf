"""The weekly plan: who is due for a follow-up, ranked by what pays, a week's worth at a time.

What the store holds (histories, what I owe, advocate potential) is read here in a few SQL
queries that leave out, in the database, everyone not possibly due; the rules and the order
are core/followups.py's and core/plan.py's. The plan is kept in the store's cache until the
data (or the day, or the settings) change.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from whoknows.config import Settings, read_config
from whoknows.core import models
from whoknows.core.followups import (
    CADENCE_KEYS,
    DEFAULT_WITHIN,
    NEW_STAGES,
    Cadence,
    Duty,
    Item,
    Obligation,
    Relation,
    Touch,
    summarize,
)
from whoknows.core.plan import DEFAULT_CAPACITY, Plan
from whoknows.core.plan import plan as make_plan
from whoknows.errors import BadOption, UserError
from whoknows.services import reach, refs
from whoknows.services.store import Store
from whoknows.storage import lookups, plan_rows
from whoknows.storage.plain import Reader

MAX_DAYS = 3650  # cadences and snoozes longer than ten years are surely a typo
MAX_CAPACITY = 500  # follow-ups in a week: more is surely a typo
CLOSED = ("won", "lost")
# The stages that are not "met": an unknown stage (or none) counts as met.
_NOT_MET = tuple(stage.value for stage in models.Stage if stage is not models.Stage.MET)
_GIFTS = {
    "introduction": "an introduction",
    "referral": "a referral",
    "information": "some information",
    "recommendation": "a recommendation",
    "testimonial": "a testimonial",
    "help": "some help",
    "business": "business",
}


def rules(settings: Settings) -> Cadence:
    """The default cadences, with the overrides of config.toml's [cadence] table."""
    path = settings.config_dir / "config.toml"
    table = read_config(settings).get("cadence", {})
    if not isinstance(table, dict):
        raise UserError(f"{path}: [cadence] must be a table", hint="e.g. [cadence] advocate = 21")
    changes: dict[str, int | None] = {}
    for key, value in table.items():
        field = CADENCE_KEYS.get(str(key).lower())
        if field is None:
            raise UserError(
                f"{path}: [cadence] {key} is not known",
                hint=f"use: {', '.join(k for k in CADENCE_KEYS if '_' not in k)}",
            )
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAYS:
            raise UserError(
                f"{path}: [cadence] {key} = {value!r} is not a number of days",
                hint=f"use 1 to {MAX_DAYS}, or 0 to turn it off",
            )
        changes[field] = value or None  # 0 turns the rule off
    return dataclasses.replace(Cadence(), **changes)


def capacity(settings: Settings) -> int:
    """How many follow-ups a week holds: config.toml's [plan] capacity, else DEFAULT_CAPACITY."""
    path = settings.config_dir / "config.toml"
    table = read_config(settings).get("plan", {})
    if not isinstance(table, dict):
        raise UserError(f"{path}: [plan] must be a table", hint="e.g. [plan] capacity = 10")
    value = table.get("capacity", DEFAULT_CAPACITY)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_CAPACITY:
        raise UserError(
            f"{path}: [plan] capacity = {value!r} is not a number of follow-ups",
            hint=f"use 1 to {MAX_CAPACITY} (follow-ups a week)",
        )
    return value


def _kind(value: str) -> models.InteractionKind:
    try:
        return models.InteractionKind(value)
    except ValueError:
        return models.InteractionKind.MESSAGE  # a kind a later version added: a plain touch


def _due_before(rules: Cadence, horizon: dt.date, today: dt.date) -> dict[models.Stage, dt.date]:
    """Per stage, the last-touch date on or before which someone may be due by HORIZON (or
    have lapsed by TODAY): a cheap filter for the database; core/followups.py decides."""
    found = {}
    for stage in models.Stage:
        days = [rules.for_stage(stage), rules.second_touch if stage in NEW_STAGES else None]
        if stage is models.Stage.MET:
            days.append(rules.met)
        latest = [horizon - dt.timedelta(days=d) for d in days if d is not None]
        if rules.lapse is not None and stage in (models.Stage.MET, models.Stage.CONNECTED):
            latest.append(today - dt.timedelta(days=rules.lapse))
        if latest:
            found[stage] = max(latest)
    return found


def _relations(
    reader: Reader, owner_id: int, me_id: int, wanted: plan_rows.Ids, extra: Iterable[int] = ()
) -> list[Relation]:
    """The people WANTED selects and EXTRA (ids of people I owe something), with their
    histories in brief."""
    ids = plan_rows.chosen(reader, wanted, set(extra) - {me_id})
    histories = {
        pid: summarize(Touch(day, _kind(kind), event) for _, day, kind, event in group)
        for pid, group in itertools.groupby(
            plan_rows.touches(reader, owner_id, ids), key=lambda row: row[0]
        )
    }
    givers = plan_rows.givers(reader, owner_id)
    holders = lookups.briefed(reader, owner_id)
    has_brief = plan_rows.has_brief(reader, owner_id)
    return [
        Relation(
            id=p.id,
            name=p.name,
            stage=stage_of(p.stage),
            history=histories.get(p.id),
            cadence_days=p.cadence_days,
            snoozed_until=p.snoozed_until,
            asks=p.asks,
            needs_brief=has_brief and p.id not in holders,
            gets_it=p.id in givers,
        )
        for p in plan_rows.people(reader, owner_id, me_id, ids)
    ]


def relation(reader: Reader, owner_id: int, me_id: int, person_id: int) -> Relation | None:
    """What the plan knows of one person (e.g. to say when they are next due)."""
    found = _relations(reader, owner_id, me_id, plan_rows.one(person_id))
    return found[0] if found else None


def stage_of(value: str | None) -> models.Stage | None:
    try:
        return models.Stage(value) if value else None
    except ValueError:
        return None


def obligations(reader: Reader, owner_id: int, me_id: int) -> list[Obligation]:
    """Every pending thank-you and report-back I owe someone."""
    found: list[Obligation] = []
    for ref in plan_rows.referrals_owed(reader, owner_id, me_id, CLOSED):
        about = f" about {ref.about}" if ref.about else ""
        if not ref.thanked:
            found.append(Obligation(ref.giver, Duty.THANK_REFERRAL, ref.date, f"a referral{about}"))
        if ref.status in CLOSED and not ref.reported:
            found.append(
                Obligation(
                    ref.giver,
                    Duty.REPORT_REFERRAL,
                    ref.closed_on or ref.date,
                    f"the referral{about} ({ref.status})",
                )
            )
    for gift in plan_rows.gifts_owed(reader, owner_id, me_id):
        what = _GIFTS.get(gift.kind, gift.kind)
        if gift.other_id is not None:
            if gift.other:
                what += f" ({gift.other})" if gift.kind != "introduction" else f" to {gift.other}"
        elif gift.note:
            what += f" ({gift.note})"
        found.append(Obligation(gift.giver, Duty.THANK_GIFT, gift.date, what))
    for intro in plan_rows.introductions_owed(reader, owner_id, me_id):
        found.append(
            Obligation(
                intro.introducer,
                Duty.REPORT_INTRODUCTION,
                intro.since,
                intro.other or "someone",
                intro.known,
            )
        )
    return found


def build(store: Store, *, within_days: int = DEFAULT_WITHIN, today: dt.date | None = None) -> Plan:
    """Everyone due within WITHIN_DAYS or overdue, in plan order, and the reconnect list."""
    if within_days < 0 or within_days > MAX_DAYS:
        raise BadOption("within", within_days, "is out of range", hint=f"use 0 to {MAX_DAYS}")
    today = today or dt.date.today()
    settings = rules(store.settings)

    def compute() -> Plan:
        horizon = today + dt.timedelta(days=within_days)
        due_before = {
            None if stage is models.Stage.MET else stage.value: day
            for stage, day in _due_before(settings, horizon, today).items()
        }
        with store.plain() as reader:
            me_id = refs.person_id(reader, store.owner_id, "me")
            owed = obligations(reader, store.owner_id, me_id)
            wanted = plan_rows.candidates(
                reader, store.owner_id, me_id, due_before, today, _NOT_MET
            )
            relations = _relations(
                reader, store.owner_id, me_id, wanted, {o.person_id for o in owed}
            )
        return make_plan(
            relations,
            owed,
            reach.advocate_scores(store, today=today),
            today=today,
            within=within_days,
            rules=settings,
        )

    # Every write bumps the data version: while it holds, so do the people, interactions and
    # what I owe (cadences can change in config.toml without a write, hence they are keys).
    key = (today, within_days, settings)
    return store.cache.get("due", key, store.data_version(), compute)


def due(
    store: Store, *, within_days: int = DEFAULT_WITHIN, today: dt.date | None = None
) -> list[Item]:
    """The plan's items: everyone due within WITHIN_DAYS or overdue, first things first
    (the reconnect list apart)."""
    return list(build(store, within_days=within_days, today=today).items)


@dataclass(frozen=True)
class Page:
    """A page of the plan (or of the reconnect list), and how much is left out."""

    items: tuple[Item, ...]
    offset: int
    total: int  # in the whole list
    reconnect: int  # people in the reconnect list
    capacity: int

    @property
    def more(self) -> int:
        return max(self.total - self.offset - len(self.items), 0)


def page(
    store: Store,
    *,
    limit: int | None = None,
    offset: int = 0,
    reconnect: bool = False,
    within_days: int = DEFAULT_WITHIN,
    today: dt.date | None = None,
) -> Page:
    """LIMIT items of the plan from OFFSET (default: the week's capacity); with RECONNECT,
    of the reconnect list instead. LIMIT 0 means all."""
    if limit is not None and not 0 <= limit <= 100_000:
        raise BadOption("limit", limit, "is out of range", hint="use 1 or more (0: all)")
    if offset < 0:
        raise BadOption("offset", offset, "is out of range", hint="use 0 or more")
    week = capacity(store.settings)
    found = build(store, within_days=within_days, today=today)
    listed = found.reconnect if reconnect else found.items
    size = week if limit is None else (limit or len(listed))
    return Page(
        items=listed[offset : offset + size],
        offset=offset,
        total=len(listed),
        reconnect=len(found.reconnect),
        capacity=week,
    )
