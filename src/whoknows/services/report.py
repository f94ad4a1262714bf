"""The referral report: gather from the store, attribute (core), show it (report_view.py)
as tables, JSON or HTML, and write it to a file.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoknows import files
from whoknows.core import attribution as core
from whoknows.core import chain
from whoknows.errors import BadOption, UserError
from whoknows.services import refs
from whoknows.services.money import default_currency
from whoknows.services.report_view import as_json, html
from whoknows.services.store import Store
from whoknows.storage.attribution import gather

FORMATS = ("table", "json", "html")


@dataclass(frozen=True)
class Report:
    today: dt.date
    since: dt.date | None
    currency: str  # the main currency: of most money won, else the configured default
    result: core.Attribution
    chain: tuple[chain.Link, ...] = ()  # event → advocate → client → value, per won referral


def build(store: Store, *, since: dt.date | None = None, today: dt.date | None = None) -> Report:
    """Attribute the business in the store (everything, or from SINCE on)."""
    day = today or dt.date.today()
    if since is not None and since > day:
        raise BadOption("since", since, "is in the future", hint="give a date up to today")
    with store.read() as session:
        me = refs.me(session, store.owner_id).id
        people, referrals, exchanges = gather(session, store.owner_id, me)
    result = core.attribute(people, referrals, exchanges, me=me, today=day, since=since)
    currency = result.currency or default_currency(store.settings)
    links = chain.chains(people, referrals, me=me, since=since, currency=currency)
    return Report(today=day, since=since, currency=currency, result=result, chain=links)


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
