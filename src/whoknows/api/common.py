"""What the API routers share: documented error answers and paging."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Query, Request, Response

from whoknows.api.schemas import ErrorOut
from whoknows.services import paging

T = TypeVar("T")
Limit = Annotated[int, Query(ge=1, le=1000, description="At most this many rows (a page).")]
Offset = Annotated[int, Query(ge=0, le=2**31 - 1, description="Skip this many rows first.")]
PAGED: dict[int | str, dict[str, Any]] = {
    200: {
        "headers": {
            "X-Total-Count": {
                "description": "How many rows the whole listing has",
                "schema": {"type": "integer"},
            },
            "Link": {"description": 'The next page, rel="next", when there is one'},
        }
    }
}

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Bad input: nothing was written"},
    404: {"model": ErrorOut, "description": "Not found"},
    409: {"model": ErrorOut, "description": "Conflicts with what is stored, or refused by a guard"},
}


def paged(request: Request, response: Response, page: paging.Page[T]) -> list[T]:
    """The page's rows as the body; the total, and the next page's address, as headers."""
    response.headers["X-Total-Count"] = str(page.total)
    if page.more:
        following = request.url.include_query_params(
            offset=page.offset + len(page), limit=page.limit
        )
        response.headers["Link"] = f'<{following}>; rel="next"'
    return page.items
