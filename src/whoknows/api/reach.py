"""API: warm paths, advocates and the follow-up (due) list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from whoknows.api.common import ERRORS, PAGED, Limit, Offset, paged
from whoknows.api.schemas import AdvocateOut, DueOut, PathsOut, ProspectOut
from whoknows.http import store_of, today_of
from whoknows.services import paging, plan, reach, views

router = APIRouter(responses=ERRORS)


@router.get("/paths", tags=["reach"])
def paths(
    request: Request,
    target: Annotated[str, Query(min_length=1, max_length=200, pattern=r"^[^\x00]*$")],
    top: Annotated[int, Query(ge=1, le=50)] = 5,
    max_hops: Annotated[int, Query(ge=1, le=6)] = 4,
) -> PathsOut:
    """The best warm paths from me to a person, org:NAME, or icp (my ideal clients)."""
    found = reach.find_paths(
        store_of(request), target, top=top, max_hops=max_hops, today=today_of(request)
    )
    return PathsOut.of(found)


@router.get("/prospects", tags=["reach"], responses=PAGED)
def prospects(
    request: Request, response: Response, limit: Limit = 50, offset: Offset = 0
) -> list[ProspectOut]:
    """People who match my ideal client profile, most reachable first, a page at a time (the
    total in X-Total-Count)."""
    window = paging.Window(limit, offset)
    _, page = reach.prospects(store_of(request), window, today=today_of(request))
    return [ProspectOut.of(p) for p in paged(request, response, page)]


@router.get("/advocates", tags=["reach"])
def advocates(request: Request, top: Annotated[int, Query(ge=1, le=500)] = 10) -> list[AdvocateOut]:
    """The people I know ranked as advocates for me, with every part of the score."""
    _, ranked = reach.advocates(store_of(request), top=top, today=today_of(request))
    return [AdvocateOut.of(a) for a in ranked]


@router.get("/due", tags=["follow-ups"], responses=PAGED)
def due(
    request: Request,
    response: Response,
    within: Annotated[int, Query(ge=0, le=3650)] = 7,
    limit: Annotated[int | None, Query(ge=0, le=100_000)] = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    reconnect: bool = False,
) -> list[DueOut]:
    """The week's follow-up plan (or the reconnect list), first things first: LIMIT items
    from OFFSET (default: the week's capacity; 0: all). X-Total-Count says how many in all,
    and Link where the next page is."""
    found = plan.page(
        store_of(request),
        limit=limit,
        offset=offset,
        reconnect=reconnect,
        within_days=within,
        today=today_of(request),
    )
    shown = paging.Page(
        list(found.items), found.total, offset, found.capacity if limit is None else limit
    )
    return [DueOut.model_validate(views.plan_item(i)) for i in paged(request, response, shown)]
