"""What the web pages and the REST API share of a request: the app's store and today's date.

Both adapters read the state `web/app.py:create_app` (the composition root) sets, from here,
so neither imports the other.
"""

from __future__ import annotations

import datetime as dt

from fastapi import Request

from whoknows.services.store import Store


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def today_of(request: Request) -> dt.date:
    fixed: dt.date | None = request.app.state.today
    return fixed or dt.date.today()
