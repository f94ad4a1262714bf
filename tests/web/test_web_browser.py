"""In a real browser (headless Chromium): capture on a phone, the path drawing, the referral
board. With WHOKNOWS_SCREENSHOTS=1 a screenshot of each main page goes to docs/screenshots/
(a plain run writes nothing, so it leaves the tree clean)."""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import uvicorn
from webtools import TODAY

from whoknows.config import Settings, database_url_from
from whoknows.web.app import create_app

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


class Served(NamedTuple):
    url: str
    secret: str


def signed_in(browser: Any, server: Served, **options: Any) -> Any:
    """A browser context that opened the link `whoknows serve` prints (so it holds the cookie)."""
    context = browser.new_context(base_url=server.url, **options)
    first = context.new_page()
    first.goto(f"/docs?access_token={server.secret}")
    first.close()
    return context


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The app over a copy of the small demo, served by uvicorn on loopback in a thread."""
    folder = tmp_path_factory.mktemp("served")
    copy = folder / "demo.db"
    copy.write_bytes(demo_file.read_bytes())
    settings = Settings(
        database_url=database_url_from(str(copy)),
        data_dir=folder / "data",
        config_dir=folder / "config",
    )
    port = _free_port()
    app = create_app(settings, today=TODAY)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield Served(f"http://127.0.0.1:{port}", app.state.access.secret)
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(browser: Any, server: Served) -> Iterator[Any]:
    context = signed_in(browser, server, viewport=LAPTOP)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield opened
    context.close()
    csp = [e for e in errors if "Content Security Policy" in e or "Error" in e]
    assert not csp, f"the page logged errors (CSP or script): {csp}"


def shot(page: Any, name: str) -> None:
    """Refresh docs/screenshots/NAME.png, only when WHOKNOWS_SCREENSHOTS=1 asks for it."""
    if os.environ.get("WHOKNOWS_SCREENSHOTS") != "1":
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


@pytest.fixture(scope="module")
def shared_name(demo_file: Path) -> str:
    """A name several people of the demo have."""
    with sqlite3.connect(demo_file) as db:
        row = db.execute(
            "SELECT MIN(name) FROM people GROUP BY name_key HAVING COUNT(*) > 1 LIMIT 1"
        ).fetchone()
    assert row, "the demo has people who share a name"
    return str(row[0])


def expected_refusals(message: str) -> bool:
    """The console lines a refused capture causes (the 400 and 409 answers), not bugs."""
    return (
        "status of 400" in message or "status of 409" in message or "Status Error Code 4" in message
    )


def test_capture_six_people_at_an_event_on_a_phone(
    browser: Any, server: Served, shared_name: str
) -> None:
    """Each is saved, or stays on the form with its reason: nobody is lost."""
    context = signed_in(
        browser, server, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    phone = context.new_page()
    problems: list[str] = []
    phone.on("pageerror", lambda exc: problems.append(str(exc)))
    phone.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    phone.goto("/events")
    phone.fill("#add-event input[name=name]", "Harbour breakfast")
    phone.click("#add-event button[type=submit]")
    phone.wait_for_url("**/events/*")

    def add(name: str, **fields: str) -> None:
        phone.fill("#capture input[name=name]", name)
        for field, value in fields.items():
            if field == "gets":
                phone.check("#capture input[name=gets]")
            else:
                phone.fill(f"#capture input[name={field}]", value)
        phone.click("#capture button[type=submit]:not([name])")

    def met() -> str:
        return str(phone.inner_text("#met"))

    # 1. someone new, with every field
    add(
        "Rosa Quint",
        email="rosa@quint.test",
        organization="Quint Dairy",
        role="Operations Director",
        gets="1",
    )
    phone.wait_for_selector("#capture-notice >> text=Added Rosa Quint.")
    assert "Rosa Quint" in met()
    assert phone.input_value("#capture input[name=name]") == "", "ready for the next"
    assert phone.evaluate("document.activeElement.name") == "name"
    # 2. an invalid email: refused by its field, everything typed still there, then fixed
    add("Bob Doe", email="bob@x", organization="Doe Ltd")
    phone.wait_for_selector("#capture-email-error")
    assert phone.input_value("#capture input[name=name]") == "Bob Doe"
    assert phone.input_value("#capture input[name=email]") == "bob@x"
    assert phone.input_value("#capture input[name=organization]") == "Doe Ltd"
    assert "Bob Doe" not in met()
    assert phone.inner_text("#flash") == ""
    phone.fill("#capture input[name=email]", "bob@doe.test")
    phone.click("#capture button[type=submit]:not([name])")
    phone.wait_for_selector("#capture-notice >> text=Added Bob Doe.")
    assert "Bob Doe" in met()
    # 3. a name several people have: they are offered, with organization and role
    add(shared_name)
    phone.wait_for_selector("#capture-choices")
    offered = phone.locator("#capture-choices button.choice:not(.new)")
    assert offered.count() >= 2
    assert phone.locator("#capture-new").count() == 1
    assert shared_name not in met()
    offered.first.click()
    phone.wait_for_selector("#capture-notice >> text=already known")
    assert shared_name in met()
    # 4-6. names with markup, right-to-left script, an organization with an ampersand
    add("Ana <b>Lima</b>")
    phone.wait_for_selector("#capture-notice >> text=Added Ana <b>Lima</b>.")
    add("أحمد خليل", organization="Nile & Co")
    phone.wait_for_selector("#capture-notice >> text=Added أحمد خليل.")
    add("Lena Brandt", role="Founder")
    phone.wait_for_selector("#capture-notice >> text=Added Lena Brandt.")
    listed = met()
    for name in (
        "Rosa Quint",
        "Bob Doe",
        shared_name,
        "Ana <b>Lima</b>",
        "أحمد خليل",
        "Lena Brandt",
    ):
        assert name in listed, name
    assert phone.locator("#met li").count() == 6
    assert phone.locator("#followup >> text=Rosa Quint").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "event-capture-phone")
    phone.goto("/")
    shot(phone, "dashboard-phone")
    context.close()
    unexpected = [p for p in problems if not expected_refusals(p)]
    assert not unexpected, unexpected


def test_find_a_path_and_see_the_drawing(page: Any) -> None:
    page.goto("/paths")
    page.select_option("#kind", "icp")
    page.click("#path-form button")
    page.wait_for_selector(".path")
    page.wait_for_selector("#network[data-ready]", timeout=15000)
    drawn = page.get_attribute("#network", "data-ready")
    assert drawn is not None
    assert drawn != "error"
    assert int(drawn) >= 3
    assert page.locator("#network canvas").count() >= 1
    shot(page, "path-finder")


def test_move_a_referral_on_the_board(page: Any) -> None:
    page.goto("/referrals")
    tile = page.locator("#col-received .tile").first
    tile_id = tile.get_attribute("id")
    tile.locator("select").select_option("meeting")
    tile.locator("button").click()
    page.wait_for_selector(f"#col-meeting #{tile_id}")
    assert page.locator(f"#col-received #{tile_id}").count() == 0
    shot(page, "referrals")


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("dashboard", "/"),
        ("people", "/people"),
        ("person", None),
        ("event", "/events"),
        ("advocates", "/advocates"),
        ("introductions", "/introductions"),
        ("reports", "/reports"),
        ("brief", "/brief"),
        ("settings", "/settings"),
    ],
)
def test_screenshot_of_each_main_page(page: Any, name: str, url: str | None) -> None:
    if name == "person":
        page.goto("/advocates")
        page.click("#advocates-table tbody tr:first-child a")
        page.wait_for_selector("#person-name")
    elif name == "event":
        page.goto(url)
        page.click(".list .who")
        page.wait_for_selector("#capture")
    else:
        page.goto(url)
    assert page.title().endswith("whoknows")
    shot(page, name)


def test_import_a_file_and_see_the_report(page: Any) -> None:
    upload = Path(__file__).resolve().parents[1] / "fixtures" / "handmade"
    page.goto("/import")
    page.set_input_files(
        "#upload-form input[name=file]",
        str(upload / "linkedin-connections-bad-date-and-extra-cells.csv"),
    )
    page.click("#upload-form button")
    page.wait_for_selector("#report")
    assert "Preview of" in page.inner_text("#report h2")
    page.click("#confirm-import")  # sends the same file again: nothing was kept
    page.wait_for_selector(
        "#report >> text=Imported linkedin-connections-bad-date-and-extra-cells.csv"
    )
    assert "9 fields" in page.inner_text("#report-errors"), "the bad row, with its reason"
    assert "the other day" in page.inner_text("#report"), "the bad date: a warning"
    assert page.locator("#undo-form").count() == 1, "an import can be taken back"
    assert int(page.inner_text("#report-created")) + int(page.inner_text("#report-merged")) >= 1
    assert page.locator("#confirm-form").count() == 0
    shot(page, "import")


def test_the_api_reference_renders_offline_under_the_csp(page: Any) -> None:
    """/docs is Swagger UI from vendored files: no CDN, no inline script, nothing blocked."""
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:")) else None
        ),
    )
    page.goto("/docs")
    page.wait_for_selector("#swagger-ui .information-container .title", timeout=15000)
    assert "whoknows" in page.inner_text("#swagger-ui .information-container .title")
    assert page.locator("#swagger-ui .opblock").count() >= 10, "the operations are listed"
    assert not outside, f"the reference loaded files from elsewhere: {outside}"
    shot(page, "api-docs")


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_an_open_draft_wraps_inside_the_screen(
    browser: Any, server: Served, viewport: dict[str, int]
) -> None:
    """Follow-up drafts wrap: opening them makes no page wider than the screen, and the next
    draft is still where a tap lands."""
    context = signed_in(browser, server, viewport=viewport, has_touch=True)
    phone = context.new_page()
    phone.goto("/events")
    phone.click(".list .who")
    phone.wait_for_selector("#followup details")
    drafts = phone.locator("#followup details")
    assert drafts.count() >= 2
    drafts.nth(0).locator("summary").click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    drafts.nth(1).locator("summary").tap()
    assert drafts.nth(1).get_attribute("open") is not None, "the second draft opened"
    assert phone.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    shot(phone, f"event-draft-{'phone' if viewport is PHONE else 'laptop'}")
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_drawing_is_readable_near_the_top_and_a_tap_says_who(
    browser: Any, server: Served, viewport: dict[str, int]
) -> None:
    context = signed_in(browser, server, viewport=viewport, has_touch=True)
    page = context.new_page()
    page.goto("/paths?kind=icp")
    page.wait_for_selector("#network[data-ready]", timeout=15000)
    assert page.get_attribute("#network", "data-ready") != "error"
    drawing = page.locator("#network").bounding_box()
    assert drawing is not None
    assert drawing["y"] < viewport["height"], "the drawing is on the first screen"
    sizes = page.evaluate(
        "() => { const cy = window.whoknowsNetwork;"
        " return cy.nodes().filter(n => n.style('label')).map("
        "   n => parseFloat(n.style('font-size')) * cy.zoom()); }"
    )
    assert len(sizes) >= 3, "the people on the paths are named"
    assert min(sizes) >= 12, f"labels as drawn on the screen: {min(sizes):.1f} px"
    target = page.evaluate(
        "() => { const n = window.whoknowsNetwork.nodes(\"[role = 'target']\")[0];"
        " n.emit('tap'); return [n.id(), n.data('label')]; }"
    )
    page.wait_for_selector(f"#network-person a[href='/people/{target[0]}']")
    assert target[1] in page.inner_text("#network-person")
    shot(page, f"path-finder-{'phone' if viewport is PHONE else 'laptop'}")
    context.close()


def test_a_referral_moves_forward_and_won_asks_its_value(page: Any) -> None:
    page.goto("/referrals")
    tile = page.locator("#col-received .tile").first
    tile_id = tile.get_attribute("id")
    assert tile.locator("select").input_value() == "contacted", "the next status first"
    worth = tile.locator(".when-won input")
    assert not worth.is_visible(), "the value is asked only for won"
    tile.locator("select").select_option("won")
    assert worth.is_visible()
    worth.fill("5000")
    won = int(page.inner_text("#col-won .count").replace(",", ""))
    tile.locator("button").click()
    page.wait_for_selector(f"#col-received #{tile_id}", state="detached")
    assert int(page.inner_text("#col-won .count").replace(",", "")) == won + 1


def test_on_a_phone_the_nav_shows_it_scrolls_and_a_skip_link_comes_first(
    browser: Any, server: Served
) -> None:
    context = signed_in(browser, server, viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.goto("/people")
    nav = phone.locator(".nav")
    assert "more" in (nav.get_attribute("class") or ""), "more of the nav to the right"
    assert "gradient" in phone.evaluate(
        "getComputedStyle(document.querySelector('.nav')).webkitMaskImage"
    )
    phone.evaluate("document.querySelector('.nav').scrollLeft = 10000")
    phone.wait_for_function("!document.querySelector('.nav').classList.contains('more')")
    phone.keyboard.press("Tab")
    skip = phone.locator("a.skip")
    assert phone.evaluate("document.activeElement.className") == "skip"
    box = skip.bounding_box()
    assert box is not None
    assert box["y"] >= 0, "seen when it has the focus"
    phone.keyboard.press("Enter")
    assert phone.evaluate("document.activeElement.id") == "content"
    context.close()


def test_a_refused_move_is_said_on_its_tile(browser: Any, server: Served) -> None:
    """Won without a value, for a referral with no estimate: the reason shows on the tile."""
    context = signed_in(browser, server, viewport=LAPTOP)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto("/referrals")
    tiles = page.locator("#col-received .tile, #col-contacted .tile, #col-meeting .tile")
    priced = re.compile(r"[A-Z]{3} [\d,]+\.\d\d")
    unpriced = next(
        tiles.nth(i) for i in range(tiles.count()) if not priced.search(tiles.nth(i).inner_text())
    )
    tile_id = unpriced.get_attribute("id")
    unpriced.locator("select").select_option("won")
    unpriced.locator("button").click()
    page.wait_for_selector(f"#{tile_id}-error .alert")
    assert "worth" in page.inner_text(f"#{tile_id}-error")
    assert page.inner_text("#flash") == ""
    context.close()
    assert not [p for p in problems if not expected_refusals(p)], problems
