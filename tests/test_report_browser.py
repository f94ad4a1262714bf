"""`report --format html` opens in a headless Chromium with its charts drawn (no network)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from whoknows.cli.main import main


def test_the_html_report_renders_its_charts_in_chromium(
    sqlite_url: str, browser: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def _ok(*args: str) -> None:
        # SQLite only: the page is the same from either database, the browser is the point here
        code = main([*args, "--db", sqlite_url])
        assert code == 0, (args, capsys.readouterr().err)

    for args in (
        ["me", "Sam Me"],
        ["event", "add", "Chamber Breakfast", "--date", "2024-01-10"],
        ["event", "met", "Chamber Breakfast", "Alice Advocate <alice@x.test>"],
        ["person", "add", "Bob Client"],
        ["referral", "add", "--from", "Alice", "--about", "Bob", "--date", "2024-03-01"],
        ["referral", "won", "1", "--value", "4000", "--date", "2024-05-01"],
        [
            "referral",
            "add",
            "--from",
            "Bob",
            "--about",
            "Carol <carol@x.test>",
            "--date",
            "2024-09-15",
        ],
        ["referral", "won", "2", "--value", "10000", "--date", "2024-12-01"],
        [
            "referral",
            "add",
            "--from",
            "Alice",
            "--about",
            "Dan <dan@x.test>",
            "--date",
            "2025-02-01",
        ],
        ["referral", "lost", "3", "--date", "2025-03-01"],
    ):
        _ok(*args)
    page_file = tmp_path / "report.html"
    _ok("report", "--format", "html", "--out", str(page_file))

    context = browser.new_context(viewport={"width": 1200, "height": 900}, offline=True)
    requests: list[str] = []
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_file.as_uri())
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    charts = page.eval_on_selector_all(
        "figure svg, figure img",
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return {w: r.width, h: r.height, shapes: e.querySelectorAll('path, rect').length}; })",
    )
    thesis = page.inner_text("#thesis")
    rows = page.eval_on_selector_all("#table-advocates tbody tr", "els => els.length")
    context.close()

    assert shot.stat().st_size > 20_000  # a real picture, not a blank page
    assert len(charts) == 5
    assert all(c["w"] > 200 and c["h"] > 100 and c["shapes"] > 5 for c in charts), charts
    assert "came through advocates" in thesis
    assert rows == 2
    assert requests == [page_file.as_uri()]  # nothing fetched beyond the file itself
