"""What every page shares: the store, today, templates, rendering, redirects, form helpers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from whoknows import __version__
from whoknows.http import store_of as store_of  # the pages' one import for both
from whoknows.http import today_of as today_of
from whoknows.services import validate
from whoknows.services.money import format_money

HERE = Path(__file__).parent
NAV = (
    ("/", "Dashboard"),
    ("/people", "People"),
    ("/events", "Events"),
    ("/paths", "Paths"),
    ("/advocates", "Advocates"),
    ("/introductions", "Intros"),
    ("/referrals", "Referrals"),
    ("/reports", "Reports"),
    ("/brief", "Brief"),
    ("/import", "Import"),
    ("/settings", "Settings"),
)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every value is escaped; Markup only where a service made it safe
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = lambda value, currency: (
        format_money(value, currency) if value is not None else ""
    )
    env.filters["pct"] = lambda value: f"{100 * float(value):.0f}%"
    env.globals["nav"] = NAV
    env.globals["version"] = __version__
    env.globals["limits"] = {
        "name": validate.MAX_NAME,
        "line": validate.MAX_LINE,
        "text": validate.MAX_TEXT,
        "first_day": validate.FIRST_DAY.isoformat(),
        "last_day": validate.LAST_DAY.isoformat(),
    }
    return env


TEMPLATES = _environment()


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    values = {
        "request": request,
        "path": request.url.path,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "today": today_of(request),
        **(context or {}),
    }
    return HTMLResponse(TEMPLATES.get_template(template).render(values), status_code=status)


def redirect(url: str) -> Response:
    """After a form post: see the result with a GET (303), or tell htmx to go there."""
    return RedirectResponse(url, status_code=303)


def lines(value: str | None) -> list[str]:
    """A textarea or comma list as clean values."""
    if not value:
        return []
    parts = value.replace("\r", "").replace(",", "\n").split("\n")
    return [p.strip() for p in parts if p.strip()]


def blank_none(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def safe_next(value: str | None, default: str) -> str:
    """Where to go after a form: only a path of this app (never another site)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


def day_or(value: str | None, default: dt.date, what: str = "date") -> dt.date:
    """A date typed in a form (YYYY-MM-DD), or DEFAULT when left empty."""
    text = blank_none(value)
    return validate.date(text, what) if text else default
