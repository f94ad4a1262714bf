"""What an import did, counted, with its warnings and bad rows (the `import --json` shape)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

MAX_WARNINGS = 200


@dataclass
class ImportReport:
    kind: str
    path: str
    dry_run: bool = False
    id: int | None = None
    created: int = 0
    merged: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    people_created: int = 0
    interactions: int = 0
    ties: int = 0
    queued: int = 0
    warnings: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # what a calendar's window left out
    records: int = 0

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.skipped_reasons[reason] = self.skipped_reasons.get(reason, 0) + 1

    def warn(self, source: str, line: int | None, what: str) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            where = f"{source}:{line}" if line else source
            self.warnings.append(f"{where}: {what}")

    def counts(self) -> dict[str, int]:
        keys = ("created", "merged", "updated", "skipped", "people_created")
        return {k: getattr(self, k) for k in (*keys, "interactions", "ties", "queued", "records")}

    def as_json(self) -> dict[str, Any]:
        found = asdict(self)
        found.pop("records")
        return found
