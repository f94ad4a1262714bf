"""Two members of one firm, as they would use it: Alice shares from her own whoknows (the CLI,
over HTTP to a served team server), Bob signs in with a real browser and asks who knows someone
at Acme. He sees Alice's link at the level she chose, and nothing of the contact she keeps
private. With WHOKNOWS_SCREENSHOTS=1 the page goes to docs/screenshots/team-who-knows.png.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from team_world import PASSWORD, World

from whoknows.cli.main import main

pytestmark = pytest.mark.postgres
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def whoknows(database: Path, *args: str) -> None:
    """Alice's own whoknows: one command, as she would type it."""
    code = main([*args, "--db", str(database)])
    assert code == 0, f"whoknows {' '.join(args)} exited {code}"


def test_a_colleague_sees_a_shared_contact_at_its_level_and_nothing_of_a_private_one(
    served: str, world: World, browser: Any, tmp_path: Path
) -> None:
    alice, bob = world.account(name="Alice Adams"), world.account(name="Bob Brown")
    space = world.space()
    world.member(space, account=alice)
    world.member(space, account=bob)

    mine = tmp_path / "alice.db"
    whoknows(mine, "me", "Alice Adams", "--email", alice.email)
    for name, email, role, strength in (
        ("Jane Doe", "jane@acme.example", "VP Sales", "0.9"),
        ("Pat Quill", "pat@acme.example", "Chief Counsel", "0.8"),
    ):
        whoknows(mine, "person", "add", name, "--email", email, "--org", "Acme", "--role", role)
        whoknows(mine, "know", "me", name, "--strength", strength)
    whoknows(mine, "team", "join", served, "--token", world.token(space, alice))
    whoknows(mine, "team", "private", "Pat Quill")
    whoknows(mine, "team", "push")  # the default level: who, not names

    context = browser.new_context(base_url=served, viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"/login?next=/s/{space.slug}/who-knows")
    page.fill("input[name=email]", bob.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"**/s/{space.slug}/who-knows")
    page.fill("input[name=org]", "ACME")
    page.click("form[action$='/who-knows'] button[type=submit]")
    row = page.locator("tbody tr", has_text="Alice Adams")
    row.wait_for()
    cells = row.locator("td").all_inner_texts()
    assert cells[1:3] == ["strong", "1"]
    assert "a VP Sales at Acme" in cells[3]
    body = page.locator("main, body").first.inner_text()
    for hidden in ("Jane", "Pat", "Quill", "Chief Counsel", "@acme.example"):
        assert not re.search(rf"(?<!\w){re.escape(hidden)}(?!\w)", body), (
            f"{hidden!r} shows at level who"
        )

    whoknows(mine, "person", "add", "Bob Brown", "--email", bob.email)  # Bob is her contact
    whoknows(mine, "know", "me", "Bob Brown", "--strength", "0.7")
    whoknows(mine, "team", "share", "--level", "name")
    whoknows(mine, "team", "push")
    page.reload()
    row = page.locator("tbody tr", has_text="Alice Adams")
    assert "Jane Doe" in row.locator("td").nth(3).inner_text()
    body = page.locator("main, body").first.inner_text()
    for hidden in ("Pat", "Quill", "Chief Counsel", "@acme.example"):
        assert not re.search(rf"(?<!\w){re.escape(hidden)}(?!\w)", body), (
            f"{hidden!r} shows: private"
        )
    if os.environ.get("WHOKNOWS_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "team-who-knows.png"), full_page=True)

    # A warm path to the organization: through Alice, who knows Bob, to Jane; never Pat.
    page.goto(f"/s/{space.slug}/path")
    page.fill("input[name=to]", "org:Acme")
    page.click("form[action$='/path'] button[type=submit]")
    way = page.locator("ol li", has_text="Alice Adams").first
    way.wait_for()
    said = " ".join(way.inner_text().split())
    assert said.startswith("Ask Alice Adams (2 hops"), said
    assert said.endswith("you → Alice Adams (good) → Jane Doe, VP Sales at Acme (strong)"), said
    body = page.locator("main, body").first.inner_text()
    for hidden in ("Pat", "Quill", "Chief Counsel", "@acme.example"):
        assert not re.search(rf"(?<!\w){re.escape(hidden)}(?!\w)", body), f"{hidden!r} on a path"
    assert errors == []
    context.close()
