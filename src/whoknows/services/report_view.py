"""The referral report shown: its JSON (the data), the tables made from it, the HTML page.

The tables are made from the JSON, so both carry the same numbers. The HTML page is
self-contained: tables plus charts drawn by matplotlib as inline SVG.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import jinja2

from whoknows import __version__
from whoknows.core import acquaintance as facts
from whoknows.core import chain
from whoknows.core.money import Money, format_money, from_cents
from whoknows.errors import UserError
from whoknows.services import charts, drafts

if TYPE_CHECKING:
    from whoknows.services.report import Report
    from whoknows.services.store import Store


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
