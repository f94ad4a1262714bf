"""Option values as text and whole numbers without pydantic.

Typer (0.2x) converts every parameter's value through a pydantic ``TypeAdapter`` it builds
for that parameter when the command runs: loading pydantic and building the adapters costs
each command about a tenth of a second, more than most commands' own work. Almost all of our
parameters are plain text, a whole number without bounds, a flag or a list of texts, which
need no validation library; install() converts those directly, with Typer's own error text,
and leaves everything else (paths, choices, bounded numbers, parsers) to Typer.
tests/cli/test_cli_coercion.py pins the result, so an upgrade that changes it is noticed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from typer._click import Context
from typer._click.exceptions import BadParameter
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer.core import _TyperParameter

_NOT_AN_INTEGER = "Input should be a valid integer, unable to parse string as an integer"


@dataclass(frozen=True)
class _Plain(RuntimeParam):
    """A value Typer would pass through pydantic's lax str, int, bool or list[str] conversion."""

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        if self.annotation is bool:
            if isinstance(value, bool):
                return value
            # "--flag=yes" and the like: what Typer accepts is Typer's to say
            typer_own = build_runtime_param(param.type_descriptor)
            return typer_own._coerce_value(value, param=param, ctx=ctx)
        if self.annotation is int:
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            try:
                return int(str(value).strip())
            except ValueError:
                raise BadParameter(_NOT_AN_INTEGER, ctx=ctx, param=param) from None
        if self.annotation is str:
            return value if isinstance(value, str) else str(value)
        return [str(item) for item in value]  # list[str]


def plain(descriptor: TypeDescriptor) -> RuntimeParam | None:
    """The direct conversion for DESCRIPTOR, or None when Typer's own is needed."""
    info = descriptor.parameter_info
    simple = descriptor.annotation in (str, int, bool) or descriptor.annotation == list[str]
    if (
        not simple
        or descriptor.file_annotation is not None
        or descriptor.is_ranged
        or descriptor.is_choice
        or info.parser is not None
    ):
        return None
    return _Plain(parameter_info=info, annotation=descriptor.annotation)


_typer_runtime_param = _TyperParameter.get_runtime_param


def _runtime_param(self: _TyperParameter) -> RuntimeParam:
    if self._runtime_param is None:
        self._runtime_param = plain(self.type_descriptor)
    return _typer_runtime_param(self)


def install() -> None:
    """Convert plain values without pydantic (idempotent)."""
    _TyperParameter.get_runtime_param = _runtime_param  # type: ignore[method-assign]
