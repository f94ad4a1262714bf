"""The CLI on an 80-column terminal: every table fits, no header is broken inside a word."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from whoknows.cli import tables
from whoknows.cli.main import main
from whoknows.cli.tables import Column, layout
from whoknows.config import load_settings
from whoknows.demo.build import build_demo
from whoknows.services.store import Store

# What a user runs every week, each printing at least one table.
COMMANDS = [
    ["person", "list", "--limit", "30"],
    ["person", "find", "manufacturing"],
    ["person", "show", "1"],
    ["org", "list", "--limit", "20"],
    ["event", "list"],
    ["advocates"],
    ["advocates", "--potential"],
    ["prospects"],
    ["balance"],
    ["intro", "list"],
    ["referral", "list"],
    ["report"],
]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("layout") / "demo.db"
    with Store(load_settings(str(path))) as store:
        build_demo(store, "small", 7)
    return str(path)


@pytest.fixture
def at_80(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Sequence[Column], list[int]]]:
    """An 80-column terminal; records every table's columns and the widths laid out."""
    monkeypatch.setenv("COLUMNS", "80")
    laid_out: list[tuple[Sequence[Column], list[int]]] = []
    real = tables.layout

    def recording(columns: Sequence[Column], rows: Sequence[Sequence[str | Text]], width: int):  # type: ignore[no-untyped-def]
        widths = real(columns, rows, width)
        laid_out.append((columns, widths))
        return widths

    monkeypatch.setattr(tables, "layout", recording)
    return laid_out


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_every_table_fits_80_columns_and_keeps_its_headers_whole(
    args: list[str],
    demo_db: str,
    at_80: list[tuple[Sequence[Column], list[int]]],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    capsys.readouterr()
    code = main([*args, "--db", demo_db])
    out = capsys.readouterr().out
    assert code == 0, out
    assert at_80, f"{' '.join(args)} printed no table"
    for line in out.splitlines():
        assert Text(line).cell_len <= 80, line
    for columns, widths in at_80:
        for column, width in zip(columns, widths, strict=True):
            if width:  # kept: its header fits, or (free text) each word of it does
                words = column.header.split() if column.wrap else [column.header]
                assert all(Text(w).cell_len <= width for w in words), (column, width)
    assert not re.search(r"(organizatio|interaction)\s*┃", out)
    assert not re.search(r"┃\s*get Give to Get", out)


@pytest.mark.parametrize("args", [["due"], ["due", "--reconnect"], ["due", "--all"]], ids=" ".join)
def test_the_plan_fits_80_columns_one_line_per_what_and_why(
    args: list[str],
    demo_db: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    capsys.readouterr()
    assert main([*args, "--db", demo_db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(Text(line).cell_len <= 80 for line in lines)
    numbered = [i for i, line in enumerate(lines) if re.match(r" *\d+\. ", line)]
    assert numbered
    for i in numbered:  # who, when and what; then why, indented: never more than two lines
        assert lines[i + 1].startswith("     ")
        assert i + 2 >= len(lines) or not lines[i + 2].startswith("     ")


def test_the_demo_tour_at_80_columns_names_people_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["demo", "--size", "small", "--db", str(tmp_path / "tour.db")]) == 0
    out = capsys.readouterr().out
    table = out[out.index("Strongest relationships") : out.index("Busiest events")]
    rows = [line for line in table.splitlines() if line.startswith("│")]
    assert rows
    assert all("…" not in row.split("│")[1] for row in rows), table  # names never cut
    assert "givers" in out
    assert not re.search(r"┃\s*get Give to Get", out)  # a heading that reads as an order


def test_a_narrow_table_drops_the_columns_that_matter_least_first() -> None:
    columns = [
        Column("id", justify="right"),
        Column("name", least=tables.NAME),
        Column("email", drop=2),
        Column("organization", drop=1),
    ]
    rows = [["12", "Ada Lovelace-Byron", "ada@analytical.example", "Analytical Engines Ltd"]]
    assert all(layout(columns, rows, 120))
    narrow = layout(columns, rows, 50)
    assert narrow[2] == 0  # email went first
    assert narrow[3] >= len("organization")
    assert sum(narrow) + 3 * 3 + 1 <= 50


@given(
    headers=st.lists(
        st.text("abcdefghij ", min_size=1, max_size=14).filter(str.strip), min_size=1, max_size=8
    ),
    cells=st.lists(st.text(min_size=0, max_size=60), min_size=0, max_size=8),
    width=st.integers(40, 200),
    wrap=st.booleans(),
)
def test_layout_fits_the_width_whenever_the_columns_kept_can(
    headers: list[str], cells: list[str], width: int, wrap: bool
) -> None:
    columns = [
        Column(h, drop=i, wrap=wrap and i == len(headers) - 1) for i, h in enumerate(headers)
    ]
    rows = [
        [cells[(i + j) % len(cells)] if cells else "" for j in range(len(columns))]
        for i in range(3)
    ]
    widths = layout(columns, rows, width)
    kept = [w for w in widths if w]
    assert widths[0]  # drop 0: never dropped
    least = sum(
        max(Text(w).cell_len for w in (c.header.split() if c.wrap else [c.header]))
        for c, w in zip(columns, widths, strict=True)
        if w
    )
    if least + 3 * len(kept) + 1 <= width:
        assert sum(kept) + 3 * len(kept) + 1 <= width
    for column, w in zip(columns, widths, strict=True):
        if w:
            words = column.header.split() if column.wrap else [column.header]
            assert all(Text(word).cell_len <= w for word in words)


def test_a_cut_cell_ends_with_an_ellipsis() -> None:
    console = Console(width=40, file=io.StringIO(), record=True, highlight=False)
    rows = [["1", "A name long enough that it cannot possibly fit in forty columns"]]
    console.print(tables.table([Column("id"), Column("name")], rows, console=console))
    shown = console.export_text()
    assert "…" in shown
    assert all(len(line) <= 40 for line in shown.splitlines())


def test_the_advocates_table_shows_every_part_and_they_add_up(
    demo_db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    capsys.readouterr()
    assert main(["advocates", "--db", demo_db]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [line for line in lines if re.match(r"│\s*\d+ │", line)]  # first lines of rows
    assert len(rows) == 10
    for row in rows:
        cells = [c.strip() for c in row.split("│")[1:-1]]
        score, parts = float(cells[2]), dict(re.findall(r"([a-z/]+) (\d\.\d\d)", cells[3]))
        names = {"reach", "sphere", "tie", "trust", "give/get", "briefed", "connected"}
        assert set(parts) == names
        assert round(sum(float(v) for v in parts.values()), 2) == score
