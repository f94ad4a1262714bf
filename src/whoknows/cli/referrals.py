"""Commands of the referrals area; register() adds them to the whoknows app."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this area's commands to APP (filled in as the area is built)."""
    del app
