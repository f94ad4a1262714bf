"""Pages of a listing: a window (limit, offset) on an ordered list, and how many there are.

The CLI, the web pages and the REST API ask for the same windows and say the same things
("1–50 of 20,301"), so a listing of a million people never loads them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from whoknows.services import validate

if TYPE_CHECKING:
    from whoknows.storage.unit import Select, Session

T = TypeVar("T")
DEFAULT_LIMIT = 50  # a page a terminal or a screen can show


@dataclass(frozen=True)
class Window:
    """Which rows to show: LIMIT of them after the first OFFSET."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0

    @classmethod
    def of(cls, limit: int | None, offset: int | None) -> Window:
        """Checked: limit 1..MAX_PAGE (default DEFAULT_LIMIT), offset 0 or more."""
        checked = validate.limit(limit)
        return cls(
            checked if checked is not None else DEFAULT_LIMIT,
            validate.positive(offset or 0, "offset"),
        )


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing: its rows, and where they stand in the whole."""

    items: list[T]
    total: int
    offset: int
    limit: int

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def more(self) -> int:
        """How many rows come after this page."""
        return max(0, self.total - self.offset - len(self.items))

    def describe(self, noun: str = "") -> str:
        """ "1–50 of 20,301 people"."""
        return describe(self.total, self.offset, len(self.items), noun)

    def map(self, convert: Callable[[T], Any]) -> Page[Any]:
        return Page([convert(item) for item in self.items], self.total, self.offset, self.limit)


def describe(total: int, offset: int, shown: int, noun: str = "") -> str:
    """Which rows a page shows: "1–50 of 20,301 people", "none of 12 people", "no people"."""
    what = f" {noun}" if noun else ""
    if not shown:
        return f"none of {total:,}{what}" if total else f"no{what or ' rows'}"
    return f"{offset + 1:,}–{offset + shown:,} of {total:,}{what}"


def of_list(rows: Sequence[T], window: Window) -> Page[T]:
    """A page of rows that are already in memory (a ranking computed whole)."""
    return Page(
        list(rows[window.offset : window.offset + window.limit]),
        len(rows),
        window.offset,
        window.limit,
    )


def of_query(session: Session, query: Select[Any], window: Window) -> tuple[list[Any], int]:
    """The window of an ordered query's rows, and how many rows the whole query has."""
    from whoknows.storage import windows  # loads SQLAlchemy: only when a page is read

    return windows.window(session, query, window.limit, window.offset)
