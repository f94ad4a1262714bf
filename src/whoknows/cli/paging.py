"""Listings that page: --limit and --offset, a JSON array written as it is read, and how many
more there are, said on stderr (stdout stays the page alone, for scripts)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from whoknows.services.paging import Page, Window
    from whoknows.services.store import Store

T = TypeVar("T")
LimitOption = Annotated[
    int | None,
    typer.Option("--limit", help="At most this many (default 50).", show_default=False),
]
OffsetOption = Annotated[
    int, typer.Option("--offset", help="Skip this many first (the next page).", show_default=False)
]
_CHUNK = 1_000  # rows read at a time for a long JSON listing: memory stays flat


def window(limit: int | None, offset: int) -> Window:
    from whoknows.services.paging import Window

    return Window.of(limit, offset)


def more(page: Page[Any], noun: str) -> None:
    """Say on stderr which rows these are and, when there are more, how to see them."""
    _say_more(page.total, page.offset, len(page), noun)


def _say_more(total: int, offset: int, shown: int, noun: str) -> None:
    from whoknows.services.paging import describe

    line = describe(total, offset, shown, noun)
    after = total - offset - shown
    if after > 0:
        line += f"; {after:,} more: --offset {offset + shown}"
    sys.stderr.write(f"{line}\n")


def page_or_json(
    db: str | None,
    limit: int | None,
    offset: int,
    json: bool,
    fetch: Callable[[Store, Window], Page[T]],
    shape: Callable[[T], Any],
    noun: str,
) -> Page[T] | None:
    """A listing's page (--limit, --offset) from the store --db names; with --json the rows
    are printed (`json_pages`) and there is no page to show."""
    from whoknows.cli.common import store

    wanted = window(limit, offset)
    with store(db) as opened:
        if json:
            json_pages(lambda step: fetch(opened, step), wanted, shape, noun)
            return None
        return fetch(opened, wanted)


def json_pages(
    fetch: Callable[[Window], Page[T]],
    wanted: Window,
    shape: Callable[[T], Any],
    noun: str,
) -> None:
    """Print the rows of WANTED as one JSON array, reading and writing a chunk at a time."""
    from whoknows.services.paging import Window

    out = sys.stdout
    written = 0
    page: Page[T] | None = None
    out.write("[")
    while page is None or (written < wanted.limit and page.more and len(page)):
        step = Window(min(_CHUNK, wanted.limit - written), wanted.offset + written)
        page = fetch(step)
        _write_items((shape(item) for item in page), out, first=written == 0)
        written += len(page)
    out.write("\n]\n" if written else "]\n")
    _say_more(page.total, wanted.offset, written, noun)


def json_array(items: Iterable[Any]) -> None:
    """Print ITEMS as one JSON array (the text print_json writes), an item at a time."""
    sys.stdout.write("[")
    written = _write_items(items, sys.stdout, first=True)
    sys.stdout.write("\n]\n" if written else "]\n")


def _write_items(items: Iterable[Any], out: Any, *, first: bool) -> int:
    from whoknows.services import views

    written = 0
    for item in items:
        text = json.dumps(views.as_json(item), ensure_ascii=False, indent=2)
        out.write(("\n  " if first and not written else ",\n  ") + text.replace("\n", "\n  "))
        written += 1
    return written
