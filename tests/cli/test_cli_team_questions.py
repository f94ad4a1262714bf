"""`whoknows team who-knows|path|ask|intros|accept|decline|withdraw` before joining a server:
each says in one line what to do, and exits non-zero."""

from __future__ import annotations

import pytest

from clirun import Cli


@pytest.mark.parametrize(
    "args",
    [
        ("team", "who-knows", "Acme"),
        ("team", "path", "org:Acme"),
        ("team", "ask", "Kim", "--about", "Dana", "--why", "x"),
        ("team", "intros"),
        ("team", "accept", "3"),
        ("team", "decline", "3"),
        ("team", "withdraw", "3", "--json"),
    ],
)
def test_a_question_before_joining_says_how_to_join(cli: Cli, args: tuple[str, ...]) -> None:
    ran = cli(*args)
    assert ran.code != 0
    assert "team join" in ran.err
    assert "Traceback" not in ran.err
    assert len(ran.err.strip().splitlines()) <= 2


def test_a_request_number_must_be_a_number(cli: Cli) -> None:
    ran = cli("team", "accept", "three")
    assert ran.code != 0
    assert "Traceback" not in ran.err
