"""The HTTP status of each error whoknows reports (the API's JSON line, a page's refusal):
each error class carries its own (errors.py; the team server's in auth.py and limits.py)."""

from __future__ import annotations

from whoknows.errors import WhoknowsError


def status_of(exc: WhoknowsError) -> int:
    return exc.http_status
