"""A hint is worded for any adapter; a next step that needs a place to act (a command, a page,
a route) is a Hint with one wording per adapter; the option that goes ahead anyway is given
apart, and each adapter says how to give it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import whoknows
from whoknows.errors import BadOption, Hint, Refused, UserError

SERVICES = Path(whoknows.__file__).parent / "services"
# a flag ("--force") or a command ("whoknows me"), not prose ("the whoknows version")
CLI_ONLY = re.compile(r"(?<![\w-])--[a-z]|(?<!the )(?<!a )\bwhoknows(?= [a-z]|\s*$)")
# still to reword (issue 16): shrinks to nothing; a file that is clean must leave it
NOT_YET: set[str] = set()


def test_a_hint_without_an_option_is_the_same_for_every_adapter() -> None:
    error = UserError("no such person", hint="see the list of people")
    assert [error.hint_for(a) for a in ("cli", "web", "api")] == ["see the list of people"] * 3


def test_the_option_that_goes_ahead_is_said_as_the_adapter_gives_it() -> None:
    error = Refused("it could cost you", hint="nothing was written", go_ahead="force")
    assert error.hint == "nothing was written"
    assert error.hint_for("cli") == "nothing was written, or run again with --force"
    assert error.hint_for("api") == "nothing was written, or send force=true"
    assert error.hint_for("web") == "nothing was written, or send it again, anyway"


def test_a_next_step_is_said_by_each_adapter_its_own_way() -> None:
    step = Hint(cli='run: whoknows me "Your Name"', web="set who you are in Settings")
    error = UserError("who you are is not set yet", hint=step)
    assert error.hint_for("cli") == 'run: whoknows me "Your Name"'
    assert error.hint_for("web") == "set who you are in Settings"
    assert error.hint_for("api") == "set who you are in Settings", "the page's words by default"
    assert error.hint == "set who you are in Settings", "no command for whoever reads .hint"
    routed = UserError("no such import", hint=Hint(cli="c", web="w", api="GET /api/v1/x"))
    assert routed.hint_for("api") == "GET /api/v1/x"


def _hint_texts(tree: ast.Module) -> list[tuple[int, str]]:
    """Every string a `hint=` can show every adapter alike: its constants, and those of the
    module-level names it uses (a hint kept in a constant), but not a Hint's `cli=`."""
    values = [n.value for n in ast.walk(tree) if isinstance(n, ast.keyword) and n.arg == "hint"]
    values += [  # error.hint = "…", set after the error is made
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Assign)
        and any(isinstance(t, ast.Attribute) and t.attr == "hint" for t in n.targets)
    ]
    used = {n.id for v in values for n in ast.walk(v) if isinstance(n, ast.Name)}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id in used for t in targets):
                values.append(node.value)
    cli = {
        id(c)
        for v in values
        for k in ast.walk(v)
        if isinstance(k, ast.keyword) and k.arg == "cli"
        for c in ast.walk(k.value)
    }
    return [
        (c.lineno, c.value)
        for v in values
        for c in ast.walk(v)
        if isinstance(c, ast.Constant) and isinstance(c.value, str) and id(c) not in cli
    ]


def test_no_service_hint_names_a_flag_or_a_command() -> None:
    """The web and the API show a service's hint too: only a Hint's `cli=` may name the
    command line (`whoknows …`, `--flag`)."""
    said = [
        f"{path.relative_to(SERVICES)}:{line}: {text}"
        for path in sorted(SERVICES.rglob("*.py"))
        for line, text in _hint_texts(ast.parse(path.read_text("utf-8")))
        if CLI_ONLY.search(text)
    ]
    assert [s for s in said if s.split(":")[0] not in NOT_YET] == []
    assert {s.split(":")[0] for s in said} == NOT_YET, "reworded: take it off NOT_YET"


def test_the_check_sees_a_hint_kept_in_a_constant_and_spares_the_cli_wording() -> None:
    source = (
        'STEP = "see: whoknows intro list"\n'
        "raise UserError('x', hint=STEP)\n"
        "raise UserError('y', hint=Hint(cli='whoknows me NAME', web='in Settings'))\n"
        "raise UserError('z', hint='add --yes')\n"
        "error.hint = 'or add --skip-bad-rows'\n"
    )
    texts = [t for _, t in _hint_texts(ast.parse(source)) if CLI_ONLY.search(t)]
    assert sorted(texts) == ["add --yes", "or add --skip-bad-rows", "see: whoknows intro list"]


def test_a_bad_option_is_a_flag_on_the_command_line_and_a_parameter_elsewhere() -> None:
    error = BadOption("max-hops", 9, "is out of range", hint="use 1 to 6")
    assert error.message_for("cli") == "--max-hops 9 is out of range"
    assert error.message_for("api") == error.message_for("web") == "max_hops=9 is out of range"
    assert error.message == "max_hops=9 is out of range", "no flag for whoever reads .message"
    both = BadOption("since", "2025-03-01", "is after", versus=("until", "2025-02-01"))
    assert both.message_for("cli") == "--since 2025-03-01 is after --until 2025-02-01"
    assert both.message == "since=2025-03-01 is after until=2025-02-01"
    assert UserError("no such person").message_for("cli") == "no such person"


def _messages(tree: ast.AST) -> list[tuple[int, str]]:
    """The literal text of the first argument of every call of an error class."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args and isinstance(node.func, ast.Name)):
            continue
        if not node.func.id.endswith(("Error", "NotFound", "Conflict", "Refused")):
            continue
        first = node.args[0]
        parts = first.values if isinstance(first, ast.JoinedStr) else [first]
        text = "".join(
            p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str)
        )
        found.append((node.lineno, text))
    return found


def test_no_service_message_names_a_flag() -> None:
    """The web and the API show a service's message as it is: an option is a BadOption."""
    said = [
        f"{path.relative_to(SERVICES)}:{line}: {text}"
        for path in sorted(SERVICES.rglob("*.py"))
        for line, text in _messages(ast.parse(path.read_text("utf-8")))
        if CLI_ONLY.search(text)
    ]
    assert said == []
    assert _messages(ast.parse('raise UserError(f"--top {top} is out of range")')) == [
        (1, "--top  is out of range")
    ]
