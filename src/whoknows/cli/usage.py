"""How `--help` reads: usage lines and option types as in most command-line tools.

Typer (0.2x) writes required arguments as ``{ref}``, optional ones as ``[path]`` with
lower-case names, and a type after every option, flags included (``--json <bool>``). Most
tools, and click before, write ``REF``, ``[PATH]``, ``--within INTEGER`` and a bare ``--json``.
Typer has no setting for this, so install() teaches its parameter classes the usual way
(tests/cli/test_cli_usage.py pins the result, so an upgrade that changes it is noticed).
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperOption

# Click's names for the types our options take.
_TYPES = {"int": "INTEGER", "float": "FLOAT", "str": "TEXT", "Path": "PATH", "bool": "BOOLEAN"}


def _argument_name(self: TyperArgument) -> str:
    return self.metavar if self.metavar is not None else (self.name or "").upper()


def _argument_usage(self: TyperArgument, ctx: Any) -> list[str]:
    name = _argument_name(self)
    if not name:
        return []  # an argument folded into the one before it (see `import`)
    if not self.required and not name.startswith("["):
        name = f"[{name}]"
    return [name + ("..." if self.nargs != 1 else "")]


def _argument_type(self: TyperArgument, ctx: Any) -> str | None:
    return None  # the argument's name says what it is


def _option_type(self: TyperOption, ctx: Any) -> str | None:
    if self.is_flag or self.count:
        return None
    if self.metavar is not None:
        return self.metavar
    described = self.type_descriptor
    if described.is_choice and described.choices:
        return "[" + "|".join(str(c) for c in described.choices) + "]"
    label = self.bare_type().removeprefix("list[").removesuffix("]")
    return _TYPES.get(label, label.upper())


def install() -> None:
    """Make every whoknows --help read the usual way (idempotent)."""
    TyperArgument.get_usage_pieces = _argument_usage  # type: ignore[method-assign]
    TyperArgument.display_type_rich = _argument_type  # type: ignore[method-assign,assignment]
    TyperArgument.display_name_raw = property(_argument_name)  # type: ignore[assignment]
    TyperOption.display_type_rich = _option_type  # type: ignore[method-assign]
