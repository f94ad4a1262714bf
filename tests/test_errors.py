"""A hint is worded for any adapter; the option that goes ahead anyway is given apart, and
each adapter says how to give it."""

from __future__ import annotations

from whoknows.errors import Refused, UserError


def test_a_hint_without_an_option_is_the_same_for_every_adapter() -> None:
    error = UserError("no such person", hint="see the list of people")
    assert error.hint_for(lambda o: f"run again with --{o}") == "see the list of people"


def test_the_option_that_goes_ahead_is_said_as_the_adapter_gives_it() -> None:
    error = Refused("it could cost you", hint="nothing was written", go_ahead="force")
    assert error.hint == "nothing was written"
    assert error.hint_for(lambda o: f"run again with --{o}") == (
        "nothing was written, or run again with --force"
    )
    assert error.hint_for(lambda o: f"send {o}=true") == "nothing was written, or send force=true"


def test_no_service_hint_names_the_guards_flag() -> None:
    from pathlib import Path

    import whoknows

    services = Path(whoknows.__file__).parent / "services"
    said = [p.name for p in services.rglob("*.py") if "again with --" in p.read_text("utf-8")]
    assert said == []
