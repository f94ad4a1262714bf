"""A chapter's weekly meeting, run on phones (390×844, touch) against a served team server:
the president marks attendance with one tap per member, two members give a slip each, the
visitor host records a visitor, and the president closes the week and lands on its report;
then a member opens her dashboard and the 1-to-1 network. With WHOKNOWS_SCREENSHOTS=1 the
meeting page, the week's report and the dashboard go to docs/screenshots/chapter-meeting.png,
chapter-report.png and chapter-dashboard.png.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from team_world import PASSWORD, World

pytestmark = pytest.mark.postgres
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def _phone(browser: Any, served: str, email: str, to: str, errors: list[str]) -> Any:
    """A member's phone, signed in, on the page TO."""
    context = browser.new_context(base_url=served, **PHONE)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"/login?next={to}")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.tap("form[action='/login'] button[type=submit]")
    page.wait_for_url(lambda url: url.endswith(to) and "/login" not in url)
    return page


def _fits(page: Any) -> None:
    """Nothing wider than the phone: no sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _words(page: Any) -> str:
    """The page's text, its spaces and line breaks made single spaces."""
    return " ".join(page.locator("main").inner_text().split())


def _shot(page: Any, name: str) -> None:
    if os.environ.get("WHOKNOWS_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / name), full_page=True)


def _give(page: Any, to: str, about: str, hot: str) -> None:
    page.select_option("#slip select[name=to]", label=to)
    page.fill("#slip input[name=about]", about)
    page.select_option("#slip select[name=hot]", hot)
    page.tap("#slip button[type=submit]")
    page.locator(".alert.ok", has_text="Slip given.").wait_for()


def test_a_meeting_on_a_phone_attendance_two_slips_a_visitor_and_the_close(
    served: str, world: World, browser: Any
) -> None:
    pat = world.account(name="Pat President")
    chapter = world.space(pat, kind="group")
    ana = world.member(chapter, "member", world.account(name="Ana Member"))
    world.member(chapter, "member", world.account(name="Ben Member"))
    vic = world.member(chapter, "leader", world.account(name="Vic Host"))
    meeting = f"/s/{chapter.slug}/chapter/meeting"
    errors: list[str] = []

    president = _phone(browser, served, pat.email, meeting, errors)
    _fits(president)
    for name, status in (
        ("Ana Member", "Present"),
        ("Ben Member", "Present"),
        ("Pat President", "Present"),
        ("Vic Host", "Late"),
    ):
        card = president.locator("li.attendance", has_text=name)
        card.get_by_role("button", name=status, exact=True).tap()
        president.locator(".alert.ok", has_text="Attendance recorded.").wait_for()
        assert card.locator(".pill").inner_text() == status.lower()
    assert "4 of 4 present" in president.locator("main").inner_text()

    _give(president, "Ana Member", "Dana Doe <dana@acme.test> @Acme / CFO", "4")
    assert "To Ana Member: Dana Doe <dana@acme.test> @Acme / CFO (hot 4)" in (
        president.locator("main").inner_text()
    )

    member = _phone(browser, served, ana.email, meeting, errors)
    _fits(member)
    body = member.locator("main").inner_text()
    assert "Attendance" not in body
    assert "Close the week" not in body
    _give(member, "Ben Member", "Lee Park <lee@bolt.test> @Bolt", "5")
    member.fill("#slip input[name=about]", "   ")  # a slip about nobody: refused, in one line
    member.locator("#slip input[name=about]").evaluate("e => e.removeAttribute('required')")
    member.tap("#slip button[type=submit]")
    refusal = member.locator(".alert.error")
    assert refusal.inner_text().startswith("say whom the slip is about")
    assert (
        "To Ben Member: Lee Park <lee@bolt.test> @Bolt (hot 5)"
        in member.locator("main").inner_text()
    )

    host = _phone(browser, served, vic.email, meeting, errors)
    host.fill("#visitor input[name=capture]", "Sam Lee <sam@lee.test> @Lee Law / Partner")
    host.select_option("#visitor select[name=invited_by]", label="Ana Member")
    host.tap("#visitor button[type=submit]")
    host.locator(".alert.ok", has_text="Visitor recorded.").wait_for()
    assert "Sam Lee @Lee Law (invited by Ana Member)" in _words(host)
    _fits(host)

    president.goto(meeting)
    _fits(president)
    _shot(president, "chapter-meeting.png")
    president.tap("#close button[type=submit]")  # unticked: the browser asks for the tick
    assert president.url.endswith(meeting)
    president.locator("#close input[name=confirm]").check()
    president.tap("#close button[type=submit]")
    president.wait_for_url(f"**/s/{chapter.slug}/chapter/weeks/*")
    _fits(president)
    report = president.locator("main").inner_text()
    assert "4 present · 2 slip(s) · 1 visitor(s)" in report
    assert "Sam Lee @Lee Law (invited by Ana Member)" in _words(president)
    assert "sam@lee.test" not in report
    rows = {
        r.locator("td").first.inner_text(): r.locator("td").all_inner_texts()
        for r in president.locator("tbody tr").all()
    }
    assert rows["Ana Member"][1:4] == ["present", "1", "1"]
    assert rows["Ben Member"][1:4] == ["present", "0", "1"]
    assert rows["Pat President"][1:4] == ["present", "1", "0"]
    assert rows["Vic Host"][1:4] == ["late", "0", "0"]
    _shot(president, "chapter-report.png")

    member.goto(meeting)  # the week is closed: the page is on the next one
    assert "0 of 4 present" in member.locator("main").inner_text()
    assert "To Ben Member" not in member.locator("main").inner_text()

    # Ana's dashboard on her phone: what she gave and received, whom she has not met 1-to-1,
    # the chart with its title, and how to share her sphere for a power team.
    member.goto(f"/s/{chapter.slug}/chapter/me")
    _fits(member)
    mine = member.locator("main").inner_text()
    assert "1 given · 1 received" in mine
    gaps = member.locator("#gaps li").all_inner_texts()
    assert gaps == ["Ben Member (never met)", "Pat President (never met)", "Vic Host (never met)"]
    chart = member.locator("#chart-slips svg[role=img]")
    assert chart.locator("title").first.text_content() == "Slips I gave and received per month"
    assert chart.bounding_box()["width"] <= 390
    assert "whoknows team power-team --share" in member.locator("#power-team").inner_text()
    _shot(member, "chapter-dashboard.png")
    member.goto(f"/s/{chapter.slug}/chapter/one-to-ones")
    _fits(member)
    assert member.locator("#isolated li").count() == 4  # nobody has had a 1-to-1 yet
    assert errors == []
    for phone in (president, member, host):
        phone.context.close()
