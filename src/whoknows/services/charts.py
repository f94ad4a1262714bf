"""The report's charts: matplotlib figures as inline SVG (no network needed to view them)."""

from __future__ import annotations

import hashlib
import io
import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from whoknows.services.cache import Cache

TOP = 10  # advocates and events shown in the charts


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    svg: Markup


def _label(text: str, width: int = 28) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def figure_svg(key: str, draw: Any, size: tuple[float, float] = (7.2, 3.4)) -> Markup:
    """Draw with DRAW(figure), SIZE inches wide and high, and return the SVG element (ids made
    unique per chart).

    Text stays text (svg.fonttype none): the browser draws it with its own fonts, so names
    in any script show, and matplotlib escapes it as XML.
    """
    import matplotlib
    from matplotlib.figure import Figure

    with (
        matplotlib.rc_context(
            # names are plain text: a "$" in one must not start mathtext
            {"svg.hashsalt": key, "svg.fonttype": "none", "font.size": 9, "text.parse_math": False}
        ),
        warnings.catch_warnings(),
    ):
        # glyphs DejaVu lacks (CJK names …) are only measured here; the browser draws them
        warnings.filterwarnings(
            "ignore", message="Glyph .* missing from font", category=UserWarning
        )
        figure = Figure(figsize=size, layout="constrained")
        draw(figure)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return Markup(text[text.find("<svg") :])


def warm() -> None:
    """Draw one tiny chart: matplotlib's import and font loading (most of a first chart's
    second) are paid now, so the first chart someone waits for costs only its drawing. A
    server calls it in the background when it starts."""
    figure_svg("warm", lambda figure: figure.add_subplot().bar([0], [1]), (1.0, 1.0))


def _empty(figure: Any, message: str) -> None:
    ax = figure.add_subplot()
    ax.text(0.5, 0.5, message, ha="center", va="center", color="#666")
    ax.set_axis_off()


def _amount(money: dict[str, str], currency: str) -> float:
    # charts only: the tables and JSON keep the exact amounts
    return float(Decimal(money.get(currency, "0")))


def charts(cache: Cache, data: dict[str, Any]) -> list[Chart]:
    """The report's charts for DATA (report.as_json), drawn once per distinct data.

    Drawing takes matplotlib a few hundred milliseconds; the same data draws the same SVG, so
    the key is a digest of the data, valid whatever the data version.
    """
    text = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    key = hashlib.sha256(text.encode()).hexdigest()
    return list(cache.get("charts", key, "any", lambda: _draw(data)))


def _draw(data: dict[str, Any]) -> list[Chart]:
    currency: str = data["currency"]
    months = data["months"]
    advocates = data["advocates"][:TOP]
    events = [e for e in data["events"] if _amount(e["total"], currency) > 0][:TOP]
    funnel = data["funnel"]

    def over_time(figure: Any) -> None:
        if not months:
            _empty(figure, "No referrals yet")
            return
        ax = figure.add_subplot()
        xs = list(range(len(months)))
        ax.bar(xs, [m["received"] for m in months], color="#9bbcd6", label="referrals received")
        ax.set_ylabel("referrals")
        value = ax.twinx()
        value.plot(
            xs,
            [_amount(m["value_won"], currency) for m in months],
            color="#c0392b",
            marker="o",
            markersize=3,
            label=f"value won ({currency})",
        )
        value.set_ylabel(f"value won ({currency})")
        _months_axis(ax, [m["month"] for m in months])
        figure.legend(loc="outside upper left", ncols=2, frameon=False)

    def top_advocates(figure: Any) -> None:
        if not advocates:
            _empty(figure, "No advocate has referred business yet")
            return
        ax = figure.add_subplot()
        names = [_label(a["name"]) for a in reversed(advocates)]
        one = [_amount(a["first_tier"], currency) for a in reversed(advocates)]
        two = [_amount(a["second_tier"], currency) for a in reversed(advocates)]
        ax.barh(names, one, color="#2e86c1", label="first tier")
        ax.barh(names, two, left=one, color="#85c1e9", label="second tier (spin-off)")
        ax.set_xlabel(f"value won ({currency})")
        ax.legend(loc="lower right", frameon=False)

    def give_get(figure: Any) -> None:
        if not months:
            _empty(figure, "Nothing given or received yet")
            return
        ax = figure.add_subplot()
        xs = list(range(len(months)))
        ax.plot(xs, [m["given"] for m in months], color="#27ae60", label="I gave")
        ax.plot(xs, [m["got"] for m in months], color="#8e44ad", label="I received")
        ax.set_ylabel("ledger entries")
        _months_axis(ax, [m["month"] for m in months])
        ax.legend(loc="upper left", frameon=False)

    def ranked_events(figure: Any) -> None:
        if not events:
            _empty(figure, "No business traced to an event yet")
            return
        ax = figure.add_subplot()
        ax.barh(
            [_label(e["name"]) for e in reversed(events)],
            [_amount(e["total"], currency) for e in reversed(events)],
            color="#d68910",
        )
        ax.set_xlabel(f"business attributed ({currency})")

    def stages(figure: Any) -> None:
        if not any(f["reached"] for f in funnel):
            _empty(figure, "No referrals yet")
            return
        ax = figure.add_subplot()
        names = [f["status"] for f in reversed(funnel)]
        reached = [f["reached"] for f in reversed(funnel)]
        colors = ["#a93226" if n == "lost" else "#1e8449" for n in names]
        ax.barh(names, reached, color=colors)
        for y, n in enumerate(reached):
            ax.text(n, y, f" {n}", va="center")
        ax.set_xlabel("referrals that got this far")

    plan = (
        ("over-time", "Referrals and value won over time", over_time),
        ("advocates", "Top advocates by value", top_advocates),
        ("give-get", "Give and get over time", give_get),
        ("events", "Events ranked by business attributed", ranked_events),
        ("funnel", "The referral funnel by stage", stages),
    )
    return [Chart(key, title, figure_svg(key, draw)) for key, title, draw in plan]


def _months_axis(ax: Any, months: Sequence[str]) -> None:
    step = max(1, len(months) // 12)
    ticks = list(range(0, len(months), step))
    ax.set_xticks(ticks, [months[i] for i in ticks], rotation=45, ha="right")
