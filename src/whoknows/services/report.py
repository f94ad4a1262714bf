"""The referral report: gather from the store, attribute (core), show as tables, JSON or HTML.

The JSON is the report's data; the tables are made from it, so both carry the same numbers.
The HTML page is self-contained: tables plus charts drawn by matplotlib as inline SVG.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from whoknows import __version__, files
from whoknows.core import acquaintance as facts
from whoknows.core import attribution as core
from whoknows.core import chain
from whoknows.core.money import Money, format_money, from_cents, to_cents
from whoknows.errors import UserError
from whoknows.services import charts, drafts, refs
from whoknows.services.money import default_currency
from whoknows.services.store import Store
from whoknows.storage import schema as s

FORMATS = ("table", "json", "html")
_CHUNK = 500  # ids per IN list


@dataclass(frozen=True)
class Report:
    today: dt.date
    since: dt.date | None
    currency: str  # the main currency: of most money won, else the configured default
    result: core.Attribution
    chain: tuple[chain.Link, ...] = ()  # event → advocate → client → value, per won referral


@dataclass(frozen=True)
class Section:
    """A table: a title, column names and rows of text (made from the JSON)."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    @property
    def numeric(self) -> tuple[bool, ...]:
        """Which columns hold numbers or money (aligned right in the HTML)."""
        return tuple(c not in _TEXT_COLUMNS for c in self.columns)


_TEXT_COLUMNS = frozenset(
    {
        "advocate",
        "source",
        "first met at",
        "event",
        "date",
        "measure",
        "business",
        "stage",
        "client",
    }
)


# ---------------------------------------------------------------------------- money


def money_json(money: Money) -> dict[str, str]:
    return {currency: str(from_cents(cents)) for currency, cents in money.cents}


def money_text(amounts: dict[str, str]) -> str:
    if not amounts:
        return "—"
    return ", ".join(format_money(Decimal(v), c) for c, v in sorted(amounts.items()))


# ---------------------------------------------------------------------------- gather


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def gather(
    session: Session, owner_id: int, me_id: int
) -> tuple[dict[int, facts.Acquaintance], list[facts.ReferralRecord], list[facts.ExchangeRecord]]:
    """The plain records attribution needs, read in a handful of queries."""
    steps: dict[int, list[facts.StepRecord]] = defaultdict(list)
    for referral_id, status, date in session.execute(
        select(s.ReferralStep.referral_id, s.ReferralStep.status, s.ReferralStep.date)
        .where(s.ReferralStep.owner_id == owner_id)
        .order_by(s.ReferralStep.date, s.ReferralStep.id)
    ):
        steps[referral_id].append(facts.StepRecord(status, date))
    r = s.Referral
    org = s.Organization
    referrals = [
        facts.ReferralRecord(
            id=row.id,
            from_id=row.from_id,
            to_id=row.to_id,
            date=row.date,
            status=row.status,
            direction=row.direction,
            about_id=row.about_id,
            about_org=row.org_name,
            value_cents=to_cents(row.value) if row.value is not None else None,
            currency=row.currency,
            closed_on=row.closed_on,
            steps=tuple(steps.get(row.id, ())),
        )
        for row in session.execute(
            select(
                r.id,
                r.from_id,
                r.to_id,
                r.date,
                r.status,
                r.direction,
                r.about_id,
                org.name.label("org_name"),
                r.value,
                r.currency,
                r.closed_on,
            )
            .outerjoin(org, org.id == r.about_org_id)
            .where(r.owner_id == owner_id)
            .order_by(r.date, r.id)
        )
    ]
    x = s.Exchange
    exchanges = [
        facts.ExchangeRecord(
            giver_id=row.giver_id,
            receiver_id=row.receiver_id,
            kind=row.kind,
            date=row.date,
            value_cents=to_cents(row.value) if row.value is not None else None,
            currency=row.currency,
            referral_id=row.referral_id,
        )
        for row in session.execute(
            select(
                x.giver_id, x.receiver_id, x.kind, x.date, x.value, x.currency, x.referral_id
            ).where(x.owner_id == owner_id, or_(x.giver_id == me_id, x.receiver_id == me_id))
        )
    ]
    ids = {p for ref in referrals for p in (ref.from_id, ref.about_id) if p is not None}
    ids |= {e.giver_id for e in exchanges if e.kind == "business"}
    ids.discard(me_id)
    return _people(session, owner_id, me_id, ids), referrals, exchanges


def _people(
    session: Session, owner_id: int, me_id: int, ids: set[int]
) -> dict[int, facts.Acquaintance]:
    found: dict[int, dict[str, Any]] = {}
    visits: dict[int, list[facts.EventVisit]] = defaultdict(list)
    for chunk in _chunks(ids):
        for pid, name, met_on, met_where in session.execute(
            select(s.Person.id, s.Person.name, s.Person.met_on, s.Person.met_where).where(
                s.Person.id.in_(chunk)
            )
        ):
            found[pid] = {"id": pid, "name": name, "met_on": met_on, "met_where": met_where}
        for pid, event_id, name, date in session.execute(
            select(s.EventAttendee.person_id, s.Event.id, s.Event.name, s.Event.date)
            .join(s.Event, s.Event.id == s.EventAttendee.event_id)
            .where(s.EventAttendee.person_id.in_(chunk))
        ):
            visits[pid].append(facts.EventVisit(event_id, name, date))
        t = s.Tie
        for a, b, source in session.execute(
            select(t.person_a_id, t.person_b_id, t.source).where(
                t.owner_id == owner_id,
                or_(
                    and_(t.person_a_id == me_id, t.person_b_id.in_(chunk)),
                    and_(t.person_b_id == me_id, t.person_a_id.in_(chunk)),
                ),
            )
        ):
            pid = b if a == me_id else a
            if pid in found:
                found[pid]["tie_source"] = source
        i = s.Introduction
        for a, b in session.execute(
            select(i.a_id, i.b_id).where(
                i.owner_id == owner_id,
                i.state == "made",
                i.introducer_id != me_id,
                or_(
                    and_(i.a_id == me_id, i.b_id.in_(chunk)),
                    and_(i.b_id == me_id, i.a_id.in_(chunk)),
                ),
            )
        ):
            pid = b if a == me_id else a
            if pid in found:
                found[pid]["introduced"] = True
        for pid in session.scalars(
            select(s.PersonLink.person_id).where(
                s.PersonLink.person_id.in_(chunk), s.PersonLink.kind == "linkedin"
            )
        ):
            if pid in found:
                found[pid]["linkedin"] = True
    return {
        pid: facts.Acquaintance(**values, events=tuple(visits.get(pid, ())))
        for pid, values in found.items()
    }


def build(store: Store, *, since: dt.date | None = None, today: dt.date | None = None) -> Report:
    """Attribute the business in the store (everything, or from SINCE on)."""
    day = today or dt.date.today()
    if since is not None and since > day:
        raise UserError(f"--since {since} is in the future", hint="give a date up to today")
    with store.read() as session:
        me = refs.me(session, store.owner_id).id
        people, referrals, exchanges = gather(session, store.owner_id, me)
    result = core.attribute(people, referrals, exchanges, me=me, today=day, since=since)
    currency = result.currency or default_currency(store.settings)
    links = chain.chains(people, referrals, me=me, since=since, currency=currency)
    return Report(today=day, since=since, currency=currency, result=result, chain=links)


def _link_json(link: chain.Link) -> dict[str, Any]:
    return {
        "referral": link.referral_id,
        "event": _event_json(link.event),
        "advocate": {"id": link.advocate_id, "name": link.advocate},
        "client": {"id": link.client_id, "name": link.client},
        "status": link.status,
        "value": money_json(link.value),
        "date": link.date.isoformat(),
        "closed_on": _day(link.closed_on),
        "second_tier": [_link_json(child) for child in link.second_tier],
    }


# ---------------------------------------------------------------------------- JSON and tables


def _event_json(event: facts.EventVisit | None) -> dict[str, Any] | None:
    if event is None:
        return None
    return {"id": event.event_id, "name": event.name, "date": event.date.isoformat()}


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def thesis_line(report: Report) -> str:
    """The essays' claim, tested on this data, in one sentence."""
    t = report.result.thesis
    cur = report.currency
    through, events = t.through_advocates.get(cur), t.direct_from_events.get(cur)
    other = t.direct_other.get(cur)
    whole = through + events + other
    if not whole:
        return "No business won yet: the report fills in as referrals are won."
    share = (Decimal(through) * 100 / Decimal(whole)).quantize(Decimal(1))
    return (
        f"{share}% of the business won ({cur}) came through advocates: "
        f"{format_money(from_cents(through), cur)} from {t.through_advocates_won} referrals, "
        f"against {format_money(from_cents(events), cur)} from {t.direct_from_events_won} "
        f"people met at events who became clients themselves"
        + (
            f" and {format_money(from_cents(other), cur)} from {t.direct_other_won} other "
            "direct clients."
            if t.direct_other_won
            else "."
        )
    )


def as_json(report: Report) -> dict[str, Any]:
    """Everything the report shows, for scripts: money as exact decimal strings per currency."""
    r = report.result
    return {
        "today": report.today.isoformat(),
        "since": _day(report.since),
        "currency": report.currency,
        "totals": {
            "received": r.received,
            "won": r.won,
            "lost": r.lost,
            "open": r.open,
            "given": r.given,
            "value_won": money_json(r.value_won),
            "median_days_to_first_referral": r.median_days_to_first_referral,
        },
        "advocates": [
            {
                "id": a.person_id,
                "name": a.name,
                "source": a.source,
                "event": _event_json(a.event),
                "first_met": _day(a.first_met),
                "referrals": a.referrals,
                "won": a.won,
                "lost": a.lost,
                "open": a.open,
                "first_tier": money_json(a.first_tier),
                "second_tier": money_json(a.second_tier),
                "spin_offs": a.spin_offs,
                "first_referral_on": _day(a.first_referral_on),
                "days_to_first_referral": a.days_to_first_referral,
            }
            for a in r.advocates
        ],
        "events": [
            {
                **(_event_json(facts.EventVisit(e.event_id, e.name, e.date)) or {}),
                "advocates": e.advocates,
                "referrals": e.referrals,
                "first_tier": money_json(e.first_tier),
                "second_tier": money_json(e.second_tier),
                "direct": money_json(e.direct),
                "total": money_json(e.total),
            }
            for e in r.events
        ],
        "sources": [
            {
                "source": x.source,
                "advocates": x.advocates,
                "referrals": x.referrals,
                "won": x.won,
                "first_tier": money_json(x.first_tier),
                "second_tier": money_json(x.second_tier),
                "direct": money_json(x.direct),
            }
            for x in r.sources
        ],
        "thesis": {
            "through_advocates": money_json(r.thesis.through_advocates),
            "through_advocates_won": r.thesis.through_advocates_won,
            "direct_from_events": money_json(r.thesis.direct_from_events),
            "direct_from_events_won": r.thesis.direct_from_events_won,
            "direct_other": money_json(r.thesis.direct_other),
            "direct_other_won": r.thesis.direct_other_won,
            "summary": thesis_line(report),
        },
        "chain": [_link_json(link) for link in report.chain],
        "funnel": [{"status": f.status, "reached": f.reached, "now": f.now} for f in r.funnel],
        "months": [
            {
                "month": m.month,
                "received": m.received,
                "won": m.won,
                "value_won": money_json(m.value_won),
                "given": m.given,
                "got": m.got,
            }
            for m in r.months
        ],
    }


def _n(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


Column = tuple[str, Callable[[dict[str, Any]], str]]


def _field(key: str) -> Callable[[dict[str, Any]], str]:
    return lambda row: _n(row[key])


def _money_field(key: str) -> Callable[[dict[str, Any]], str]:
    return lambda row: money_text(row[key])


# Each table: its key in the JSON, title, and columns (a title and how a JSON row shows).
_TABLES: tuple[tuple[str, str, tuple[Column, ...]], ...] = (
    (
        "advocates",
        "Business won per advocate",
        (
            ("id", _field("id")),
            ("advocate", _field("name")),
            ("source", _field("source")),
            ("first met at", lambda a: a["event"]["name"] if a["event"] else "—"),
            ("referrals", _field("referrals")),
            ("won", _field("won")),
            ("first tier", _money_field("first_tier")),
            ("second tier", _money_field("second_tier")),
            ("days to first referral", _field("days_to_first_referral")),
        ),
    ),
    (
        "events",
        "Events ranked by business attributed",
        (
            ("id", _field("id")),
            ("event", _field("name")),
            ("date", _field("date")),
            ("advocates", _field("advocates")),
            ("first tier", _money_field("first_tier")),
            ("second tier", _money_field("second_tier")),
            ("direct", _money_field("direct")),
            ("total", _money_field("total")),
        ),
    ),
    (
        "sources",
        "Business per source (how I met the advocate or client)",
        (
            ("source", _field("source")),
            ("advocates", _field("advocates")),
            ("referrals", _field("referrals")),
            ("won", _field("won")),
            ("first tier", _money_field("first_tier")),
            ("second tier", _money_field("second_tier")),
            ("direct", _money_field("direct")),
        ),
    ),
    (
        "funnel",
        "Referral funnel",
        (("stage", _field("status")), ("reached", _field("reached")), ("now", _field("now"))),
    ),
)


def sections(data: dict[str, Any]) -> list[Section]:
    """The tables of the report, made from its JSON (so both show the same numbers)."""
    t, th = data["totals"], data["thesis"]
    totals = (
        ("referrals received from advocates", _n(t["received"])),
        ("won", _n(t["won"])),
        ("lost", _n(t["lost"])),
        ("open", _n(t["open"])),
        ("value won through advocates", money_text(t["value_won"])),
        ("referrals I gave", _n(t["given"])),
        ("median days to a first referral", _n(t["median_days_to_first_referral"])),
    )
    thesis = tuple(
        (label, _n(th[f"{key}_won"]), money_text(th[key]))
        for label, key in (
            ("through advocates", "through_advocates"),
            ("directly from people met at events", "direct_from_events"),
            ("directly from others", "direct_other"),
        )
    )
    tables = {
        key: Section(
            key,
            title,
            tuple(name for name, _ in columns),
            tuple(tuple(show(row) for _, show in columns) for row in data[key]),
        )
        for key, title, columns in _TABLES
    }
    return [
        Section("totals", "Referrals", ("measure", "value"), totals),
        Section(
            "chain",
            "Where the business came from: event → advocate → client",
            ("first met at", "advocate", "client", "value"),
            tuple(_chain_rows(data["chain"])),
        ),
        tables["advocates"],
        tables["events"],
        tables["sources"],
        Section("thesis", "Advocates or direct?", ("business", "won", "value"), thesis),
        tables["funnel"],
    ]


def _chain_rows(links: list[dict[str, Any]], depth: int = 0) -> Iterable[tuple[str, ...]]:
    """A link per row, each second-tier link under its parent, marked "↳ " (its advocate is
    the client above, who went on to refer business)."""
    for link in links:
        value = money_text(link["value"]) if link["status"] == "won" else link["status"]
        if depth:
            event, advocate = "", "  " * (depth - 1) + f"↳ {link['advocate']['name']}"
        else:
            event = link["event"]["name"] if link["event"] else "—"
            advocate = link["advocate"]["name"]
        yield (event, advocate, link["client"]["name"], value)
        yield from _chain_rows(link["second_tier"], depth + 1)


def html(store: Store, report: Report, data: dict[str, Any] | None = None) -> str:
    """The self-contained HTML report (templates/report.html; a copy in the config folder's
    templates/ overrides it)."""
    data = data or as_json(report)
    try:
        template = drafts.environment(store.settings).get_template("report.html")
        return template.render(
            data=data,
            summary=thesis_line(report),
            sections=sections(data),
            charts=charts.charts(store.cache, data),
            version=__version__,
        )
    except jinja2.TemplateError as exc:
        raise UserError(
            f"the report template cannot be rendered: {exc}",
            hint=f"check {store.settings.config_dir / 'templates' / 'report.html'}",
        ) from exc


# ---------------------------------------------------------------------------- the use case


@dataclass(frozen=True)
class Rendered:
    report: Report
    data: dict[str, Any]
    text: str | None  # the JSON or HTML (None for the table format)
    path: Path | None  # where it was written


def report(
    store: Store,
    since: dt.date | None = None,
    fmt: str = "table",
    out: Path | None = None,
    *,
    today: dt.date | None = None,
) -> Rendered:
    """Build the report; render it as JSON or HTML and write it to OUT when given."""
    if fmt not in FORMATS:
        raise UserError(f"format {fmt!r} is not known", hint=f"use one of: {', '.join(FORMATS)}")
    if out is not None:
        _check_target(out)
    built = build(store, since=since, today=today)
    data = as_json(built)
    text = None
    if fmt == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    elif fmt == "html":
        text = html(store, built, data)
    if text is not None and out is not None:
        write_atomic(out, text)
    return Rendered(built, data, text, out if text is not None else None)


def _check_target(path: Path) -> None:
    path = path.expanduser()
    if path.is_dir():
        raise UserError(f"{path} is a folder", hint="give a file name, e.g. report.html")
    if not path.parent.is_dir():
        raise UserError(f"folder {path.parent} does not exist", hint="create it first")


def write_atomic(path: Path, text: str) -> None:
    """Write TEXT to PATH whole or not at all, readable by the user only (it names clients)."""
    with files.atomic_write(path) as target:
        target.write(text)
