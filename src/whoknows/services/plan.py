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
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, union
from sqlalchemy.orm import Session

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
from whoknows.errors import UserError
from whoknows.services import brief, reach, refs
from whoknows.services.store import Store
from whoknows.storage import schema as s

MAX_DAYS = 3650  # cadences and snoozes longer than ten years are surely a typo
MAX_CAPACITY = 500  # follow-ups in a week: more is surely a typo
CLOSED = ("won", "lost")
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


def _candidates(owner_id: int, me_id: int, rules: Cadence, horizon: dt.date, today: dt.date) -> Any:
    """The people possibly due: in touch with me, not snoozed past TODAY, and last in touch
    long enough ago for their stage (or with a cadence of their own), as a SELECT of ids."""
    ip, i, p = s.InteractionPerson, s.Interaction, s.Person
    last = (
        select(ip.person_id.label("person_id"), func.max(i.date).label("on"))
        .join(i, i.id == ip.interaction_id)
        .where(ip.owner_id == owner_id, ip.person_id != me_id)
        .group_by(ip.person_id)
        .subquery()
    )
    known = [stage.value for stage in models.Stage if stage is not models.Stage.MET]
    met_like = or_(p.stage.is_(None), p.stage.not_in(known))  # unknown stages count as met
    by_stage: list[ColumnElement[bool]] = [
        and_(met_like if stage is models.Stage.MET else p.stage == stage.value, last.c.on <= day)
        for stage, day in _due_before(rules, horizon, today).items()
    ]
    # No "people.owner_id = ?" here (the ids come from the owner's interactions, and the
    # callers check the owner): with it SQLite walks every person of the owner, a million at
    # scale, instead of looking up the few hundred in touch with me.
    return (
        select(p.id)
        .join(last, last.c.person_id == p.id)
        .where(or_(p.snoozed_until.is_(None), p.snoozed_until <= today))
        .where(or_(p.cadence_days.is_not(None), *by_stage))
    )


def _relations(
    session: Session,
    owner_id: int,
    me_id: int,
    extra: Iterable[int] = (),
    *,
    wanted: Any = None,
) -> list[Relation]:
    """The people WANTED selects (a SELECT of ids; everyone I have logged something with when
    None) and EXTRA (ids of people I owe something), with their histories in brief."""
    ip, i, e, p = s.InteractionPerson, s.Interaction, s.Event, s.Person
    extra = set(extra) - {me_id}
    if wanted is None:
        wanted = select(ip.person_id).where(ip.owner_id == owner_id, ip.person_id != me_id)
    # One IN over a UNION, not two INs joined by OR: the database then looks the ids up
    # instead of testing every person of the owner.
    ids: Any = union(wanted, select(p.id).where(p.id.in_(extra))) if extra else wanted
    chosen: ColumnElement[bool] = p.id.in_(ids)
    query = (
        select(ip.person_id, i.date, i.kind, e.name)
        .join(i, i.id == ip.interaction_id)
        .join(p, p.id == ip.person_id)
        .outerjoin(e, e.id == i.event_id)
        .where(ip.owner_id == owner_id, p.owner_id == owner_id, chosen)
        .order_by(ip.person_id, i.date, i.id)
    )
    histories = {
        pid: summarize(Touch(day, _kind(kind), event) for _, day, kind, event in group)
        for pid, group in itertools.groupby(session.execute(query), key=lambda row: int(row[0]))
    }
    givers = set(
        session.scalars(
            select(s.EventAttendee.person_id).where(
                s.EventAttendee.owner_id == owner_id, s.EventAttendee.gets_it.is_(True)
            )
        )
    )
    holders = brief.briefed_people(session, owner_id)
    has_brief = brief.current_version(session, owner_id) is not None
    people = session.execute(
        select(p.id, p.name, p.stage, p.cadence_days, p.snoozed_until, p.asks)
        .where(p.owner_id == owner_id, p.id != me_id, chosen)
        .order_by(p.id)
    )
    return [
        Relation(
            id=pid,
            name=name,
            stage=stage_of(stage),
            history=histories.get(pid),
            cadence_days=cadence,
            snoozed_until=snoozed,
            asks=asks,
            needs_brief=has_brief and pid not in holders,
            gets_it=pid in givers,
        )
        for pid, name, stage, cadence, snoozed, asks in people
    ]


def relation(session: Session, owner_id: int, me_id: int, person_id: int) -> Relation | None:
    """What the plan knows of one person (e.g. to say when they are next due)."""
    found = _relations(
        session, owner_id, me_id, wanted=select(s.Person.id).where(s.Person.id == person_id)
    )
    return found[0] if found else None


def stage_of(value: str | None) -> models.Stage | None:
    try:
        return models.Stage(value) if value else None
    except ValueError:
        return None


def _about(session: Session, person_id: int | None, org_id: int | None) -> str:
    if person_id is not None:
        name = session.scalar(select(s.Person.name).where(s.Person.id == person_id))
        if name:
            return f" about {name}"
    if org_id is not None:
        name = session.scalar(select(s.Organization.name).where(s.Organization.id == org_id))
        if name:
            return f" about {name}"
    return ""


def obligations(session: Session, owner_id: int, me_id: int) -> list[Obligation]:
    """Every pending thank-you and report-back I owe someone."""
    found: list[Obligation] = []
    r = s.Referral
    received = session.scalars(
        select(r)
        .where(r.owner_id == owner_id, r.direction == "received", r.from_id != me_id)
        .where(or_(r.thanked_on.is_(None), r.status.in_(CLOSED) & r.reported_on.is_(None)))
        .order_by(r.date, r.id)
    ).all()
    for ref in received:
        about = _about(session, ref.about_id, ref.about_org_id)
        if ref.thanked_on is None:
            found.append(
                Obligation(ref.from_id, Duty.THANK_REFERRAL, ref.date, f"a referral{about}")
            )
        if ref.status in CLOSED and ref.reported_on is None:
            found.append(
                Obligation(
                    ref.from_id,
                    Duty.REPORT_REFERRAL,
                    ref.closed_on or ref.date,
                    f"the referral{about} ({ref.status})",
                )
            )
    x = s.Exchange
    gifts = session.scalars(
        select(x)
        .where(x.owner_id == owner_id, x.receiver_id == me_id, x.thanked_on.is_(None))
        .where(x.referral_id.is_(None))  # a referral is thanked through its referral
        .order_by(x.date, x.id)
    ).all()
    for gift in gifts:
        what = _GIFTS.get(gift.kind, gift.kind)
        if gift.other_id is not None:
            other = session.scalar(select(s.Person.name).where(s.Person.id == gift.other_id))
            if other:
                what += f" ({other})" if gift.kind != "introduction" else f" to {other}"
        elif gift.note:
            what += f" ({gift.note})"
        found.append(Obligation(gift.giver_id, Duty.THANK_GIFT, gift.date, what))
    n = s.Introduction
    intros = session.scalars(
        select(n)
        .where(n.owner_id == owner_id, n.introducer_id != me_id, n.state == "made")
        .where(or_(n.a_id == me_id, n.b_id == me_id), n.reported_on.is_(None))
        .order_by(n.proposed_on, n.id)
    ).all()
    for intro in intros:
        other_id = intro.b_id if intro.a_id == me_id else intro.a_id
        other = session.scalar(select(s.Person.name).where(s.Person.id == other_id)) or "someone"
        known = intro.outcome is not None
        since = (intro.outcome_on if known else None) or intro.made_on or intro.proposed_on
        found.append(Obligation(intro.introducer_id, Duty.REPORT_INTRODUCTION, since, other, known))
    return found


def build(store: Store, *, within_days: int = DEFAULT_WITHIN, today: dt.date | None = None) -> Plan:
    """Everyone due within WITHIN_DAYS or overdue, in plan order, and the reconnect list."""
    if within_days < 0 or within_days > MAX_DAYS:
        raise UserError(f"--within {within_days} is out of range", hint=f"use 0 to {MAX_DAYS}")
    today = today or dt.date.today()
    settings = rules(store.settings)

    def compute() -> Plan:
        horizon = today + dt.timedelta(days=within_days)
        with store.read() as session:
            me = refs.me(session, store.owner_id)
            owed = obligations(session, store.owner_id, me.id)
            wanted = _candidates(store.owner_id, me.id, settings, horizon, today)
            relations = _relations(
                session, store.owner_id, me.id, {o.person_id for o in owed}, wanted=wanted
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
        raise UserError(f"--limit {limit} is out of range", hint="use 1 or more (0: all)")
    if offset < 0:
        raise UserError(f"--offset {offset} is out of range", hint="use 0 or more")
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
