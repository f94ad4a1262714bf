"""The HTTP status of each error whoknows reports (the API's JSON line, a page's refusal)."""

from __future__ import annotations

from whoknows.errors import Conflict, NotFound, Refused, Unavailable, UserError, WhoknowsError
from whoknows.teamserver.auth import Forbidden, NotSignedIn
from whoknows.teamserver.limits import RateLimited


def status_of(exc: WhoknowsError) -> int:
    if isinstance(exc, NotSignedIn):
        return 401
    if isinstance(exc, Unavailable):
        return 503
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, RateLimited):
        return 429
    if isinstance(exc, Forbidden):
        return 403
    if isinstance(exc, Conflict | Refused):
        return 409
    if isinstance(exc, UserError):
        return 400
    return 500
