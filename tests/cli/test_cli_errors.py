"""Bad input: one line on stderr, exit 2, nothing written."""

from __future__ import annotations

import json

import pytest

from clirun import Cli


def _count(cli: Cli) -> int:
    return len(json.loads(cli("person", "list", "--json").out))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["person", "add", "X", "--email", "not-an-email"], "email"),
        (["person", "add", "X", "--phone", "12"], "phone"),
        (["person", "add", "X", "--email", "ok@good.test", "--phone", "+1 000"], "phone"),
        (["person", "add", "X", "--trust", "9"], "trust"),
        (["person", "add", "   "], "name"),
        (["person", "add", "Line\nbreak"], "control"),
    ],
)
def test_invalid_person_input_exits_2_with_one_line_and_writes_nothing(
    cli: Cli, args: list[str], expected: str
) -> None:
    ran = cli(*args)
    assert ran.code == 2
    assert len(ran.err.strip().splitlines()) == 1
    assert expected in ran.err
    assert "Traceback" not in ran.err
    assert _count(cli) == 0


def test_invalid_date_and_strength_write_nothing(cli: Cli) -> None:
    cli("me", "Sam")
    cli("person", "add", "Ann")
    cli("person", "add", "Bob")
    for args in (
        ["know", "Ann", "Bob", "--strength", "1.5"],
        ["know", "Ann", "Bob", "--strength", "0"],
        ["know", "Ann", "Bob", "--since", "2026-13-01"],
        ["log", "coffee", "Ann", "--date", "yesterday"],
        ["log", "dinner-party", "Ann"],
        ["event", "add", "Gala", "--date", "31/12/2026"],
    ):
        ran = cli(*args)
        assert ran.code == 2, args
        assert len(ran.err.strip().splitlines()) == 1, ran.err
    shown = cli("person", "show", "Ann", "--json")
    assert shown.code == 0, shown.err
    ann = json.loads(shown.out)
    assert ann["ties"] == []
    assert ann["interactions"] == []
    assert json.loads(cli("event", "list", "--json").out) == []


def test_a_failure_halfway_through_a_capture_writes_nothing(cli: Cli) -> None:
    cli("me", "Sam")
    cli("event", "add", "Mixer", "--date", "2026-11-01")
    ran = cli("event", "met", "Mixer", "Good Person <good@x.test>", "Bad Person <bad@>")
    assert ran.code == 2
    assert _count(cli) == 1  # only me
    assert json.loads(cli("event", "show", "Mixer", "--json").out)["attendees"] == []


def test_an_email_used_by_someone_else_is_a_conflict(cli: Cli) -> None:
    cli("person", "add", "Ann", "--email", "ann@x.test")
    ran = cli("person", "add", "Another Ann", "--email", "ANN@x.test")
    assert ran.code == 2
    assert "already belongs to" in ran.err
    assert _count(cli) == 1


def test_logging_before_saying_who_i_am_says_what_to_do(cli: Cli) -> None:
    cli("person", "add", "Ann")
    ran = cli("log", "call", "Ann")
    assert ran.code == 2
    assert "whoknows me" in ran.err


def test_usage_errors_are_one_line_with_exit_2(cli: Cli) -> None:
    ran = cli("person", "add")
    assert ran.code == 2
    assert len(ran.err.strip().splitlines()) == 1
    assert "--help" in ran.err
    assert cli("no-such-command").code == 2


def test_unknown_references_exit_2(cli: Cli) -> None:
    assert cli("person", "show", "nobody").code == 2
    assert cli("person", "show", "999").code == 2
    assert cli("event", "show", "nothing").code == 2
    assert cli("org", "show", "nothing").code == 2
