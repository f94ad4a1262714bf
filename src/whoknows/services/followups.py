"""Follow-ups: the keep-in-touch queue, recording a follow-up, snoozes, cadences, and the
drafts after an event. The rules and the order live in core/followups.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from whoknows.config import Settings
from whoknows.core import models
from whoknows.core.followups import (
    CADENCE_KEYS,
    DEFAULT_WITHIN,
    Cadence,
    Duty,
    Item,
    Obligation,
    Relation,
    Touch,
    keep_in_touch,
    queue,
    summarize,
)
from whoknows.errors import UserError
from whoknows.services import brief, drafts, reach, refs, validate, views
from whoknows.services.network import record_interaction
from whoknows.services.snapshot import load_snapshot
from whoknows.services.store import Store
from whoknows.storage import schema as s

MAX_DAYS = 3650  # cadences and snoozes longer than ten years are surely a typo
CLOSED = ("won", "lost")
TEMPLATE = "email/event_followup.txt"
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
    if not path.is_file():
        return Cadence()
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("cadence", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: not valid TOML ({exc})", hint="fix or remove the file") from exc
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


def _kind(value: str) -> models.InteractionKind:
    try:
        return models.InteractionKind(value)
    except ValueError:
        return models.InteractionKind.MESSAGE  # a kind a later version added: a plain touch


def _relations(
    session: Session,
    owner_id: int,
    me_id: int,
    extra: Iterable[int] = (),
    *,
    only: int | None = None,
) -> list[Relation]:
    """Everyone I have logged something with, plus EXTRA (people I owe something); or ONLY
    that one person."""
    ip, i, e = s.InteractionPerson, s.Interaction, s.Event
    query = (
        select(ip.person_id, i.date, i.kind, e.name)
        .join(i, i.id == ip.interaction_id)
        .outerjoin(e, e.id == i.event_id)
        .where(ip.owner_id == owner_id, ip.person_id != me_id)
        .order_by(ip.person_id, i.date, i.id)
    )
    people_query = select(
        s.Person.id,
        s.Person.name,
        s.Person.stage,
        s.Person.cadence_days,
        s.Person.snoozed_until,
        s.Person.asks,
    ).where(s.Person.owner_id == owner_id)
    if only is not None:
        query = query.where(ip.person_id == only)
        people_query = people_query.where(s.Person.id == only)
        extra = [only]
    rows = session.execute(query)
    histories = {
        pid: summarize(Touch(day, _kind(kind), event) for _, day, kind, event in group)
        for pid, group in itertools.groupby(rows, key=lambda row: int(row[0]))
    }
    wanted = set(histories) | set(extra)
    wanted.discard(me_id)
    holders = brief.briefed_people(session, owner_id)
    has_brief = brief.current_version(session, owner_id) is not None
    people = session.execute(people_query)
    found = []
    for pid, name, stage, cadence, snoozed, asks in people:
        if pid not in wanted:
            continue
        found.append(
            Relation(
                id=pid,
                name=name,
                stage=_stage(stage),
                history=histories.get(pid),
                cadence_days=cadence,
                snoozed_until=snoozed,
                asks=asks,
                needs_brief=has_brief and pid not in holders,
            )
        )
    return found


def _stage(value: str | None) -> models.Stage | None:
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


def _potential(store: Store, today: dt.date) -> dict[int, float]:
    """Advocate potential per person I know: their advocate score from services/reach.

    The same score `whoknows advocates` shows (in [0, 1]), computed on the cached graph
    snapshot; people not tied to me score 0.
    """
    everyone = load_snapshot(store, today=today).graph.num_nodes  # an upper bound of whom I know
    _, ranked = reach.advocates(store, top=max(everyone, 1), today=today)
    return {view.person.id: view.score for view in ranked}


def due(
    store: Store, *, within_days: int = DEFAULT_WITHIN, today: dt.date | None = None
) -> list[Item]:
    """Who is due (within WITHIN_DAYS) or overdue, highest priority first."""
    if within_days < 0 or within_days > MAX_DAYS:
        raise UserError(f"--within {within_days} is out of range", hint=f"use 0 to {MAX_DAYS}")
    today = today or dt.date.today()
    settings = rules(store.settings)
    # Every write bumps the data version: while it holds, so do the people, interactions and
    # what I owe (cadences can change in config.toml without a write, hence they are keys).
    snapshot = load_snapshot(store, today=today)

    def build() -> list[Item]:
        with store.read() as session:
            me = refs.me(session, store.owner_id)
            owed = obligations(session, store.owner_id, me.id)
            relations = _relations(session, store.owner_id, me.id, {o.person_id for o in owed})
        return queue(
            relations,
            owed,
            _potential(store, today),
            today=today,
            within=within_days,
            rules=settings,
        )

    key = (today, within_days, settings)
    return list(store.cache.get("due", key, snapshot.data_version, build))


@dataclass(frozen=True)
class Done:
    person: models.Person
    interaction_id: int
    on: dt.date
    kind: models.InteractionKind
    thanked: int  # gifts and referrals now thanked
    reported: int  # referrals and introductions now reported back
    next_due: dt.date | None


def done(
    store: Store,
    person_ref: str,
    *,
    note: str | None = None,
    on: dt.date | None = None,
    kind: str = "message",
) -> Done:
    """Record a follow-up with PERSON (an interaction) and mark what I owed them as done."""
    checked = validate.interaction_kind(kind)
    if checked is models.InteractionKind.EVENT:
        raise UserError(
            "a follow-up is not an event meeting",
            hint="use --kind message, email, call, coffee, one-to-one or meeting",
        )
    on = on or dt.date.today()
    settings = rules(store.settings)
    with store.write() as session:
        me = refs.me(session, store.owner_id)
        person = refs.person(session, store.owner_id, person_ref)
        row = record_interaction(session, store, checked, [person], on=on, note=validate.text(note))
        thanked = reported = 0
        for gift in session.scalars(
            select(s.Exchange).where(
                s.Exchange.owner_id == store.owner_id,
                s.Exchange.giver_id == person.id,
                s.Exchange.receiver_id == me.id,
                s.Exchange.thanked_on.is_(None),
            )
        ):
            gift.thanked_on = on
            thanked += 1
        for ref in session.scalars(
            select(s.Referral).where(
                s.Referral.owner_id == store.owner_id,
                s.Referral.direction == "received",
                s.Referral.from_id == person.id,
            )
        ):
            if ref.thanked_on is None:
                ref.thanked_on = on
                thanked += 1
            if ref.status in CLOSED and ref.reported_on is None:
                ref.reported_on = on
                reported += 1
        for intro in session.scalars(
            select(s.Introduction).where(
                s.Introduction.owner_id == store.owner_id,
                s.Introduction.introducer_id == person.id,
                s.Introduction.state == "made",
                s.Introduction.reported_on.is_(None),
                or_(s.Introduction.a_id == me.id, s.Introduction.b_id == me.id),
            )
        ):
            intro.reported_on = on
            reported += 1
        session.flush()
        relation = next(iter(_relations(session, store.owner_id, me.id, only=person.id)), None)
        upcoming = keep_in_touch(relation, settings) if relation else None
        return Done(
            person=views.person(person),
            interaction_id=row.id,
            on=on,
            kind=checked,
            thanked=thanked,
            reported=reported,
            next_due=upcoming.due if upcoming else None,
        )


def _days(days: int, what: str) -> int:
    if not 0 <= days <= MAX_DAYS:
        raise UserError(f"{what} {days} is out of range", hint=f"use 1 to {MAX_DAYS} (0 clears)")
    return days


@dataclass(frozen=True)
class Snoozed:
    person: models.Person
    until: dt.date | None  # None: not snoozed any more


def snooze(store: Store, person_ref: str, days: int, *, today: dt.date | None = None) -> Snoozed:
    """Hide PERSON from the queue for DAYS days (0 wakes them now)."""
    _days(days, "snooze of")
    today = today or dt.date.today()
    with store.write() as session:
        person = refs.person(session, store.owner_id, person_ref)
        if person.is_me:
            raise UserError("you are not in your own follow-up queue", hint="name someone else")
        person.snoozed_until = today + dt.timedelta(days=days) if days else None
        return Snoozed(views.person(person), person.snoozed_until)


@dataclass(frozen=True)
class CadenceSet:
    person: models.Person
    days: int | None  # None: their stage's default
    stage_default: int | None


def set_cadence(store: Store, person_ref: str, days: int) -> CadenceSet:
    """Keep in touch with PERSON every DAYS days (0 goes back to their stage's default)."""
    _days(days, "cadence of")
    defaults = rules(store.settings)
    with store.write() as session:
        person = refs.person(session, store.owner_id, person_ref)
        if person.is_me:
            raise UserError("you are not in your own follow-up queue", hint="name someone else")
        person.cadence_days = days or None
        stage = _stage(person.stage) or models.Stage.MET
        return CadenceSet(views.person(person), person.cadence_days, defaults.for_stage(stage))


@dataclass(frozen=True)
class FollowupDraft:
    """A personal follow-up to someone met at an event."""

    id: int
    name: str
    email: str | None
    gets_it: bool
    followed_up: bool  # something was logged with them after the event
    notes: str | None  # my own notes about them: for me, not the email
    draft: drafts.Draft
    file: Path | None = None


@dataclass(frozen=True)
class EventFollowup:
    event: models.Event
    drafts: list[FollowupDraft]


def _first_name(name: str) -> str:
    parts = name.split()
    return parts[0] if parts else name


def event_followup(store: Store, event_ref: str, *, out_dir: Path | None = None) -> EventFollowup:
    """The people met at an event, those who get Give to Get first, each with a draft
    proposing a 1-to-1; written as .eml files into OUT_DIR when given (never sent)."""
    with store.read() as session:
        event = refs.event(session, store.owner_id, event_ref)
        me = refs.me(session, store.owner_id)
        rows = session.execute(
            select(s.EventAttendee, s.Person)
            .join(s.Person, s.Person.id == s.EventAttendee.person_id)
            .where(s.EventAttendee.event_id == event.id, s.EventAttendee.owner_id == store.owner_id)
            .order_by(s.EventAttendee.gets_it.desc(), s.Person.name_key, s.Person.id)
        ).all()
        later = _followed_up(session, store.owner_id, event, [p.id for _, p in rows])
        author = {
            "name": me.name,
            "role": me.role,
            "organization": me.organization.name if me.organization else None,
            "email": me.emails[0].email if me.emails else None,
        }
        context_event = {
            "name": event.name,
            "date": event.date,
            "day": f"{event.date:%A} {event.date.day} {event.date:%B}",
            "place": event.place,
        }
        found = []
        for attendee, person in rows:
            email = person.emails[0].email if person.emails else None
            notes = "\n".join(x for x in (attendee.note, person.notes) if x) or None
            draft = drafts.render(
                store.settings,
                TEMPLATE,
                to=[drafts.Recipient(person.name, email)],
                name=f"followup-{event.name}-{person.name}",
                event=context_event,
                person={
                    "name": person.name,
                    "first_name": _first_name(person.name),
                    "role": person.role,
                    "organization": person.organization.name if person.organization else None,
                    "serves": person.serves,
                    "asks": person.asks,
                    "offers": person.offers,
                    "notes": person.notes,
                    "stage": person.stage,
                },
                met_note=attendee.note,
                gets_it=attendee.gets_it,
                me=author,
            )
            found.append(
                FollowupDraft(
                    person.id,
                    person.name,
                    email,
                    attendee.gets_it,
                    person.id in later,
                    notes,
                    draft,
                )
            )
        model = _event_view(event, rows)
    if out_dir is not None:
        sender = drafts.Recipient(str(author["name"]), author["email"])
        paths = drafts.write_drafts([f.draft for f in found], out_dir, sender)
        found = [dataclasses.replace(f, file=p) for f, p in zip(found, paths, strict=True)]
    return EventFollowup(model, found)


def _event_view(event: s.Event, rows: Sequence[tuple[s.EventAttendee, s.Person]]) -> models.Event:
    return models.Event(
        id=event.id,
        name=event.name,
        date=event.date,
        place=event.place,
        note=event.note,
        attendees=tuple(
            models.Attendee(person_id=p.id, name=p.name, gets_it=a.gets_it) for a, p in rows
        ),
    )


def _followed_up(session: Session, owner_id: int, event: s.Event, ids: Sequence[int]) -> set[int]:
    """Those of IDS with something other than an event meeting logged since the event."""
    if not ids:
        return set()
    ip, i = s.InteractionPerson, s.Interaction
    rows = session.scalars(
        select(ip.person_id)
        .join(i, i.id == ip.interaction_id)
        .where(
            ip.owner_id == owner_id,
            ip.person_id.in_(ids),
            i.date >= event.date,
            i.kind != models.InteractionKind.EVENT.value,
        )
    )
    return set(rows)
