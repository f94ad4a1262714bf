"""What a database error means to the user: one line, what to do, never SQL or stored rows.

The driver's message can carry the statement, its parameters (people's names, notes) and, on
PostgreSQL, a DETAIL line with the row. Only the first line of the driver's own message is
ever shown, and only for errors whose first line names a constraint or a limit.
"""

from __future__ import annotations

import sys
from typing import Any

from whoknows.errors import Conflict, DiskFull, Unavailable, UserError, WhoknowsError


class NotADatabase(UserError):
    def __init__(self, where: str) -> None:
        super().__init__(
            f"{where} is not a whoknows database (not a SQLite file)",
            hint="check --db / WHOKNOWS_DATABASE_URL, or give a new file name to start one",
        )


def first_line(error: BaseException | None) -> str:
    text = str(error).strip() if error is not None else ""
    return text.splitlines()[0] if text else type(error).__name__


# SQLite reports everything through a few classes; the message tells them apart.
_SQLITE = (
    (("database is locked", "database table is locked", "database is busy"), "busy"),
    (("database or disk is full", "disk is full"), "full"),
    (("file is not a database", "file is encrypted"), "not-a-database"),
    (("readonly database",), "read-only"),
    (("unable to open database file",), "cannot-open"),
    (("disk i/o error",), "io"),
)
# PostgreSQL error classes (SQLSTATE prefixes) and single codes.
_CONNECTION = ("08", "57P01", "57P02", "57P03", "53300")  # gone, shutting down, too many
_TRY_AGAIN = ("40001", "40P01", "55P03", "57014")  # serialization, deadlock, lock, timeout
_DISK_FULL = ("53100",)
_BAD_VALUE = ("22",)  # data exceptions: a value the column cannot hold


def _sqlalchemy_error(exc: BaseException, name: str = "DBAPIError") -> bool:
    """Whether EXC is SQLAlchemy's NAME error; never loads SQLAlchemy (a command that read
    through plain sqlite3 has not loaded it, and then none of its errors can be raised)."""
    module: Any = sys.modules.get("sqlalchemy.exc")
    return module is not None and isinstance(exc, getattr(module, name))


def translate(exc: Exception, where: str = "the database") -> WhoknowsError:
    """The user's view of a database error (SQLAlchemy's, or the driver's own) about WHERE."""
    wrapped = _sqlalchemy_error(exc)
    orig = getattr(exc, "orig", None) if wrapped else exc
    invalidated = wrapped and bool(getattr(exc, "connection_invalidated", False))
    message = first_line(orig).casefold()
    state = str(getattr(orig, "sqlstate", None) or "")
    kind = next((k for keys, k in _SQLITE if any(key in message for key in keys)), None)
    if kind == "busy" or state.startswith(_TRY_AGAIN):
        return Unavailable(f"{where} is busy: another change is being written")
    if invalidated or state.startswith(_CONNECTION) or _unreachable(orig, state):
        return Unavailable(
            f"{where} cannot be reached ({first_line(orig)})",
            hint="nothing was written; check --db, or try again when the server is back",
        )
    if kind == "full" or state.startswith(_DISK_FULL):
        return DiskFull(where)
    if kind == "not-a-database":
        return NotADatabase(where)
    if kind == "read-only":
        return UserError(f"{where} is read-only", hint="check the file's permissions")
    if kind == "cannot-open":
        return UserError(f"cannot open {where}", hint="check the path and its permissions")
    if kind == "io":
        return UserError(
            f"the disk failed while using {where}", hint="check the disk; nothing was written"
        )
    if _sqlalchemy_error(exc, "IntegrityError") or type(orig).__name__ == "IntegrityError":
        return Conflict(f"the change contradicts what is stored: {first_line(orig)}")
    if state.startswith(_BAD_VALUE) or "too large" in message or "out of range" in message:
        return UserError(
            f"{where} cannot store a value: {first_line(orig)}",
            hint="nothing was written; check the sizes of the numbers and texts given",
        )
    return WhoknowsError(f"database error: {first_line(orig)}", hint="nothing was written")


def is_database_error(exc: BaseException) -> bool:
    """An error of SQLAlchemy or of a database driver (sqlite3, psycopg)."""
    if _sqlalchemy_error(exc):
        return True
    module = type(exc).__module__
    return module in {"sqlite3", "_sqlite3"} or module.startswith("psycopg")


def _unreachable(orig: BaseException | None, state: str) -> bool:
    """A PostgreSQL connection that could not be made has no SQLSTATE."""
    module = type(orig).__module__ if orig is not None else ""
    return module.startswith("psycopg") and type(orig).__name__ == "OperationalError" and not state
