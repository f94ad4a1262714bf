"""A member's own view of a chapter over HTTP: the dashboard (`/s/SLUG/chapter/me`), the
power team (JSON) and the 1-to-1 network (`/s/SLUG/chapter/one-to-ones`), each a page or
JSON. Thin over teamserver/chapter_dashboard.py and chapter_power.py; every member may read
them (a firm answers 404)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from whoknows.teamserver import chapter_charts, chapter_dashboard, chapter_power
from whoknows.teamserver.routes.chapter import ChapterMember
from whoknows.teamserver.routes.pages import page
from whoknows.teamserver.routes.reach import cache_dir

api = APIRouter(prefix="/api/v1/spaces/{slug}/chapter")
pages = APIRouter(prefix="/s/{slug}/chapter", include_in_schema=False)


@api.get("/me")
def me(who: ChapterMember) -> dict[str, Any]:
    return chapter_dashboard.dashboard(who.conn, who.space_id, who.account_id)


@api.get("/power-team")
def power_team(who: ChapterMember) -> dict[str, Any]:
    return chapter_power.power_team(who.conn, who.space_id, who.account_id)


@api.get("/one-to-ones/network")
def network(who: ChapterMember) -> dict[str, Any]:
    return chapter_dashboard.network(who.conn, who.space_id)


@pages.get("/me", response_class=HTMLResponse)
def me_page(request: Request, who: ChapterMember) -> Response:
    found = chapter_dashboard.dashboard(who.conn, who.space_id, who.account_id)
    drawn = chapter_charts.month_charts(found["slips"]["months"], cache_dir())
    return page(request, who, "chapter_me.html", space=who.space, me=found, drawn=drawn)


@pages.get("/one-to-ones", response_class=HTMLResponse)
def network_page(request: Request, who: ChapterMember) -> Response:
    found = chapter_dashboard.network(who.conn, who.space_id)
    return page(request, who, "chapter_one_to_ones.html", space=who.space, net=found)
