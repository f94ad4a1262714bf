"""The core is pure: no I/O, no UI, no SQL (core/README.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import whoknows.core

CORE = Path(whoknows.core.__file__).parent
ALLOWED_TOP = {
    "__future__",
    "dataclasses",
    "decimal",  # exact money (core/money.py)
    "datetime",
    "enum",
    "math",
    "re",
    "typing",
    "collections",
    "functools",
    "itertools",
    "heapq",
    "bisect",
    "statistics",
    "unicodedata",
    "string",
    "numpy",
    "scipy",
    "snowballstemmer",
    "whoknows",
    "operator",
    "abc",
    "types",
    "hashlib",  # digests of keys (the identity index), no I/O
    "hmac",  # keyed digests of contacts shared with a team (core/sharing.py)
    "json",  # the canonical text of what a push sends, to digest it (core/sharing.py)
    "rapidfuzz",  # string similarity in C, no I/O
}
ALLOWED_MODULES = {"urllib.parse"}  # text only; urllib.request is not
FORBIDDEN_CALLS = {"open", "print", "input", "exec", "eval", "breakpoint"}


def _modules() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def test_core_has_modules_to_check() -> None:
    assert any(p.name == "models.py" for p in _modules())


def test_core_imports_only_the_standard_library_and_numpy() -> None:
    offenders = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                inward = name.startswith("whoknows.core") or name == "whoknows"
                if name in ALLOWED_MODULES:
                    continue
                if top not in ALLOWED_TOP or (top == "whoknows" and not inward):
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_core_does_no_io() -> None:
    offenders = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in FORBIDDEN_CALLS
            ):
                offenders.append(f"{path.name}:{node.lineno} {node.func.id}()")
    assert offenders == []
