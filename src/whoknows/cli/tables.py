"""Tables that fit the terminal: columns dropped or cut with "…", headers never broken."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rich.console import Console
from rich.table import Table
from rich.text import Text

Cell = str | Text
# Below this a cut column says too little to be worth keeping over dropping another one.
CUT_TO = 10
NAME = 18  # a name cut shorter than this is hard to recognise


@dataclass(frozen=True)
class Column:
    """One column: its header, and what happens to it when the terminal is narrow.

    DROP 0 keeps the column always; otherwise, when the columns do not fit, the highest DROP
    goes first. WRAP lets long free text (a reason, a note) run on to more lines at spaces
    instead of being cut with "…"; either way a header is never broken inside a word. LEAST
    is how narrow the column may be cut (names want more than the CUT_TO default).
    """

    header: str
    drop: int = 0
    justify: Literal["left", "right"] = "left"
    wrap: bool = False
    least: int | None = None


def _width(cell: Cell) -> int:
    return max((line.cell_len for line in _text(cell).split()), default=0)


def _text(cell: Cell) -> Text:
    """A cell as Text: what users typed is never read as Rich markup."""
    return cell if isinstance(cell, Text) else Text(cell)


def _header_width(column: Column) -> int:
    """The least a header needs: all of it, or (when it may wrap) its longest word."""
    words = column.header.split() if column.wrap else [column.header]
    return max((Text(word).cell_len for word in words), default=0)


def _overhead(columns: int) -> int:
    return 3 * columns + 1  # "│ " before each column, " " after, and the last "│"


def layout(columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int) -> list[int]:
    """The width of each column (0: dropped) so that the table fits WIDTH terminal cells."""
    natural = [
        max([Text(c.header).cell_len] + [_width(r[i]) for r in rows]) for i, c in enumerate(columns)
    ]
    least = [
        max(_header_width(c), min(natural[i], c.least or CUT_TO * (2 if c.wrap else 1)))
        for i, c in enumerate(columns)
    ]
    kept = list(range(len(columns)))
    droppable = sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: -columns[i].drop)
    for index in droppable:
        if sum(least[i] for i in kept) + _overhead(len(kept)) <= width:
            break
        kept.remove(index)
    widths = [natural[i] if i in kept else 0 for i in range(len(columns))]
    excess = sum(widths) + _overhead(len(kept)) - width
    while excess > 0:
        # Take a cell at a time from the column with the most room above its least width.
        room, index = max((widths[i] - least[i], i) for i in kept)
        if room <= 0:
            break  # narrower than the columns that may not go: let the terminal wrap it
        widths[index] -= 1
        excess -= 1
    return widths


def table(
    columns: Sequence[Column],
    rows: Iterable[Sequence[Cell]],
    *,
    console: Console,
    title: str | None = None,
) -> Table:
    """A Rich table of ROWS laid out for CONSOLE's width (see layout())."""
    rows = [list(r) for r in rows]
    widths = layout(columns, rows, console.width)
    shown = [i for i, w in enumerate(widths) if w]
    out = Table(title=title, title_justify="left")
    for i in shown:
        c = columns[i]
        out.add_column(
            c.header,
            justify=c.justify,
            width=widths[i],
            no_wrap=not c.wrap,
            overflow="ellipsis",
        )
    for row in rows:
        out.add_row(*(_text(row[i]) for i in shown))
    return out
