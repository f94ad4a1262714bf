"""What the API routers share: the store, today, documented error answers, the guard's refusal."""

from __future__ import annotations

from typing import Any

from whoknows.api.schemas import ErrorOut
from whoknows.errors import Refused

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Bad input: nothing was written"},
    404: {"model": ErrorOut, "description": "Not found"},
    409: {"model": ErrorOut, "description": "Conflicts with what is stored, or refused by a guard"},
}


class GuardRefused(Refused):
    """The reputation guard refused; REASONS are its warnings, one a line."""

    def __init__(self, message: str, reasons: list[str]) -> None:
        super().__init__(message, hint="nothing was written; send force=true to go ahead")
        self.reasons = reasons
