"""A chapter's charts: the report's last 26 weeks (slips, 1-to-1s, attendance, visitors,
thanks per currency) and a member's slips given and received per month.

Drawn by the local app's chart code (services/charts.py: matplotlib, inline SVG), each with a
title and a description for screen readers; the page shows the same numbers in a table.
A closed week's report never changes, so the same numbers draw the same SVG: drawings are
kept per digest of their numbers, in the process and in the folder the server's workers share
(WHOKNOWS_TEAM_CACHE): a week's are drawn once per server, by the first worker to show them.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import Connection, text

from whoknows.services import charts

WEEKS = 26
warm = charts.warm  # a server warms the drawing up when it starts (teamserver.app)
log = logging.getLogger("whoknows.teamserver")
SIZE = (4.8, 2.6)  # inches: read on a phone, the text stays legible at 360 px wide


def _accessible(svg: Markup, key: str, title: str, desc: str) -> Markup:
    """SVG with role img, a title and a description (what a screen reader says)."""
    text_ = str(svg)
    end = text_.find(">", text_.find("<svg"))
    head = text_[:end].replace("<svg", f'<svg role="img" aria-labelledby="{key}-t {key}-d"', 1)
    label = f'<title id="{key}-t">{escape(title)}</title><desc id="{key}-d">{escape(desc)}</desc>'
    return Markup(head + ">" + label + text_[end + 1 :])


def _ticks(ax: Any, labels: list[str]) -> None:
    step = max(1, -(-len(labels) // 6))  # six labels at most: a phone's width
    ticks = list(range(0, len(labels), step))
    ax.set_xticks(ticks, [labels[i] for i in ticks], rotation=45, ha="right")


def _bars(key: str, labels: list[str], series: dict[str, list[float]]) -> Markup:
    def draw(figure: Any) -> None:
        ax = figure.add_subplot()
        xs = list(range(len(labels)))
        width = 0.8 / max(len(series), 1)
        colors = ("#2e86c1", "#27ae60", "#8e44ad", "#d68910")
        for i, (name, values) in enumerate(series.items()):
            offset = (i - (len(series) - 1) / 2) * width
            ax.bar([x + offset for x in xs], values, width, label=name, color=colors[i % 4])
        _ticks(ax, labels)
        ax.yaxis.get_major_locator().set_params(integer=True)  # counts: whole numbers
        if len(series) > 1:
            ax.legend(loc="upper left", frameon=False, ncols=len(series))

    return charts.figure_svg(key, draw, SIZE)


def _lines(key: str, labels: list[str], series: dict[str, list[float]]) -> Markup:
    def draw(figure: Any) -> None:
        ax = figure.add_subplot()
        xs = list(range(len(labels)))
        for name, values in series.items():
            ax.plot(xs, values, marker="o", markersize=3, label=name)
        _ticks(ax, labels)
        if series:
            ax.legend(loc="upper left", frameon=False, ncols=min(len(series), 4))
        else:
            ax.text(0.5, 0.5, "No thanks yet", ha="center", va="center", color="#666")

    return charts.figure_svg(key, draw, SIZE)


def _words(values: list[float], what: str, labels: list[str]) -> str:
    if not values:
        return f"No {what} yet."
    top = max(range(len(values)), key=lambda i: values[i])
    return (
        f"{what.capitalize()} per week from {labels[0]} to {labels[-1]}: {sum(values):g} in all, "
        f"at most {values[top]:g} (week of {labels[top]}), {values[-1]:g} in the last week."
    )


def weeks_series(conn: Connection, space_id: int, starts_on: dt.date) -> dict[str, Any]:
    """The chapter's totals of the closed weeks up to STARTS_ON (26 at most), oldest first,
    as their reports hold them (written once at each close)."""
    rows = conn.execute(
        text(
            """
            SELECT w.starts_on, r.body -> 'totals' AS totals
            FROM chapter_report r JOIN chapter_week w ON w.id = r.week_id
            WHERE r.space_id = :s AND w.starts_on <= :d AND w.starts_on > :since
            ORDER BY w.starts_on
            """
        ),
        {"s": space_id, "d": starts_on, "since": starts_on - dt.timedelta(weeks=WEEKS)},
    ).all()
    currencies = sorted({c for r in rows for c in r.totals.get("thanks", {})})
    return {
        "weeks": [r.starts_on.isoformat() for r in rows],
        "present": [int(r.totals["present"]) for r in rows],
        "slips": [int(r.totals["slips"]) for r in rows],
        "one_to_ones": [int(r.totals.get("one_to_ones", 0)) for r in rows],
        "visitors": [int(r.totals.get("visitors", 0)) for r in rows],
        "thanks": {
            c: [str(Decimal(r.totals.get("thanks", {}).get(c, "0"))) for r in rows]
            for c in currencies
        },
    }


def report_charts(series: dict[str, Any], kept: Path | None = None) -> dict[str, Any]:
    """The report's five charts and their table, from weeks_series (drawn ones read from KEPT,
    a folder the server's workers share, and new ones written there)."""
    return _drawn("report", json.dumps(series, sort_keys=True), kept)


def month_charts(months: list[dict[str, Any]], kept: Path | None = None) -> dict[str, Any]:
    """A member's slips given and received per month (the dashboard), and their table."""
    return _drawn("months", json.dumps(months, sort_keys=True), kept)


def _drawn(kind: str, numbers: str, kept: Path | None) -> dict[str, Any]:
    digest = hashlib.sha256(f"{kind}:{numbers}".encode()).hexdigest()
    return _kept(kind, numbers, digest, kept)


@functools.lru_cache(maxsize=256)
def _kept(kind: str, numbers: str, digest: str, kept: Path | None) -> dict[str, Any]:
    path = kept / "charts" / f"{digest}.json" if kept is not None else None
    if path is not None and path.exists():
        try:
            found = json.loads(path.read_text(encoding="utf-8"))
            for chart in found["charts"]:
                chart["svg"] = Markup(chart["svg"])
            return dict(found)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # unreadable: drawn again and written over
    drawn = _draw(kind, numbers, digest)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            part = path.with_suffix(f".{os.getpid()}.part")
            part.write_text(json.dumps(drawn, default=str), encoding="utf-8")
            os.replace(part, path)  # whole or not at all, whichever worker writes it
        except OSError:
            log.warning("the charts could not be kept in %s", path.parent)
    return drawn


def _draw(kind: str, numbers: str, digest: str) -> dict[str, Any]:
    data = json.loads(numbers)
    key = f"c{digest[:10]}"
    if kind == "months":
        labels = [m["month"] for m in data]
        given = [m["given"] for m in data]
        got = [m["received"] for m in data]
        drawn = [
            (
                "slips",
                "Slips I gave and received per month",
                _words(given, "slips given", labels) + " " + _words(got, "slips received", labels),
                _bars(f"{key}-s", labels, {"given": given, "received": got}),
            )
        ]
        table = {
            "columns": ["Month", "Given", "Received"],
            "rows": [[m["month"], m["given"], m["received"]] for m in data],
        }
        return {"charts": [_chart(key, *c) for c in drawn], "table": table}
    labels = data["weeks"]
    money = {c: [float(Decimal(v)) for v in vs] for c, vs in data["thanks"].items()}
    counts = (
        ("slips", "Referral slips per week", data["slips"], "slips"),
        ("one-to-ones", "1-to-1s per week", data["one_to_ones"], "1-to-1s"),
        ("attendance", "Members present per week", data["present"], "members present"),
        ("visitors", "Visitors per week", data.get("visitors", []), "visitors"),
    )
    drawn = [
        (name, title, _words(vs, what, labels), _bars(f"{key}-{name}", labels, {what: vs}))
        for name, title, vs, what in counts
    ]
    thanks_words = " ".join(_words(vs, f"thanks in {c}", labels) for c, vs in money.items())
    drawn.append(
        (
            "thanks",
            "Thanks for closed business per week, per currency",
            thanks_words or "No thanks yet.",
            _lines(f"{key}-thanks", labels, money),
        )
    )
    table = {
        "columns": [
            "Week of",
            "Present",
            "Slips",
            "1-to-1s",
            "Visitors",
            *(f"Thanks {c}" for c in money),
        ],
        "rows": [
            [
                week,
                data["present"][i],
                data["slips"][i],
                data["one_to_ones"][i],
                data["visitors"][i],
                *(data["thanks"][c][i] for c in money),
            ]
            for i, week in enumerate(labels)
        ],
    }
    return {"charts": [_chart(key, *c) for c in drawn], "table": table}


def _chart(key: str, name: str, title: str, desc: str, svg: Markup) -> dict[str, Any]:
    chart_key = f"{key}-{name}"
    return {
        "key": name,
        "title": title,
        "desc": desc,
        "svg": _accessible(svg, chart_key, title, desc),
    }
